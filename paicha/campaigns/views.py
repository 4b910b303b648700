"""Campaign pages: each view parses, authorizes (`get_campaign_for_user`, 404 outside the
user's reach) and calls a service or a selector. Only views read the clock."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone

from paicha.audit.services import audit_export
from paicha.core.catalogue import get_form
from paicha.core.forms import errors_into
from paicha.organizations.models import Organization
from paicha.organizations.permissions import Perm, has_perm
from paicha.organizations.scope import require
from paicha.organizations.tree import is_in_subtree

from . import forms, report, services
from .choices import Level, SubmissionStatus
from .models import Phase, RequiredForm, Step, StepProgress, Submission
from .selectors import (
    acting_org,
    all_due_dates,
    campaigns_for_user,
    deadline_calendar,
    get_campaign_for_user,
    get_submission_for_user,
    latest_by_key,
    level_of,
    progress_board,
    reminders,
    review_problem,
    rollup,
    versions_of,
)


def _today() -> datetime.date:
    return timezone.localdate()


def _form_page(request, campaign, form, title, *, explain="", multipart=False, submit="保存"):
    return render(
        request,
        "campaigns/form.html",
        {
            "campaign": campaign,
            "form": form,
            "title": title,
            "explain": explain,
            "multipart": multipart,
            "submit": submit,
        },
    )


def _as_of(request) -> datetime.date:
    form = forms.AsOfForm(request.GET or None)
    return (form.cleaned_data.get("date") if form.is_valid() else None) or _today()


def _org_in_campaign(request, campaign, code: str | None) -> Organization:
    """The organization asked for: inside both the user's subtree and the campaign, else 404.
    Without a code: the user's organization, or the campaign's owner for a user above it."""
    user_org = request.user.organization
    if not code:
        return (
            user_org if is_in_subtree(user_org.path, campaign.org_path) else campaign.organization
        )
    org = Organization.objects.visible_to(request.user).filter(code=code).first()
    if org is None or not is_in_subtree(org.path, campaign.org_path):
        raise Http404("该党组织不在您的管理范围内")
    return org


# ---- campaigns --------------------------------------------------------------------------------


def campaign_list(request):
    campaigns = campaigns_for_user(request.user).select_related("organization")
    return render(request, "campaigns/list.html", {"campaigns": campaigns})


def campaign_new(request):
    require(request.user, Perm.REVIEW)
    form = forms.CampaignNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create_from_template(
                org=request.user.organization, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            messages.success(request, f"已部署“{campaign.name}”，阶段和步骤可继续修改")
            return redirect(campaign)
    return _form_page(
        request,
        None,
        form,
        "部署排查工作",
        explain=f"部署单位：{request.user.organization.name}，范围为本单位及下级党组织",
    )


def campaign_detail(request, pk):
    campaign = get_campaign_for_user(request.user, pk)
    as_of = _today()
    org = acting_org(request.user, campaign)
    phases = list(campaign.phases.prefetch_related("steps"))
    done = {}
    if org is not None:
        done = {
            p.step_id: p for p in StepProgress.objects.filter(campaign=campaign, organization=org)
        }
    level = level_of(org, campaign) if org else None
    my_forms = []
    if org is not None:
        latest = latest_by_key(campaign, [org])
        for rf in campaign.required_forms.filter(level=level):
            for period in all_due_dates(rf):
                sub = latest.get((org.pk, rf.form_slug, period))
                my_forms.append(
                    {
                        "rf": rf,
                        "period": period,
                        "sub": sub,
                        "late": period < as_of
                        and (sub is None or sub.status == SubmissionStatus.RETURNED),
                    }
                )
    phases = [
        (phase, [(step, done.get(step.pk)) for step in phase.steps.all()]) for phase in phases
    ]
    return render(
        request,
        "campaigns/detail.html",
        {
            "campaign": campaign,
            "phases": phases,
            "org": org,
            "level": level,
            "level_label": Level(level).label if level else "",
            "my_forms": my_forms,
            "as_of": as_of,
            "required": campaign.required_forms.all(),
            "is_owner": request.user.organization_id == campaign.organization_id
            and has_perm(request.user, Perm.REVIEW),
            "can_tick": org is not None and has_perm(request.user, Perm.EDIT_MEMBERS),
        },
    )


def _owner_campaign(request, pk):
    campaign = get_campaign_for_user(request.user, pk)
    if request.user.organization_id != campaign.organization_id:
        raise PermissionDenied("只有部署该排查工作的党组织才能修改它")
    require(request.user, Perm.REVIEW)
    return campaign


def campaign_edit(request, pk):
    campaign = _owner_campaign(request, pk)
    fields = [
        "name",
        "doc_number",
        "forms_document",
        "consult_department",
        "start",
        "end",
        "status",
        "notice",
    ]
    form = forms.CampaignEditForm(
        request.POST or None, initial={f: getattr(campaign, f) for f in fields}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(
                campaign=campaign, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect(campaign)
    return _form_page(request, campaign, form, "修改排查工作")


def phase_edit(request, pk, phase_pk=None):
    campaign = _owner_campaign(request, pk)
    phase = None
    if phase_pk is not None:
        phase = Phase.objects.filter(campaign=campaign, pk=phase_pk).first()
        if phase is None:
            raise Http404("没有该阶段")
    initial = (
        {"order": phase.order, "name": phase.name, "deadline": phase.deadline}
        if phase
        else {"order": campaign.phases.count() + 1}
    )
    form = forms.PhaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.phase_save(
                campaign=campaign, phase=phase, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            messages.success(request, "阶段已保存")
            return redirect(campaign)
    return _form_page(request, campaign, form, "修改阶段" if phase else "增加阶段")


def step_edit(request, pk, step_pk=None):
    campaign = _owner_campaign(request, pk)
    step = None
    if step_pk is not None:
        step = Step.objects.filter(phase__campaign=campaign, pk=step_pk).first()
        if step is None:
            raise Http404("没有该步骤")
    fields = ["phase", "order", "text", "level", "time_note", "deadline"]
    initial = (
        {f: getattr(step, f) for f in fields}
        if step
        else {"order": Step.objects.filter(phase__campaign=campaign).count() + 1}
    )
    form = forms.StepForm(request.POST or None, initial=initial, campaign=campaign)
    if request.method == "POST" and request.POST.get("delete") and step is not None:
        try:
            services.step_delete(campaign=campaign, step=step, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "步骤已删除")
        return redirect(campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.step_save(
                campaign=campaign, step=step, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            messages.success(request, "步骤已保存")
            return redirect(campaign)
    return render(
        request,
        "campaigns/form.html",
        {
            "campaign": campaign,
            "form": form,
            "title": "修改步骤" if step else "增加步骤",
            "submit": "保存",
            "deletable": step is not None,
        },
    )


def required_form_new(request, pk):
    campaign = _owner_campaign(request, pk)
    form = forms.RequiredFormForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.required_form_save(
                campaign=campaign, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            messages.success(request, "应报报表已增加")
            return redirect(campaign)
    return _form_page(
        request,
        campaign,
        form,
        "增加应报报表",
        explain="“每月月底前上报”的报表在排查期间每月最后一天截止。",
    )


# ---- steps ------------------------------------------------------------------------------------


def step_tick(request, pk, step_pk):
    campaign = get_campaign_for_user(request.user, pk)
    org = acting_org(request.user, campaign)
    step = Step.objects.filter(phase__campaign=campaign, pk=step_pk).select_related("phase").first()
    if org is None or step is None:
        raise Http404("没有该步骤，或本单位不参加该排查工作")
    require(request.user, Perm.EDIT_MEMBERS)
    form = forms.TickForm(
        request.POST or None, request.FILES or None, initial={"done_on": _today()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.step_tick(
                campaign=campaign, org=org, step=step, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            messages.success(request, f"已登记完成：{step}")
            return redirect(campaign)
    return _form_page(
        request,
        campaign,
        form,
        f"登记完成：{step.order}、{step.text}",
        multipart=True,
        submit="登记完成",
    )


def step_untick(request, pk, step_pk):
    campaign = get_campaign_for_user(request.user, pk)
    org = acting_org(request.user, campaign)
    step = Step.objects.filter(phase__campaign=campaign, pk=step_pk).first()
    if org is None or step is None:
        raise Http404("没有该步骤，或本单位不参加该排查工作")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.step_untick(campaign=campaign, org=org, step=step, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已撤销完成登记：{step.order}、{step.text}")
    return redirect(campaign)


def minutes_download(request, pk, progress_pk):
    campaign = get_campaign_for_user(request.user, pk)
    progress = (
        StepProgress.objects.visible_to(request.user)
        .filter(campaign=campaign, pk=progress_pk)
        .exclude(minutes="")
        .first()
    )
    if progress is None:
        raise Http404("没有该材料")
    require(request.user, Perm.EXPORT)
    audit_export(
        acting_user=request.user,
        what=f"排查步骤材料 {progress.minutes_name}",
        org=progress.organization,
        params={"campaign": campaign.pk, "step": progress.step_id},
    )
    from django.core.files.storage import default_storage
    from django.http import FileResponse

    return FileResponse(
        default_storage.open(progress.minutes, "rb"),
        as_attachment=True,
        filename=progress.minutes_name or progress.minutes.rsplit("/", 1)[-1],
    )


# ---- board, calendar, reminders ---------------------------------------------------------------


def board(request, pk):
    campaign = get_campaign_for_user(request.user, pk)
    root = _org_in_campaign(request, campaign, request.GET.get("org"))
    as_of = _as_of(request)
    return render(
        request,
        "campaigns/board.html",
        {
            "campaign": campaign,
            "root": root,
            "as_of": as_of,
            "rows": progress_board(campaign, root, as_of=as_of),
            "form": forms.AsOfForm(initial={"date": as_of}),
        },
    )


def calendar_view(request, pk):
    campaign = get_campaign_for_user(request.user, pk)
    return render(
        request,
        "campaigns/calendar.html",
        {"campaign": campaign, "dates": deadline_calendar(campaign), "today": _today()},
    )


def _reminders(request, template, limit):
    r = reminders(request.user, as_of=_today())
    return render(
        request,
        template,
        {
            "r": r,
            "late": r["late"][:limit],
            "due_soon": r["due_soon"][:limit],
            "children_late": r["children_late"][:limit],
        },
    )


def reminders_page(request):
    return _reminders(request, "campaigns/reminders.html", 1000)


def reminders_box(request):
    """The body of `campaigns/_reminders.html`, the box the home page includes."""
    return _reminders(request, "campaigns/_reminders_box.html", 5)


# ---- submissions ------------------------------------------------------------------------------


def _period(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise Http404("上报期限格式不对") from exc


def submission_new(request, pk, slug, period):
    """Preview the form as it would be frozen now, with its checks, and submit it."""
    campaign = get_campaign_for_user(request.user, pk)
    org = acting_org(request.user, campaign)
    period = _period(period)
    if (
        org is None
        or not RequiredForm.objects.filter(
            campaign=campaign, form_slug=slug, level=level_of(org, campaign)
        ).exists()
    ):
        raise Http404("本单位在该排查工作中不需要上报此表")
    require(request.user, Perm.EDIT_MEMBERS)
    preview = forms.SubmitForm(request.GET if "as_of" in request.GET else None)
    as_of = (
        preview.cleaned_data["as_of"]
        if preview.is_bound and preview.is_valid()
        else min(_today(), period)
    )
    form = forms.SubmitForm(request.POST or None, initial={"as_of": as_of})
    if form.is_bound and form.is_valid():
        as_of = form.cleaned_data["as_of"]
    if request.method == "POST" and form.is_valid():
        try:
            sub = services.submission_submit(
                campaign=campaign,
                org=org,
                form_slug=slug,
                period=period,
                as_of=as_of,
                acting_user=request.user,
            )
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            messages.success(request, f"已上报第{sub.version}版，等待上级审核")
            return redirect(sub)
    result = get_form(slug).build(org=org, as_of=as_of, user=request.user)
    return render(
        request,
        "campaigns/submit.html",
        {
            "campaign": campaign,
            "org": org,
            "period": period,
            "form": form,
            "result": result,
            "data": result.as_json(),
            "as_of": as_of,
            "versions": versions_of(campaign, org, slug, period),
        },
    )


def submission_list(request, pk):
    """Submissions of the user's subtree in this campaign; those waiting for the user first."""
    campaign = get_campaign_for_user(request.user, pk)
    subs = (
        Submission.objects.visible_to(request.user)
        .filter(campaign=campaign)
        .select_related("organization", "submitted_by")
    )
    status = request.GET.get("status", "")
    if status in SubmissionStatus.values:
        subs = subs.filter(status=status)
    waiting = [
        s
        for s in subs.filter(status=SubmissionStatus.SUBMITTED).exclude(
            organization=request.user.organization
        )
    ]
    waiting = [s for s in waiting if review_problem(request.user, s) is None]
    return render(
        request,
        "campaigns/submissions.html",
        {
            "campaign": campaign,
            "subs": subs[:500],
            "waiting": waiting,
            "status": status,
            "statuses": SubmissionStatus.choices,
        },
    )


