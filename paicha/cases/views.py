"""Case pages: each view parses, authorizes (scope by `get_case_for_user`) and calls a service."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone

from paicha.audit.exports import document_response, list_export_response
from paicha.audit.locking import refusal_if_stale, version_of
from paicha.audit.services import audit_export
from paicha.codes import (
    ApprovalDecision,
    ApprovalStep,
    CaseOutcome,
    CaseSource,
    DispositionState,
)
from paicha.core.forms import errors_into
from paicha.core.listexport import Column, wants_xlsx
from paicha.members.approvals import signer_org_problem
from paicha.members.models import Member
from paicha.members.selectors import get_member_for_user
from paicha.organizations.models import Organization
from paicha.organizations.permissions import Perm, Role
from paicha.organizations.scope import require
from paicha.transfers.selectors import unreceipted_transfers_out

from . import forms, services
from .documents import CaseJishi, CaseSearchRecord
from .models import LostContactCase, SearchAttempt
from .rules import disposition_steps
from .selectors import (
    attempts_missing_signature,
    case_list,
    cases_returned_to,
    cases_waiting_for,
    cases_without_recent_attempt,
    current_signatures,
    get_attachment_for_user,
    get_case_for_user,
    grassroots_of,
    next_step,
)


def _today() -> datetime.date:
    return timezone.localdate()


def _form_page(
    request, case, form, title, *, explain="", multipart=False, submit="保存", version=""
):
    return render(
        request,
        "cases/form.html",
        {
            "case": case,
            "form": form,
            "title": title,
            "explain": explain,
            "multipart": multipart,
            "submit": submit,
            "version": version,
        },
    )


# ---- lists ------------------------------------------------------------------------------------


def _disposition_text(case) -> str:
    disposition = getattr(case, "disposition", None)
    if disposition is None:
        return ""
    return f"{disposition.get_category_display()}（{disposition.get_state_display()}）"


CASE_COLUMNS = [
    Column("姓名", lambda c: c.name, 10),
    Column("所在党组织", lambda c: c.org_name, 28),
    Column("立案日期", lambda c: c.opened_on, 16),
    Column("失联原因", lambda c: c.loss_reason_text, 24),
    Column("查找次数", lambda c: c.n_attempts, 8),
    Column("查找结果", lambda c: c.get_outcome_display(), 18),
    Column("处置情况", _disposition_text, 24),
    Column("结案日期", lambda c: c.closed_on, 16),
]


def case_list_view(request):
    org = None
    if code := request.GET.get("org"):
        org = Organization.objects.visible_to(request.user).filter(code=code).first()
    cases = case_list(
        request.user,
        org=org,
        outcome=request.GET.get("outcome", ""),
        state=request.GET.get("state", ""),
    )
    if wants_xlsx(request):
        filters = "；".join(
            filter(
                None,
                (
                    CaseOutcome(request.GET["outcome"]).label
                    if request.GET.get("outcome") in CaseOutcome.values
                    else "",
                    {"open": "查找中的案件", "closed": "已结案"}.get(
                        request.GET.get("state", ""), ""
                    ),
                ),
            )
        )
        return list_export_response(
            request,
            title="失联党员查找案件",
            columns=CASE_COLUMNS,
            org=org or request.user.organization,
            rows=cases,
            filters=filters,
        )
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/list.html",
        {
            "page": page,
            "outcomes": CaseOutcome.choices,
            "outcome": request.GET.get("outcome", ""),
            "state": request.GET.get("state", ""),
            "org": org,
        },
    )


def work(request):
    form = forms.AsOfForm(request.GET or None)
    as_of = (form.cleaned_data.get("as_of") if form.is_valid() else None) or _today()
    cases = LostContactCase.objects.visible_to(request.user)
    return render(
        request,
        "cases/work.html",
        {
            "form": form,
            "as_of": as_of,
            "stale": cases_without_recent_attempt(cases, as_of=as_of)[:200],
            "unsigned": attempts_missing_signature(
                SearchAttempt.objects.visible_to(request.user).filter(case__closed_on__isnull=True)
            )[:200],
            "waiting": cases_waiting_for(request.user),
            "returned": cases_returned_to(request.user, cases)[:200],
        },
    )


# ---- opening ----------------------------------------------------------------------------------


def _transfer_for(request, pk):
    """An unreceipted transfer out of the user's subtree (transfers app)."""
    transfer = (
        unreceipted_transfers_out(org=request.user.organization, as_of=_today())
        .filter(pk=pk)
        .select_related("member")
        .first()
    )
    if transfer is None:
        raise Http404("没有找到该条未收到回执的转出记录，或不在您的管理范围内")
    return transfer


