"""Pages of transfers, receipts, pocket, flowing and abroad members: parse, authorize, call."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone

from paicha.audit.exports import list_export_response
from paicha.audit.locking import refusal_if_stale, version_of
from paicha.codes import AbroadKind, TransferDirection
from paicha.core.forms import errors_into, submitted
from paicha.core.listexport import Column, wants_xlsx
from paicha.core.privacy import mask_identity
from paicha.members import jobs as import_jobs
from paicha.members.models import Member
from paicha.members.selectors import get_member_for_user
from paicha.organizations.models import Organization
from paicha.organizations.permissions import Perm
from paicha.organizations.scope import require

from . import importer, selectors, services
from .forms import (
    AbroadForm,
    BranchForm,
    CloseForm,
    FlowForm,
    FollowUpForm,
    ImportForm,
    OrgDateForm,
    OrgYearForm,
    PocketForm,
    PocketResolveForm,
    ReceiptForm,
    RefuseForm,
    TransferEditForm,
    TransferInForm,
    TransferOutForm,
)
from .models import AbroadRecord, FlowRecord, PocketRecord, Transfer


def _today() -> datetime.date:
    return timezone.localdate()


def _scope_org(request, code: str | None = None) -> Organization:
    """The organization a list is about: one of the user's subtree picked by code, or the
    user's own."""
    code = code if code is not None else request.GET.get("org", "")
    if code:
        org = Organization.objects.visible_to(request.user).filter(code=code.strip()).first()
        if org is not None:
            return org
    return request.user.organization


def _form_page(request, form, title, *, back, explain="", submit="保存", extra=None):
    if not back.startswith("/"):
        back = _url(back)
    return render(
        request,
        "transfers/form.html",
        {
            "form": form,
            "title": title,
            "back": back,
            "explain": explain,
            "submit": submit,
            **(extra or {}),
        },
    )


# ---- Lists -------------------------------------------------------------------------------------

TABS = {"open": "待回执", "overdue": "逾期未回执", "in": "转入", "all": "全部"}


def _transfer_state(t, as_of) -> str:
    return "逾期未回执" if t.is_overdue(as_of) else t.get_state_display()


TRANSFER_COLUMNS = [
    Column("姓名", lambda t: t.member.name, 10),
    Column("方向", lambda t: t.get_direction_display(), 6),
    Column("介绍信编号", lambda t: t.letter_number, 14),
    Column("开具日期", lambda t: t.letter_date, 16),
    Column("转出党组织", lambda t: t.from_name, 28),
    Column("接收党组织", lambda t: t.to_name, 28),
    Column("省内/省外", lambda t: t.get_province_scope_display(), 8),
    Column("回执期限", lambda t: t.receipt_due, 16),
    Column("回执日期", lambda t: t.receipt_date, 16),
]


def transfer_list(request):
    """The sender's list: open letters, the overdue ones, transfers in, everything."""
    as_of = _today()
    org = _scope_org(request)
    tab = request.GET.get("tab", "open")
    base = Transfer.objects.visible_to(request.user)
    if tab == "overdue":
        transfers = selectors.overdue_transfers_out(base, org=org, as_of=as_of)
    elif tab == "in":
        transfers = base.in_subtree(org).filter(direction=TransferDirection.IN)
    elif tab == "all":
        transfers = base.in_subtree(org)
    else:
        tab = "open"
        transfers = selectors.unreceipted_transfers_out(base, org=org, as_of=as_of)
    if q := request.GET.get("q", "").strip():
        transfers = transfers.filter(Q(member__name__contains=q) | Q(letter_number=q))
    transfers = transfers.select_related("member", "organization").order_by("-letter_date", "-id")
    if wants_xlsx(request):
        columns = [*TRANSFER_COLUMNS, Column("状态", lambda t: _transfer_state(t, as_of), 12)]
        return list_export_response(
            request,
            title=f"组织关系转接（{TABS[tab]}）",
            columns=columns,
            org=org,
            as_of=as_of,
            rows=transfers,
            filters=f"姓名或编号：{q}" if q else "",
        )
    page = Paginator(transfers, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "transfers/list.html",
        {
            "page": page,
            "org": org,
            "tab": tab,
            "tabs": TABS,
            "as_of": as_of,
            "q": q,
            "overdue_count": selectors.overdue_transfers_out(base, org=org, as_of=as_of).count(),
            "incoming_count": selectors.incoming_for_user(request.user).count(),
        },
    )


