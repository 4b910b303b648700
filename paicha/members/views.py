import time

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header

from paicha.audit.exports import export_in_background
from paicha.audit.locking import refusal_if_stale, version_of
from paicha.audit.services import audit_export
from paicha.core.forms import errors_into
from paicha.organizations.models import Organization
from paicha.organizations.permissions import Perm
from paicha.organizations.scope import get_for_user, require

from . import jobs, services
from .exports import EXPORT_MAX_ROWS, export_roster
from .forms import ImportForm, MemberFilterForm, MemberForm
from .importing import build_template
from .models import ON_ROSTER, ImportState, Member, MemberImport
from .quality import members_failing, quality_by_branch
from .selectors import (
    capped_count,
    get_member_for_user,
    keyset_page,
    member_history,
    member_record_groups,
    member_related_sections,
    member_roster,
    roster_count,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _roster(request):
    form = MemberFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    filters = {**filters, "sub": request.GET.get("sub", "")}
    members, org = member_roster(request.user, filters)
    if org is None and form.is_bound:
        form.add_error("org", "该党组织代码不存在或不在您的管理范围内")
    return form, filters, members, org


def member_list(request):
    form, filters, members, org = _roster(request)
    rows, next_cursor = keyset_page(members, after=request.GET.get("after"))
    count, exact = roster_count(request.user, filters, members)
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "members/list.html",
        {
            "form": form,
            "org": org,
            "members": rows,
            "next_cursor": next_cursor,
            "count": count,
            "count_exact": exact,
            "query": query.urlencode(),
            "is_first_page": not request.GET.get("after"),
            "show_identity": request.user.can(Perm.VIEW_IDENTITY),
            "can_export": request.user.can(Perm.EXPORT),
            "can_edit": request.user.can(Perm.EDIT_MEMBERS),
        },
    )


def member_export(request):
    require(request.user, Perm.EXPORT)
    form, filters, members, org = _roster(request)
    if org is None:
        raise Http404("该党组织不存在或不在您的管理范围内")
    count, exact = capped_count(members, cap=EXPORT_MAX_ROWS)
    if not exact:
        messages.error(request, f"符合条件的党员超过 {EXPORT_MAX_ROWS} 人，请缩小范围后再导出")
        return redirect(f"{reverse('members:list')}?{request.GET.urlencode()}")
    queued = export_in_background(request, org=org, title="党员名册", rows=count)
    if queued is not None:
        return queued
    now = timezone.localtime()
    filters_text = describe_filters(form, org)
    content = export_roster(
        members,
        title=f"{org.name}党员名册",
        filters_text=filters_text,
        exported_by=f"{request.user}（{request.user.get_role_display()}，{request.user.username}）",
        exported_at=now,
        show_identity=request.user.can(Perm.VIEW_IDENTITY),
    )
    audit_export(
        acting_user=request.user,
        what=f"党员名册（筛选导出，{count}人）",
        org=org,
        params={k: str(v) for k, v in filters.items() if v},
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        True, f"党员名册_{org.code}_{now:%Y%m%d%H%M}.xlsx"
    )
    return response


def describe_filters(form, org) -> str:
    parts = [f"党组织：{org.name}" if org else "党组织：无"]
    if form.is_bound and form.is_valid():
        for name, field in form.fields.items():
            value = form.cleaned_data.get(name)
            if name == "org" or not value:
                continue
            label = dict(getattr(field, "choices", ())).get(value, value)
            parts.append(f"{field.label}：{label}")
    if not (form.is_bound and form.cleaned_data.get("status")):
        parts.append("状态：在册（含保留组织关系）")
    return "；".join(parts)


def _member_actions(user, member: Member) -> list[tuple[str, str]]:
    """What can be done for this member from his page, as (label, url): the 登记表, his
    evidence, and — for those who may edit, while he is on the roster — the records the other
    areas keep about him, each form already knowing who he is."""
    actions = [("联系证据", reverse("evidence:member", args=[member.pk]))]
    if user.can(Perm.EXPORT):
        registration = reverse("reports:document", args=["member-registration", member.pk])
        actions += [
            ("登记表（打印）", registration),
            ("登记表（Word）", registration + "?format=docx"),
        ]
    if user.can(Perm.EDIT_MEMBERS) and member.status in ON_ROSTER:
        actions += [
            ("登记联系情况", reverse("evidence:contact_new", args=[member.pk])),
            ("登记党费", reverse("evidence:dues_new", args=[member.pk])),
            ("转出组织关系", reverse("transfers:create_out", args=[member.pk])),
            ("登记外出流动", reverse("transfers:flow_create", args=[member.pk])),
            ("出国（境）", reverse("transfers:abroad_create", args=[member.pk])),
            ("立案查找", reverse("cases:new") + f"?member={member.pk}"),
        ]
    return actions


def detail(request, pk):
    member = get_member_for_user(request.user, pk)
    show_identity = request.user.can(Perm.VIEW_IDENTITY)
    sections = member_related_sections(member)
    return render(
        request,
        "members/detail.html",
        {
            "member": member,
            "groups": member_record_groups(member, show_identity=show_identity),
            "actions": _member_actions(request.user, member),
            "can_edit": request.user.can(Perm.EDIT_MEMBERS),
            "history": member_history(member, show_identity=show_identity),
            "sections": sections,
            "empty_sections": [s["title"] for s in sections if not s["rows"]],
        },
    )