def case_new(request):
    require(request.user, Perm.EDIT_MEMBERS)
    member = transfer = None
    if pk := request.GET.get("member"):
        member = get_member_for_user(request.user, int(pk) if pk.isdigit() else 0)
    elif pk := request.GET.get("transfer"):
        transfer = _transfer_for(request, int(pk) if pk.isdigit() else 0)
        member = get_member_for_user(request.user, transfer.member_id)
    form = forms.CaseOpenForm(
        request.POST or None, by_hand=member is None, initial={"opened_on": _today()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        target = member
        if target is None:
            target = (
                Member.objects.visible_to(request.user)
                .filter(id_number=data["id_number"].strip().upper())
                .first()
            )
            if target is None:
                form.add_error("id_number", "本单位党员名册中没有这个身份证号码")
        if target is not None:
            try:
                case = services.case_open(
                    member=target,
                    acting_user=request.user,
                    opened_on=data["opened_on"],
                    transfer=transfer,
                    source=CaseSource.LOST_LIST
                    if member is not None and transfer is None
                    else CaseSource.MANUAL,
                    loss_reason=data["loss_reason"],
                    occupation=data["occupation"],
                    remarks=data["remarks"],
                    lost_since=data["lost_since"],
                )
            except ValidationError as exc:
                errors_into(form, exc)
            else:
                messages.success(request, f"已为{case.name}立案，开始联系查找")
                return redirect(case)
    return render(request, "cases/new.html", {"form": form, "member": member, "transfer": transfer})


# ---- the case ---------------------------------------------------------------------------------


def detail(request, pk):
    case = get_case_for_user(request.user, pk)
    disposition = getattr(case, "disposition", None)
    step = next_step(disposition) if disposition else None
    can_edit = request.user.can(Perm.EDIT_MEMBERS)
    chain = []
    if disposition:
        signed = {a.step: a for a in current_signatures(disposition)}
        chain = [(s, signed.get(s)) for s in disposition_steps(disposition)]
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "disposition": disposition,
            "chain": chain,
            "next_step": step,
            "can_sign": step is not None and signer_org_problem(step, case, request.user) is None,
            "can_edit": can_edit and case.is_open,
            "can_propose": case.is_open
            and request.user.organization_id == case.organization_id
            and request.user.role == Role.BRANCH_WORKER
            and (disposition is None or disposition.state != DispositionState.PENDING),
            "attempts": case.attempts.prefetch_related("signers", "attachments"),
            "attachments": case.attachments.filter(attempt__isnull=True),
            "approvals": case.approvals.order_by("round", "step"),
            "follow_ups": case.follow_ups.all(),
            "grassroots": grassroots_of(case.organization),
            "lost_period": case.lost_period_text(_today()),
            "show_identity": request.user.can(Perm.VIEW_IDENTITY),
        },
    )


def _case_form(
    request,
    pk,
    form_class,
    call,
    title,
    *,
    initial=None,
    explain="",
    multipart=False,
    form_kwargs=None,
    done="已保存",
):
    """GET shows the form, POST calls `call(case, cleaned_data)` (a service)."""
    case = get_case_for_user(request.user, pk, perm=Perm.EDIT_MEMBERS)
    form = form_class(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        **(form_kwargs(case) if form_kwargs else {}),
    )
    if request.method == "POST" and form.is_valid():
        try:
            call(case, form.cleaned_data)
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            messages.success(request, done)
            return redirect(case)
    return _form_page(request, case, form, title, explain=explain, multipart=multipart)