def incoming(request):
    """Letters addressed to an organization of the user's subtree, waiting to be received."""
    transfers = selectors.incoming_for_user(request.user).order_by("letter_date", "id")
    return render(request, "transfers/incoming.html", {"transfers": transfers, "as_of": _today()})


def member_pick(request):
    """Step one of a new letter: find the member on the roster."""
    require(request.user, Perm.EDIT_MEMBERS)
    q = request.GET.get("q", "").strip()
    members = None
    if q:
        members = (
            Member.objects.visible_to(request.user)
            .on_roster()
            .filter(Q(name__contains=q) | Q(name_initials__startswith=q.lower()))
            .select_related("organization")[:50]
        )
    return render(
        request,
        "transfers/member_pick.html",
        {
            "q": q,
            "members": members,
            "action": request.GET.get("for", "out"),
        },
    )


# ---- One transfer ------------------------------------------------------------------------------


def _get_any(request, pk):
    """The owner sees a transfer; so does the receiving side while the letter is open."""
    from django.http import Http404

    try:
        return selectors.get_transfer_for_user(request.user, pk), True
    except Http404:
        return selectors.get_incoming_for_user(request.user, pk), False


def detail(request, pk):
    transfer, owner = _get_any(request, pk)
    as_of = _today()
    return render(
        request,
        "transfers/detail.html",
        {
            "t": transfer,
            "owner": owner,
            "as_of": as_of,
            "overdue": transfer.is_overdue(as_of),
            "followups": transfer.followups.all() if owner else [],
            "pocket": transfer.pocket_records.filter(resolved_on__isnull=True).first(),
            "can_edit": request.user.can(Perm.EDIT_MEMBERS),
            "show_identity": request.user.can(Perm.VIEW_IDENTITY),
            "followup_form": FollowUpForm(initial={"date": as_of, "by_whom": str(request.user)}),
        },
    )


def create_out(request, member_pk):
    with transaction.atomic():
        member = get_member_for_user(request.user, member_pk, for_write=True)
        form = TransferOutForm(
            request.POST or None,
            initial={
                "letter_date": _today(),
                "contact_phone": member.mobile,
                "talk_by": str(request.user),
            },
        )
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            counterpart = data.pop("counterpart_code")
            try:
                transfer = services.transfer_out_create(
                    member=member,
                    counterpart_org=counterpart,
                    acting_user=request.user,
                    **{
                        k: v
                        for k, v in data.items()
                        if v not in (None, "") or k in ("counterpart_name",)
                    },
                )
            except ValidationError as exc:
                errors_into(form, exc)
            else:
                messages.success(request, f"已为{member.name}开具组织关系介绍信（转出）")
                return redirect(transfer)
    return _form_page(
        request,
        form,
        f"{member.name}：开具组织关系介绍信（转出）",
        back=member.get_absolute_url(),
        explain="党员离开本支部前，由支部书记或支部委员进行一次谈心谈话；转出时做到“四个清楚”"
        "（转出性质、联系方式、组织关系去向、备用联系人）。回执收到前，本支部仍负责管理该党员。",
        submit="开具介绍信",
    )