def submission_detail(request, pk, sub_pk):
    campaign = get_campaign_for_user(request.user, pk)
    sub = get_submission_for_user(request.user, campaign, sub_pk)
    return_form = forms.ReturnForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "accept":
                services.submission_accept(submission=sub, acting_user=request.user)
                messages.success(request, "已审核通过")
                return redirect(sub)
            if action == "return" and return_form.is_valid():
                services.submission_return(
                    submission=sub,
                    acting_user=request.user,
                    reason=return_form.cleaned_data["return_reason"],
                )
                messages.success(request, "已退回")
                return redirect(sub)
        except ValidationError as exc:
            errors_into(return_form, exc)
    return render(
        request,
        "campaigns/submission.html",
        {
            "campaign": campaign,
            "sub": sub,
            "data": sub.data,
            "return_form": return_form,
            "rows": [
                [row.get(c["key"], "") for c in sub.data.get("columns", [])]
                for row in sub.data.get("rows", [])
            ],
            "may_review": sub.status == SubmissionStatus.SUBMITTED
            and review_problem(request.user, sub) is None,
            "versions": versions_of(campaign, sub.organization, sub.form_slug, sub.period),
        },
    )


def rollup_view(request, pk, slug, period):
    campaign = get_campaign_for_user(request.user, pk)
    org = _org_in_campaign(request, campaign, request.GET.get("org"))
    period = _period(period)
    if not RequiredForm.objects.filter(campaign=campaign, form_slug=slug).exists():
        raise Http404("该排查工作不要求上报此表")
    return render(
        request,
        "campaigns/rollup.html",
        {
            "campaign": campaign,
            "org": org,
            "period": period,
            "slug": slug,
            "title": campaign.required_forms.filter(form_slug=slug).first().form_title,
            "r": rollup(campaign=campaign, org=org, form_slug=slug, period=period),
        },
    )