def edit(request, pk):
    with transaction.atomic():
        case = get_case_for_user(request.user, pk, perm=Perm.EDIT_MEMBERS, for_write=True)
        initial = {f: getattr(case, f) for f in services.CASE_EDITABLE}
        form = forms.CaseFieldsForm(request.POST or None, initial=initial)
        refused = refusal_if_stale(case, form, lambda: forms.CaseFieldsForm(initial=initial))
        if refused is not None:
            form = refused
        elif request.method == "POST" and form.is_valid():
            try:
                services.case_update(
                    case=case,
                    acting_user=request.user,
                    **{f: form.cleaned_data[f] for f in form.changed_data},
                )
            except ValidationError as exc:
                errors_into(form, exc)
            else:
                messages.success(request, "已保存")
                return redirect(case)
    return _form_page(request, case, form, f"修改{case.name}的失联情况", version=version_of(case))


def attempt_new(request, pk):
    @transaction.atomic  # the attempt and its scans together, or nothing
    def call(case, d):
        attempt = services.attempt_record(
            case=case,
            acting_user=request.user,
            date=d["date"],
            method=d["method"],
            reached=d["reached"],
            phone=d["phone"],
            process=d["process"],
            remarks=d["remarks"],
            signers=list(d["signers"]),
            as_of=_today(),
            reached_member=d.get("reached_member", False),
        )
        for key, description in (("photo", "签名的查找记录（拍照）"), ("scan", "查找材料")):
            if d.get(key):
                services.attachment_add(
                    case=case,
                    attempt=attempt,
                    uploaded=d[key],
                    acting_user=request.user,
                    description=description,
                )

    case = get_case_for_user(request.user, pk, perm=Perm.EDIT_MEMBERS)
    return _case_form(
        request,
        pk,
        forms.AttemptForm,
        call,
        f"记录对{case.name}的联系查找",
        initial={"date": _today()},
        multipart=True,
        form_kwargs=lambda c: {"case": c, "user": request.user},
        explain="每次查找须至少两名正式党员作为查找人签名；签名也可以稍后补登。",
        done="已记录本次联系查找",
    )


def attempt_sign(request, pk, seq):
    case = get_case_for_user(request.user, pk, perm=Perm.EDIT_MEMBERS)
    attempt = case.attempts.filter(seq=seq).first()
    if attempt is None:
        raise Http404("没有这次查找记录")
    return _case_form(
        request,
        pk,
        forms.SignForm,
        lambda c, d: services.attempt_sign(
            attempt=attempt, signer=d["signer"], acting_user=request.user, signed_on=d["signed_on"]
        ),
        f"第{attempt.seq}次联系查找：登记查找人签名",
        initial={"signed_on": _today()},
        form_kwargs=lambda c: {"attempt": attempt, "user": request.user},
        done="已登记查找人签名",
    )


def attachment_new(request, pk):
    def call(case, d):
        attempt = case.attempts.filter(pk=d["attempt"]).first() if d["attempt"] else None
        services.attachment_add(
            case=case,
            attempt=attempt,
            uploaded=d["file"],
            description=d["description"],
            acting_user=request.user,
        )

    return _case_form(
        request,
        pk,
        forms.AttachmentForm,
        call,
        "上传查找材料",
        multipart=True,
        form_kwargs=lambda c: {"case": c},
        done="已上传",
    )


def attachment_download(request, pk, file_pk):
    case = get_case_for_user(request.user, pk)
    attachment = get_attachment_for_user(request.user, case, file_pk)
    require(request.user, Perm.VIEW_IDENTITY)
    audit_export(
        acting_user=request.user,
        what=f"查找材料：{attachment.original_name}",
        org=case.organization,
        params={"案件": case.name, "文件编号": attachment.pk},
    )
    try:
        handle = default_storage.open(attachment.stored_name, "rb")
    except FileNotFoundError:
        raise Http404("文件已不存在") from None
    return FileResponse(handle, as_attachment=True, filename=attachment.original_name)


def conduct(request, pk):
    case = get_case_for_user(request.user, pk, perm=Perm.EDIT_MEMBERS)
    initial = {
        "checked_on": case.conduct_checked_on or _today(),
        "misconduct": "1" if case.conduct_misconduct else "0",
        "record": case.conduct_record,
    }
    return _case_form(
        request,
        pk,
        forms.ConductForm,
        lambda c, d: services.case_record_conduct(
            case=c,
            acting_user=request.user,
            checked_on=d["checked_on"],
            misconduct=d["misconduct"],
            record=d["record"],
        ),
        "失联党员表现调查核实情况",
        initial=initial,
        explain="核实失联期间有无不合格表现或违纪违法行为，写明调查经过和结论。",
    )