def create_in(request):
    require(request.user, Perm.EDIT_MEMBERS)
    org = _scope_org(request, request.POST.get("org") or request.GET.get("org"))
    form = TransferInForm(request.POST or None, initial={"letter_date": _today()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        member_fields = {k: data.pop(k) for k in TransferInForm.MEMBER_FIELDS}
        try:
            transfer = services.transfer_in_register(
                organization=org,
                member_fields=member_fields,
                acting_user=request.user,
                **{k: v for k, v in data.items() if v not in (None, "") or k == "counterpart_name"},
            )
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            messages.success(request, f"{transfer.member.name}的组织关系已转入“{org.name}”")
            return redirect(transfer)
    return _form_page(
        request,
        form,
        f"登记从本系统外转入的党员（接收党组织：{org.name}）",
        back="transfers:list",
        extra={"org_code": org.code},
        explain="党员持纸质介绍信报到的，在此登记党员和介绍信；寄回回执后填写回执寄出日期。"
        "要编入下级党支部，请从该党支部的页面进入。",
    )


def edit(request, pk):
    with transaction.atomic():
        transfer = selectors.get_transfer_for_user(request.user, pk, for_write=True)
        form = TransferEditForm(request.POST or None, instance=transfer)
        refused = refusal_if_stale(transfer, form, lambda: TransferEditForm(instance=transfer))
        if refused is not None:
            form = refused
        elif submitted(
            request,
            form,
            lambda data: services.transfer_update(
                transfer=transfer,
                acting_user=request.user,
                **{f: data[f] for f in form.changed_data},
            ),
            "已保存",
        ):
            return redirect(transfer)
    return _form_page(
        request,
        form,
        f"{transfer.member.name}的介绍信：四个清楚、谈心谈话、承诺书、联心卡",
        back=transfer.get_absolute_url(),
        extra={"version": version_of(transfer)},
    )


def accept(request, pk):
    with transaction.atomic():
        transfer = selectors.get_incoming_for_user(request.user, pk, for_write=True)
        form = BranchForm(
            request.POST or None, target=transfer.counterpart_org, initial={"on": _today()}
        )
        if submitted(
            request,
            form,
            lambda data: services.transfer_accept(
                transfer=transfer,
                on=data["on"],
                branch=data["branch_code"],
                acting_user=request.user,
            ),
            f"已接收{transfer.member.name}的组织关系，回执已同时登记",
        ):
            return redirect("transfers:incoming")
    return _form_page(
        request,
        form,
        f"接收{transfer.member.name}的组织关系（来自{transfer.organization.name}）",
        back="transfers:incoming",
        submit="接收",
        explain="接收后该党员编入本组织名册，转出方同时收到回执。",
    )


def refuse(request, pk):
    with transaction.atomic():
        transfer = selectors.get_incoming_for_user(request.user, pk, for_write=True)
        form = RefuseForm(request.POST or None, initial={"on": _today()})
        if submitted(
            request,
            form,
            lambda data: services.transfer_refuse(
                transfer=transfer, acting_user=request.user, **data
            ),
            f"已退回{transfer.member.name}的介绍信",
        ):
            return redirect("transfers:incoming")
    return _form_page(
        request,
        form,
        f"退回{transfer.member.name}的介绍信",
        back="transfers:incoming",
        submit="退回",
    )


def receipt(request, pk):
    with transaction.atomic():
        transfer = selectors.get_transfer_for_user(request.user, pk, for_write=True)
        form = ReceiptForm(request.POST or None, initial={"on": _today()})
        if submitted(
            request,
            form,
            lambda data: services.transfer_receipt_record(
                transfer=transfer, acting_user=request.user, **data
            ),
            "回执已登记",
        ):
            return redirect(transfer)
    title = "登记收到的回执" if transfer.is_out else "登记寄出的回执"
    return _form_page(
        request,
        form,
        f"{transfer.member.name}：{title}",
        back=transfer.get_absolute_url(),
        submit="登记回执",
    )


def followup(request, pk):
    with transaction.atomic():
        transfer = selectors.get_transfer_for_user(request.user, pk, for_write=True)
        form = FollowUpForm(request.POST or None)
        if submitted(
            request,
            form,
            lambda data: services.followup_add(
                transfer=transfer,
                acting_user=request.user,
                on=data["date"],
                by_whom=data["by_whom"],
                what=data["what"],
            ),
            "跟踪记录已保存",
        ):
            return redirect(transfer)
    return _form_page(
        request,
        form,
        f"{transfer.member.name}：跟踪记录（不落实、不放手）",
        back=transfer.get_absolute_url(),
    )


def pocket(request, pk):
    with transaction.atomic():
        transfer = selectors.get_transfer_for_user(request.user, pk, for_write=True)
        form = PocketForm(request.POST or None, initial={"on": _today()})
        if submitted(
            request,
            form,
            lambda data: services.pocket_mark(
                member=transfer.member, transfer=transfer, acting_user=request.user, **data
            ),
            f"{transfer.member.name}已登记为“口袋”党员，仍列入本支部名册",
        ):
            return redirect(transfer)
    return _form_page(
        request,
        form,
        f"认定{transfer.member.name}为“口袋”党员",
        back=transfer.get_absolute_url(),
        submit="认定",
        explain="组织关系转出后没有在规定期限内到接收单位报到、接转组织关系的党员，"
        "组织关系仍属原支部，列入支部名册并在备注栏中注明。",
    )


def commitment(request, pk):
    transfer, owner = _get_any(request, pk)
    return render(request, "transfers/commitment.html", {"t": transfer, "today": _today()})


def card(request, pk):
    transfer, owner = _get_any(request, pk)
    branch = transfer.organization if transfer.is_out else transfer.counterpart_org
    branch = branch or transfer.organization
    from .card import contact_line, wechat_group_qr_svg

    return render(
        request,
        "transfers/card.html",
        {
            "t": transfer,
            "branch": branch,
            "committee": branch.grassroots_committee(),
            "qr_svg": wechat_group_qr_svg(branch),
            "secretary": contact_line(
                branch.secretary,
                branch.secretary_phone,
                branch.secretary_wechat,
                branch.secretary_email,
            ),
            "organizer": contact_line(
                branch.organizer,
                branch.organizer_phone,
                branch.organizer_wechat,
                branch.organizer_email,
            ),
        },
    )


# ---- Import ------------------------------------------------------------------------------------


def import_view(request):
    require(request.user, Perm.EDIT_MEMBERS)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors, plan = [], None
    if request.method == "POST" and form.is_valid():
        upload, scope_org = form.cleaned_data["file"], request.user.organization
        params = {"scope_org": scope_org, "as_of": _today(), "acting_user": request.user}
        try:
            if upload.size > settings.IMPORT_IN_BACKGROUND_ABOVE_BYTES:
                return redirect(
                    import_jobs.import_job_start(
                        declaration=importer.TransfersImport(**params),
                        file=upload,
                        organization=scope_org,
                        acting_user=request.user,
                    )
                )
            if request.POST.get("check"):
                plan = importer.check_transfers(file=upload, **params)
            else:
                result = importer.transfers_import(file=upload, **params)
        except importer.ImportRejected as exc:
            errors = exc.errors
        else:
            if plan is None:
                messages.success(
                    request,
                    f"已导入 {result.transfers} 封介绍信（其中未收到回执 "
                    f"{result.open_transfers} 封），新登记 {result.new_members} 名党员",
                )
                return redirect("transfers:list")
    return render(
        request,
        "transfers/import.html",
        {
            "form": form,
            "errors": errors,
            "plan": plan,
            "columns": importer.COLUMNS,
            "required": importer.REQUIRED,
        },
    )


# ---- 附件4 回执情况统计表 ------------------------------------------------------------------------


def statistics(request):
    today = _today()
    form = OrgYearForm(request.GET or None, initial={"year": today.year})
    year = today.year
    if form.is_valid():
        year = form.cleaned_data["year"]
    org = _scope_org(request)
    return render(
        request,
        "transfers/statistics.html",
        {
            "form": form,
            "org": org,
            "year": year,
            "today": today,
            "title": selectors.receipt_statistics_title(year),
            "columns": [c for c, _ in selectors.RECEIPT_COLUMNS],
            "rows": selectors.receipt_statistics(org=org, year=year),
        },
    )


# ---- Registers (登记表 / 汇总表) -----------------------------------------------------------------

REGISTERS = {
    "flow": (
        selectors.FLOW_REGISTER_TITLE,
        selectors.FLOW_REGISTER_COLUMNS,
        selectors.flow_register_rows,
        ("联系电话", "流入地联系人电话", "本人联系电话"),
    ),
    "flow_summary": (
        selectors.FLOW_SUMMARY_TITLE,
        selectors.FLOW_SUMMARY_COLUMNS,
        selectors.flow_summary_rows,
        (),
    ),
    "pocket": (
        selectors.POCKET_REGISTER_TITLE,
        selectors.POCKET_REGISTER_COLUMNS,
        selectors.pocket_register_rows,
        ("联系电话",),
    ),
    "pocket_summary": (
        selectors.POCKET_SUMMARY_TITLE,
        selectors.POCKET_SUMMARY_COLUMNS,
        selectors.pocket_summary_rows,
        (),
    ),
}


def register(request, which):
    from django.http import Http404

    if which not in REGISTERS:
        raise Http404
    title, columns, rows_of, sensitive = REGISTERS[which]
    today = _today()
    form = OrgDateForm(request.GET or None, initial={"as_of": today})
    as_of = form.cleaned_data["as_of"] if form.is_valid() and form.cleaned_data["as_of"] else today
    org = _scope_org(request)
    rows = rows_of(org=org, as_of=as_of)
    show_identity = request.user.can(Perm.VIEW_IDENTITY)
    table = []
    for row in rows:
        cells = []
        for name, kind in columns:
            value = row.get(name)
            if name in sensitive and not show_identity:
                value = mask_identity(value or "")
            cells.append((kind, value))
        table.append({"cells": cells, "record": row.get("_record")})
    return render(
        request,
        "transfers/register.html",
        {
            "form": form,
            "org": org,
            "as_of": as_of,
            "title": title,
            "which": which,
            "columns": [c for c, _ in columns],
            "table": table,
            "summary": which.endswith("summary"),
            "flow_since": selectors.FLOW_COUNT_START,
            "flow_count": selectors.flowing_members_count(
                org=org, start=selectors.FLOW_COUNT_START, end=as_of
            )
            if which.startswith("flow")
            else None,
        },
    )


def pocket_resolve(request, pk):
    with transaction.atomic():
        record = selectors.get_scoped_for_user(PocketRecord, request.user, pk, for_write=True)
        form = PocketResolveForm(request.POST or None, initial={"on": _today()})
        if submitted(
            request,
            form,
            lambda data: services.pocket_resolve(record=record, acting_user=request.user, **data),
            f"{record.member.name}的组织关系已落实",
        ):
            return redirect("transfers:register", which="pocket")
    return _form_page(
        request, form, f"{record.member.name}：“口袋”党员组织关系已落实", back="transfers:pockets"
    )


def pockets(request):
    return redirect(f"{_url('transfers:register', which='pocket')}?{request.GET.urlencode()}")


def _url(name, **kwargs):
    from django.urls import reverse

    return reverse(name, kwargs=kwargs)


# ---- 流动党员 ---------------------------------------------------------------------------------


def flow_create(request, member_pk):
    with transaction.atomic():
        member = get_member_for_user(request.user, member_pk, for_write=True)
        form = FlowForm(request.POST or None, initial={"since": _today()})
        if submitted(
            request,
            form,
            lambda data: services.flow_open(
                member=member,
                acting_user=request.user,
                **{k: v for k, v in data.items() if v is not None},
            ),
            f"已登记{member.name}为流动党员",
        ):
            return redirect("transfers:register", which="flow")
    return _form_page(
        request,
        form,
        f"登记流动党员：{member.name}",
        back=member.get_absolute_url(),
        explain="流动党员指由于就业或居住地变化等原因，在较长时间内无法正常参加正式组织关系"
        "所在党组织活动的党员。由基层党委为其办理《中国共产党流动党员活动证》。",
    )


def flow_edit(request, pk):
    with transaction.atomic():
        record = selectors.get_scoped_for_user(FlowRecord, request.user, pk, for_write=True)
        form = FlowForm(request.POST or None, instance=record)
        refused = refusal_if_stale(record, form, lambda: FlowForm(instance=record))
        if refused is not None:
            form = refused
        elif submitted(
            request,
            form,
            lambda data: services.flow_update(
                record=record, acting_user=request.user, **{f: data[f] for f in form.changed_data}
            ),
            "已保存",
        ):
            return redirect("transfers:register", which="flow")
    return _form_page(
        request,
        form,
        f"修改流动记录：{record.member.name}",
        back="transfers:flows",
        extra={"version": version_of(record)},
    )


def flow_close(request, pk):
    with transaction.atomic():
        record = selectors.get_scoped_for_user(FlowRecord, request.user, pk, for_write=True)
        form = CloseForm(request.POST or None, initial={"on": _today()})
        if submitted(
            request,
            form,
            lambda data: services.flow_close(
                record=record, on=data["on"], reason=data["note"], acting_user=request.user
            ),
            f"{record.member.name}的流动已结束",
        ):
            return redirect("transfers:register", which="flow")
    return _form_page(request, form, f"结束流动：{record.member.name}", back="transfers:flows")


def flows(request):
    return redirect(f"{_url('transfers:register', which='flow')}?{request.GET.urlencode()}")


# ---- 出国（境） --------------------------------------------------------------------------------


def abroad_list(request):
    as_of = _today()
    org = _scope_org(request)
    return render(
        request,
        "transfers/abroad.html",
        {
            "org": org,
            "as_of": as_of,
            "records": selectors.abroad_records(org=org, as_of=as_of),
            "expired": set(
                selectors.retention_expired(org=org, as_of=as_of).values_list("pk", flat=True)
            ),
            "reminders": selectors.suspension_reminders(org=org, as_of=as_of),
            "kinds": AbroadKind,
        },
    )


def abroad_create(request, member_pk):
    with transaction.atomic():
        member = get_member_for_user(request.user, member_pk, for_write=True)
        form = AbroadForm(request.POST or None, initial={"period_from": _today()})
        if submitted(
            request,
            form,
            lambda data: services.abroad_register(member=member, acting_user=request.user, **data),
            lambda data: f"已为{member.name}办理{AbroadKind(data['kind']).label}",
        ):
            return redirect("transfers:abroad")
    return _form_page(
        request,
        form,
        f"出国（境）：{member.name}",
        back=member.get_absolute_url(),
        explain="保留组织关系：因公因私出国（境）一个月以上且非定居的，办理保留组织关系手续，"
        "写明期限。停止党籍：因出国（境）定居的；停止党籍满两年仍无法取得联系的，按自行脱党除名。",
    )


def abroad_end(request, pk):
    with transaction.atomic():
        record = selectors.get_scoped_for_user(AbroadRecord, request.user, pk, for_write=True)
        form = CloseForm(request.POST or None, initial={"on": _today()})
        if submitted(
            request,
            form,
            lambda data: services.abroad_end(
                record=record, on=data["on"], note=data["note"], acting_user=request.user
            ),
            f"{record.member.name}已恢复正常组织生活",
        ):
            return redirect("transfers:abroad")
    title = "回国（境），恢复组织生活" if record.kind == AbroadKind.RETAINED else "恢复党籍"
    return _form_page(request, form, f"{record.member.name}：{title}", back="transfers:abroad")


def abroad_restoration(request, pk):
    with transaction.atomic():
        record = selectors.get_scoped_for_user(AbroadRecord, request.user, pk, for_write=True)
        form = CloseForm(request.POST or None, initial={"on": _today()})
        form.fields["on"].label = "申请日期"
        form.fields["note"].label = "申请情况"
        if submitted(
            request,
            form,
            lambda data: services.abroad_restoration_request(
                record=record, on=data["on"], note=data["note"], acting_user=request.user
            ),
            "已登记恢复党籍申请",
        ):
            return redirect("transfers:abroad")
    return _form_page(request, form, f"{record.member.name}：申请恢复党籍", back="transfers:abroad")


def abroad_approve(request, pk):
    """Sign the next step of the 停止党籍 chain of a member settling abroad."""
    from paicha.codes import ApprovalStep

    from .forms import AbroadApprovalForm

    record = selectors.get_scoped_for_user(AbroadRecord, request.user, pk, for_write=False)
    step = services.abroad_next_step(record)
    form = AbroadApprovalForm(request.POST or None, initial={"signed_on": _today()})
    if step is not None and submitted(
        request,
        form,
        lambda data: services.abroad_approve(
            record=record, acting_user=request.user, step=step, **data
        ),
        f"已签署“{ApprovalStep(step).label}”",
    ):
        return redirect("transfers:abroad")
    chain = [
        (ApprovalStep(s).label, a)
        for s in services.abroad_steps(record)
        for a in [next((x for x in record.approvals.all() if x.step == s), None)]
    ]
    from paicha.core.dates import format_cn_date

    explain = "；".join(
        f"{label}：{a.signer_org_name}{format_cn_date(a.signed_on)}“{a.opinion}”"
        if a
        else f"{label}：待签署"
        for label, a in chain
    )
    title = f"{record.member.name}：因出国（境）定居停止党籍——" + (
        f"签署“{ApprovalStep(step).label}”" if step else record.get_approval_state_display()
    )
    return _form_page(request, form, title, back="transfers:abroad", explain=explain, submit="签署")