# ---- summary report ---------------------------------------------------------------------------


def report_view(request, pk):
    campaign = get_campaign_for_user(request.user, pk)
    org = _org_in_campaign(request, campaign, request.GET.get("org"))
    form = forms.ReportForm(request.POST or None, initial={"as_of": _today()})
    if request.method == "POST" and form.is_valid():
        require(request.user, Perm.EXPORT)
        data = form.cleaned_data
        content = report.summary_docx(
            campaign=campaign, org=org, as_of=data["as_of"], sections=data, user=request.user
        )
        audit_export(
            acting_user=request.user,
            what=f"综合情况报告 {campaign.name}",
            org=org,
            params={"campaign": campaign.pk, "as_of": data["as_of"].isoformat()},
        )
        response = HttpResponse(
            content,
            content_type=(
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            ),
        )
        from urllib.parse import quote

        name = quote(f"{org.name}党员组织关系集中排查综合情况报告.docx")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
        return response
    as_of = (
        form.cleaned_data.get("as_of") if form.is_bound and form.is_valid() else None
    ) or _today()
    return render(
        request,
        "campaigns/report.html",
        {
            "campaign": campaign,
            "org": org,
            "form": form,
            "figures": report.figures(org=org, campaign=campaign, as_of=as_of),
        },
    )