def outcome(request, pk):
    case = get_case_for_user(request.user, pk, perm=Perm.EDIT_MEMBERS)
    initial = {
        "outcome": case.outcome,
        "outcome_on": case.outcome_on or _today(),
        "regained_place": case.regained_place,
        "new_mobile": case.new_mobile,
        "new_contacts": case.new_contacts,
        "note": case.outcome_note,
    }
    return _case_form(
        request,
        pk,
        forms.OutcomeForm,
        lambda c, d: services.case_record_outcome(
            case=c, acting_user=request.user, as_of=_today(), **d
        ),
        "查找结果",
        initial=initial,
        done="已记录查找结果",
    )


def propose(request, pk):
    case = get_case_for_user(request.user, pk, perm=Perm.EDIT_MEMBERS)
    disposition = getattr(case, "disposition", None)
    explain = (
        "处置情况按《与党组织失去联系党员规范管理和组织处置有关情况统计表》的分类；出党、"
        "停止党籍等处置须逐级审批。"
    )
    if disposition and disposition.returned_reason:
        explain = f"上一次处置意见已被退回：{disposition.returned_reason}"
    return _case_form(
        request,
        pk,
        forms.DispositionForm,
        lambda c, d: services.disposition_propose(case=c, acting_user=request.user, **d),
        f"提出对{case.name}的处置意见",
        initial={"proposed_on": _today()},
        explain=explain,
        form_kwargs=lambda c: {"case": c},
        done="已提出处置意见",
    )


def search_again(request, pk):
    """The branch answers a return by searching more: one POST, then the attempt form."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    case = get_case_for_user(request.user, pk, perm=Perm.EDIT_MEMBERS)
    try:
        services.case_search_again(case=case, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(case)
    messages.success(request, f"{case.name}的案件已恢复为“正在查找”，请记录新的一次查找")
    return redirect("cases:attempt_new", pk=case.pk)


def approve(request, pk):
    case = get_case_for_user(request.user, pk)
    disposition = getattr(case, "disposition", None)
    step = next_step(disposition) if disposition else None
    if step is None:
        raise Http404("该案件没有待签署的审批环节")
    form = forms.ApprovalForm(request.POST or None, initial={"signed_on": _today()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        expected = request.POST.get("step", step)
        if expected not in ApprovalStep.values:
            return HttpResponseBadRequest(f"审批环节“{expected}”不存在".encode())
        try:
            if d["decision"] == ApprovalDecision.REJECTED:
                services.disposition_reject(
                    case=case,
                    acting_user=request.user,
                    step=expected,
                    reason=d["opinion"],
                    signed_on=d["signed_on"],
                )
            else:
                services.disposition_approve(
                    case=case,
                    acting_user=request.user,
                    step=expected,
                    opinion=d["opinion"],
                    signed_on=d["signed_on"],
                )
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            messages.success(request, f"已签署“{ApprovalStep(expected).label}”")
            return redirect(case)
    problem = signer_org_problem(step, case, request.user)
    return render(
        request,
        "cases/approve.html",
        {
            "case": case,
            "disposition": disposition,
            "form": form,
            "step": step,
            "step_label": ApprovalStep(step).label,
            "problem": problem,
        },
    )


def follow_up(request, pk):
    return _case_form(
        request,
        pk,
        forms.FollowUpForm,
        lambda c, d: services.followup_record(case=c, acting_user=request.user, **d),
        "记录跟踪情况",
        initial={"date": _today()},
        done="已记录跟踪情况",
    )


# ---- documents --------------------------------------------------------------------------------

# The case's two documents (cases.documents), by the name their URLs give them.
DOCUMENTS = {"record": CaseSearchRecord, "jishi": CaseJishi}


def _document(request, pk, kind, fmt):
    if kind not in DOCUMENTS:
        raise Http404("没有这种文书")
    case = get_case_for_user(request.user, pk)
    return document_response(request, DOCUMENTS[kind](), case, fmt=fmt)


def document_docx(request, pk, kind):
    return _document(request, pk, kind, "docx")


def document_print(request, pk, kind):
    return _document(request, pk, kind, "print")