def create(request):
    require(request.user, Perm.EDIT_MEMBERS)
    initial = {}
    if code := request.GET.get("org"):
        initial["organization"] = (
            Organization.objects.visible_to(request.user).filter(code=code).first()
        )
    elif request.user.organization and not request.user.organization.children.exists():
        initial["organization"] = request.user.organization
    form = MemberForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            member = services.member_create(
                organization=data.pop("organization"), acting_user=request.user, **data
            )
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            messages.success(request, f"已登记党员“{member.name}”")
            return redirect(member)
    return render(request, "members/form.html", {"form": form, "title": "登记党员"})


def edit(request, pk):
    with transaction.atomic():
        member = get_member_for_user(request.user, pk, for_write=True)
        form = MemberForm(request.POST or None, instance=member, user=request.user)
        refused = refusal_if_stale(
            member, form, lambda: MemberForm(instance=member, user=request.user)
        )
        if refused is not None:
            # Saved by someone else since this page was opened: their changes, then ours.
            form = refused
        elif request.method == "POST" and form.is_valid():
            try:
                services.member_update(
                    member=member,
                    acting_user=request.user,
                    **{f: form.cleaned_data[f] for f in form.changed_data},
                )
            except ValidationError as exc:
                errors_into(form, exc)
            else:
                messages.success(request, f"已保存“{member.name}”的信息")
                return redirect(member)
    return render(
        request,
        "members/form.html",
        {
            "form": form,
            "member": member,
            "title": f"修改“{member.name}”的信息",
            "version": version_of(member),
        },
    )


# ---- Roster import ---------------------------------------------------------------------------


def import_start(request):
    require(request.user, Perm.EDIT_MEMBERS)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with transaction.atomic():
            job = MemberImport.objects.create(
                organization=form.cleaned_data["organization"],
                created_by=request.user,
                filename=upload.name[:200],
                content=upload.read(),
            )
            jobs.launch(job.pk)
        return redirect(job)
    recent = (
        MemberImport.objects.visible_to(request.user)
        .select_related("organization", "created_by")
        .defer("content", "errors", "preview")[:10]
    )
    return render(request, "members/import.html", {"form": form, "recent": recent})


def import_template(request):
    require(request.user, Perm.EDIT_MEMBERS)
    audit_export(acting_user=request.user, what="党员名册导入模板", org=request.user.organization)
    response = HttpResponse(build_template(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, "支部党员名册导入模板.xlsx")
    return response


def _get_import(request, pk, *, for_write=False):
    return get_for_user(
        MemberImport.objects.select_related("organization", "created_by"),
        request.user,
        for_write=for_write,
        pk=pk,
    )


def import_detail(request, pk):
    job = _get_import(request, pk)
    jobs.expire_if_stale(job, now=time.time())
    return render(
        request,
        "members/import_detail.html",
        {
            "job": job,
            "progress": jobs.read_progress(job.pk) if job.running else None,
        },
    )


def import_progress(request, pk):
    job = _get_import(request, pk)
    jobs.expire_if_stale(job, now=time.time())
    if not job.running:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(
        request,
        "members/_import_progress.html",
        {"job": job, "progress": jobs.read_progress(job.pk)},
    )


def import_confirm(request, pk):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    with transaction.atomic():
        job = _get_import(request, pk, for_write=True)
        if job.state != ImportState.CHECKED:
            messages.error(request, "该文件不处于待确认状态")
            return redirect(job)
        job.state = ImportState.IMPORTING
        job.save(update_fields=["state"])
        jobs.launch(job.pk)
    return redirect(job)


def import_retry(request, pk):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    with transaction.atomic():
        job = _get_import(request, pk, for_write=True)
        require(request.user, Perm.EDIT_MEMBERS)
        if job.state != ImportState.FAILED:
            messages.error(request, "只有导入失败的文件可以重新检查")
            return redirect(job)
        jobs.import_retry(job=job, acting_user=request.user)
    return redirect(job)


# ---- Data quality (健全完善党员档案) -------------------------------------------------------------


def quality(request):
    org = request.user.organization
    if code := request.GET.get("org"):
        org = Organization.objects.visible_to(request.user).filter(code=code).first()
        if org is None:
            raise Http404("该党组织不存在或不在您的管理范围内")
    if org is None:
        raise Http404("您的账号尚未分配党组织")
    as_of = timezone.localdate()
    members = Member.objects.in_subtree(org).on_roster()
    if key := request.GET.get("check"):
        check, failing = members_failing(members, key, as_of=as_of)
        if check is None:
            raise Http404("没有这项检查")
        rows, next_cursor = keyset_page(failing, after=request.GET.get("after"), size=100)
        return render(
            request,
            "members/quality_members.html",
            {
                "org": org,
                "check": check,
                "members": rows,
                "next_cursor": next_cursor,
                "count": failing.count() if not request.GET.get("after") else None,
                "can_edit": request.user.can(Perm.EDIT_MEMBERS),
            },
        )
    checks, rows = quality_by_branch(members, as_of=as_of)
    orgs = Organization.objects.in_bulk([r["organization"] for r in rows])
    table = sorted(
        (
            {
                "org": orgs[r["organization"]],
                "total": r["total"],
                "cells": [(c, r[c.key]) for c in checks],
            }
            for r in rows
        ),
        key=lambda t: t["org"].path,
    )
    totals = [(c, sum(r[c.key] for r in rows)) for c in checks]
    return render(
        request,
        "members/quality.html",
        {
            "org": org,
            "checks": checks,
            "table": table,
            "totals": totals,
            "member_total": sum(t["total"] for t in table),
            "as_of": as_of,
        },
    )
