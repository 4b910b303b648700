"""Everything that can happen to a transfer, a pocket member, a flowing member, a member abroad.

Each function is atomic and takes `acting_user`, who must hold EDIT_MEMBERS over the organization
written to (checked after the rows are locked); record saves are audited by the signals, and
steps that are more than one save (accept a transfer, move a member) write their own entry.
Dates arrive as arguments: nothing here reads the clock.
"""

import datetime

from django.core.exceptions import ValidationError

from paicha.audit.services import audit_record
from paicha.codes import (
    AbroadKind,
    DispositionCategory,
    DispositionState,
    MemberStatus,
    TransferDirection,
    TransferState,
)
from paicha.core.dates import format_cn_date
from paicha.core.transactions import service
from paicha.members.approvals import check_signing, consult_required, steps_for
from paicha.members.models import ON_ROSTER, Member
from paicha.organizations.models import Organization
from paicha.organizations.permissions import Perm
from paicha.organizations.scope import authorize
from paicha.organizations.tree import is_in_subtree

from . import conf
from .models import (
    AbroadApproval,
    AbroadRecord,
    FlowRecord,
    PocketRecord,
    Transfer,
    TransferFollowUp,
)

# Fields of a transfer a worker may change after the letter is issued.
TRANSFER_EDITABLE = (
    "letter_number",
    "permanence",
    "contact_phone",
    "contact_wechat",
    "destination",
    "backup_contact",
    "backup_contact_phone",
    "dues_paid_to",
    "talk_date",
    "talk_by",
    "talk_notes",
    "commitment_signed_on",
    "card_given_on",
    "remarks",
)


def _note(member: Member, text: str) -> None:
    """Append a line to the member's 备注 (the roster prints it, seed 002 名册 说明 2–3)."""
    lines = [line for line in member.remarks.splitlines() if line.strip()]
    if text not in lines:
        lines.append(text)
    member.remarks = "\n".join(lines)


def _drop_note(member: Member, prefix: str) -> None:
    member.remarks = "\n".join(
        line for line in member.remarks.splitlines() if line.strip() and not line.startswith(prefix)
    )


def receipt_due_for(letter_date: datetime.date, validity_days: int) -> datetime.date:
    return letter_date + datetime.timedelta(days=validity_days + conf.receipt_days())


def _check_validity(validity_days: int | None, province_scope: str) -> int:
    if validity_days in (None, ""):
        return conf.validity_days(province_scope)
    if not 1 <= int(validity_days) <= conf.validity_max_days():
        raise ValidationError(
            {"validity_days": f"有效期应在 1 到 {conf.validity_max_days()} 天之间"}
        )
    return int(validity_days)


# ---- Transfers out and in --------------------------------------------------------------------


@service
def transfer_out_create(
    *,
    member: Member,
    letter_date: datetime.date,
    province_scope: str,
    counterpart_org: Organization | None = None,
    counterpart_name: str = "",
    validity_days: int | None = None,
    acting_user,
    **fields,
) -> Transfer:
    """Issue a 介绍信 for `member`: an open transfer out of the member's branch.

    The member stays on the sender's roster, ACTIVE, until the receipt is recorded: the sender
    keeps the responsibility meanwhile (SPEC §5).
    """
    member = Member.objects.select_for_update().select_related("organization").get(pk=member.pk)
    authorize(acting_user, Perm.EDIT_MEMBERS, member.organization, what="该党员")
    if member.status not in ON_ROSTER:
        raise ValidationError(
            {
                "member": f"{member.name}当前状态为“{member.get_status_display()}”，"
                "不在本支部名册中，不能开具转出介绍信"
            }
        )
    if Transfer.objects.filter(
        member=member, direction=TransferDirection.OUT, state=TransferState.OPEN
    ).exists():
        raise ValidationError(
            {"member": f"{member.name}已有一封尚未收到回执的转出介绍信，请先登记回执或退回"}
        )
    if counterpart_org is not None:
        if not counterpart_org.is_active:
            raise ValidationError({"counterpart_org": f"“{counterpart_org.name}”已撤销或合并"})
        if counterpart_org.pk == member.organization_id:
            raise ValidationError({"counterpart_org": "接收党组织不能是党员现在所在的党支部"})
        counterpart_name = counterpart_org.name
    if not counterpart_name.strip():
        raise ValidationError(
            {"counterpart_name": "请填写接收单位党组织名称，或选择本系统内的党组织"}
        )
    validity = _check_validity(validity_days, province_scope)
    transfer = Transfer(
        direction=TransferDirection.OUT,
        organization=member.organization,
        member=member,
        letter_date=letter_date,
        province_scope=province_scope,
        counterpart_org=counterpart_org,
        counterpart_name=counterpart_name.strip(),
        validity_days=validity,
        receipt_due=receipt_due_for(letter_date, validity),
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
        **fields,
    )
    transfer.contact_phone = transfer.contact_phone or member.mobile
    transfer.full_clean()
    transfer.save()
    return transfer


@service
def transfer_in_register(
    *,
    organization: Organization,
    member_fields: dict,
    letter_date: datetime.date,
    province_scope: str,
    counterpart_name: str,
    receipt_date: datetime.date | None = None,
    validity_days: int | None = None,
    acting_user,
    **fields,
) -> Transfer:
    """A member arrives with a paper letter from outside the system: register the member on the
    receiving branch's roster and the transfer in (its receipt is the one this side sends)."""
    from paicha.members.idcard import IdNumberError, parse_id_number

    authorize(acting_user, Perm.EDIT_MEMBERS, organization, what="该党组织")
    try:
        info = parse_id_number(member_fields.get("id_number", ""))
    except IdNumberError as exc:
        raise ValidationError({"id_number": str(exc)}) from None
    existing = Member.objects.select_related("organization").filter(id_number=info.number).first()
    if existing is not None:
        raise ValidationError(
            {
                "id_number": f"身份证号码 {info.number} 已在“{existing.organization.name}”"
                f"登记（{existing.name}），同一人不能两处登记"
            }
        )
    if member_fields.get("gender") and member_fields["gender"] != info.gender:
        raise ValidationError({"gender": "性别与身份证号码第17位不符"})
    if not counterpart_name.strip():
        raise ValidationError({"counterpart_name": "请填写原所在党组织名称"})
    member = Member(
        organization=organization,
        birth_date=info.birth_date,
        **{**member_fields, "id_number": info.number, "gender": info.gender},
    )
    member.branch_entry_date = receipt_date or letter_date
    member.full_clean()
    member.save()
    validity = _check_validity(validity_days, province_scope)
    transfer = Transfer(
        direction=TransferDirection.IN,
        organization=organization,
        member=member,
        letter_date=letter_date,
        province_scope=province_scope,
        counterpart_name=counterpart_name.strip(),
        validity_days=validity,
        receipt_due=receipt_due_for(letter_date, validity),
        state=TransferState.RECEIPTED if receipt_date else TransferState.OPEN,
        receipt_date=receipt_date,
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
        **fields,
    )
    transfer.full_clean()
    transfer.save()
    return transfer


@service
def transfer_update(*, transfer: Transfer, acting_user, **fields) -> Transfer:
    """Fill in the four facts, the talk, the commitment and the card after the letter is out."""
    unknown = set(fields) - set(TRANSFER_EDITABLE)
    if unknown:
        raise ValueError(f"不可修改的字段：{', '.join(sorted(unknown))}")
    transfer = _lock(transfer)
    authorize(acting_user, Perm.EDIT_MEMBERS, transfer.organization, what="该介绍信")
    for name, value in fields.items():
        setattr(transfer, name, value)
    transfer.full_clean()
    transfer.save()
    return transfer


def _lock(transfer: Transfer) -> Transfer:
    # of=("self",): the nullable counterpart_org is an outer join, which PostgreSQL cannot lock.
    return (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("member", "organization", "counterpart_org")
        .get(pk=transfer.pk)
    )


def _require_open(transfer: Transfer) -> None:
    if transfer.state != TransferState.OPEN:
        raise ValidationError(f"该介绍信已{transfer.get_state_display()}，不能再办理")


def _member_move(
    *, member: Member, to_org: Organization, on: datetime.date, acting_user, reason: str = ""
) -> Member:
    """Put a member on another organization's roster: Member.organization / org_path, with the
    member's flow, pocket and abroad records (they follow the relationship)."""
    member = Member.objects.select_for_update().select_related("organization").get(pk=member.pk)
    if not to_org.is_active:
        raise ValidationError({"organization": f"“{to_org.name}”已撤销或合并"})
    old = member.organization
    if old.pk == to_org.pk:
        return member
    member.organization = to_org
    member.branch_entry_date = on
    member.save()
    for model in (FlowRecord, PocketRecord, AbroadRecord):
        model.objects.filter(member=member).update(organization=to_org, org_path=to_org.path)
    audit_record(
        acting_user=acting_user,
        action="move",
        obj=member,
        changes={"现所在支部": [old.name, to_org.name]},
        note=reason or f"组织关系由“{old.name}”转入“{to_org.name}”",
    )
    return member


@service
def transfer_accept(
    *, transfer: Transfer, on: datetime.date, branch: Organization | None = None, acting_user
) -> Transfer:
    """The receiving organization inside the system accepts: the member moves to its roster and
    the receipt is recorded at once, on both sides (the mirror record is the transfer in)."""
    transfer = _lock(transfer)
    _require_open(transfer)
    if not transfer.is_out or transfer.counterpart_org is None:
        raise ValidationError("只有转往本系统内党组织的介绍信才能在系统内接收")
    target = transfer.counterpart_org
    branch = branch or target
    authorize(acting_user, Perm.EDIT_MEMBERS, branch, what=f"“{branch.name}”")
    if not is_in_subtree(branch.path, target.path):
        raise ValidationError({"branch": f"“{branch.name}”不在接收党组织“{target.name}”之下"})
    if on < transfer.letter_date:
        raise ValidationError({"on": "接收日期不能早于介绍信开具日期"})
    _member_move(
        member=transfer.member,
        to_org=branch,
        on=on,
        acting_user=acting_user,
        reason=f"接收组织关系转接（介绍信 {transfer.letter_number or transfer.pk}）",
    )
    incoming = Transfer(
        direction=TransferDirection.IN,
        organization=branch,
        member=transfer.member,
        letter_number=transfer.letter_number,
        letter_date=transfer.letter_date,
        counterpart_org=transfer.organization,
        counterpart_name=transfer.organization.name,
        province_scope=transfer.province_scope,
        permanence=transfer.permanence,
        contact_phone=transfer.contact_phone,
        contact_wechat=transfer.contact_wechat,
        destination=transfer.destination,
        backup_contact=transfer.backup_contact,
        backup_contact_phone=transfer.backup_contact_phone,
        dues_paid_to=transfer.dues_paid_to,
        validity_days=transfer.validity_days,
        receipt_due=transfer.receipt_due,
        state=TransferState.RECEIPTED,
        receipt_date=on,
        mirror=transfer,
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    incoming.save()
    transfer.state = TransferState.RECEIPTED
    transfer.receipt_date = on
    transfer.mirror = incoming
    transfer.save()
    _resolve_pocket(transfer.member, on=on, resolution=f"已在“{branch.name}”接转组织关系")
    return transfer


@service
def transfer_refuse(*, transfer: Transfer, on: datetime.date, reason: str, acting_user) -> Transfer:
    """The receiving organization inside the system sends the letter back, with the reason;
    the member stays where he was."""
    transfer = _lock(transfer)
    # Inside the system the receiving side sends the letter back; a refusal from outside is
    # recorded by the sender.
    authorize(
        acting_user,
        Perm.EDIT_MEMBERS,
        transfer.counterpart_org or transfer.organization,
        what="接收党组织" if transfer.counterpart_org else "该介绍信",
    )
    _require_open(transfer)
    if not reason.strip():
        raise ValidationError({"reason": "请填写退回原因"})
    if on < transfer.letter_date:
        raise ValidationError({"on": "退回日期不能早于介绍信开具日期"})
    transfer.state = TransferState.REFUSED
    transfer.refused_date = on
    transfer.refused_reason = reason.strip()
    transfer.save()
    return transfer


@service
def transfer_receipt_record(
    *, transfer: Transfer, on: datetime.date, note: str = "", acting_user
) -> Transfer:
    """The paper receipt came back (transfer out) or was sent (transfer in).

    A transfer out leaves the sender's responsibility only now: the member becomes
    TRANSFERRED_OUT. A transfer to an organization inside the system is received there instead.
    """
    transfer = _lock(transfer)
    authorize(acting_user, Perm.EDIT_MEMBERS, transfer.organization, what="该介绍信")
    _require_open(transfer)
    if transfer.is_out and transfer.is_internal:
        raise ValidationError("转往本系统内党组织的介绍信由接收党组织在系统内接收，回执同时生成")
    if on < transfer.letter_date:
        raise ValidationError({"on": "回执日期不能早于介绍信开具日期"})
    transfer.state = TransferState.RECEIPTED
    transfer.receipt_date = on
    if note.strip():
        transfer.remarks = "\n".join(filter(None, [transfer.remarks, note.strip()]))
    transfer.save()
    if transfer.is_out:
        member = Member.objects.select_for_update().get(pk=transfer.member_id)
        _resolve_pocket(member, on=on, resolution=f"已收到“{transfer.counterpart_name}”回执")
        member.refresh_from_db()
        member.status = MemberStatus.TRANSFERRED_OUT
        member.status_date = on
        member.save()
    return transfer


@service
def followup_add(
    *, transfer: Transfer, on: datetime.date, by_whom: str, what: str, acting_user
) -> TransferFollowUp:
    transfer = _lock(transfer)
    authorize(acting_user, Perm.EDIT_MEMBERS, transfer.organization, what="该介绍信")
    if not by_whom.strip():
        raise ValidationError({"by_whom": "请填写跟踪人"})
    if not what.strip():
        raise ValidationError({"what": "请填写跟踪情况"})
    if on < transfer.letter_date:
        raise ValidationError({"date": "跟踪日期不能早于介绍信开具日期"})
    return TransferFollowUp.objects.create(
        transfer=transfer,
        organization=transfer.organization,
        date=on,
        by_whom=by_whom.strip(),
        what=what.strip(),
    )


# ---- "口袋"党员 ---------------------------------------------------------------------------------

POCKET_NOTE = "“口袋”党员："


@service
def pocket_mark(
    *, member: Member, on: datetime.date, reason: str, transfer: Transfer | None = None, acting_user
) -> PocketRecord:
    """Mark a member whose transfer was never reported at the destination in time: the member
    stays on the old branch's roster, noted in 备注 (seed 002 名册 说明 2)."""
    member = Member.objects.select_for_update().select_related("organization").get(pk=member.pk)
    authorize(acting_user, Perm.EDIT_MEMBERS, member.organization, what="该党员")
    if not reason.strip():
        raise ValidationError({"reason": "请填写未按期报到的原因"})
    if member.status not in ON_ROSTER:
        raise ValidationError(
            {"member": f"{member.name}已不在本支部名册中（{member.get_status_display()}）"}
        )
    if PocketRecord.objects.filter(member=member, resolved_on__isnull=True).exists():
        raise ValidationError({"member": f"{member.name}已登记为“口袋”党员"})
    if transfer is not None:
        if transfer.member_id != member.pk or not transfer.is_out:
            raise ValidationError({"transfer": "该介绍信不是这名党员的转出介绍信"})
        if transfer.state != TransferState.OPEN:
            raise ValidationError({"transfer": "该介绍信已办结，不能据此认定“口袋”党员"})
    record = PocketRecord.objects.create(
        member=member,
        organization=member.organization,
        transfer=transfer,
        marked_on=on,
        reason=reason.strip(),
    )
    member.pocket = True
    _note(
        member,
        f"{POCKET_NOTE}组织关系转出后未按期到接收单位报到，关系仍在本支部（{reason.strip()}）",
    )
    member.save()
    return record


def _resolve_pocket(member: Member, *, on: datetime.date, resolution: str) -> None:
    open_records = PocketRecord.objects.filter(member=member, resolved_on__isnull=True)
    if not open_records.exists() and not member.pocket:
        return
    for record in open_records:
        record.resolved_on = max(on, record.marked_on)
        record.resolution = resolution
        record.save()
    member = Member.objects.get(pk=member.pk)
    member.pocket = False
    _drop_note(member, POCKET_NOTE)
    member.save()


@service
def pocket_resolve(
    *, record: PocketRecord, on: datetime.date, resolution: str, acting_user
) -> PocketRecord:
    record = (
        PocketRecord.objects.select_for_update()
        .select_related("member", "organization")
        .get(pk=record.pk)
    )
    authorize(acting_user, Perm.EDIT_MEMBERS, record.organization, what="该党员")
    if record.resolved_on:
        raise ValidationError("该“口袋”党员记录已落实")
    if not resolution.strip():
        raise ValidationError({"resolution": "请填写落实情况"})
    if on < record.marked_on:
        raise ValidationError({"resolved_on": "落实日期不能早于认定日期"})
    _resolve_pocket(record.member, on=on, resolution=resolution.strip())
    record.refresh_from_db()
    return record


# ---- 流动党员 ---------------------------------------------------------------------------------


def _sync_flowing(member: Member) -> None:
    """Member.flowing / flow_destination follow the member's open flow records."""
    current = (
        FlowRecord.objects.filter(member=member, closed_on__isnull=True).order_by("-since").first()
    )
    member.flowing = current is not None
    member.flow_destination = current.destination if current else ""
    _drop_note(member, "外出流动")
    if current:
        _note(member, f"外出流动：{current.destination}")
    member.save()


@service
def flow_open(
    *, member: Member, destination: str, since: datetime.date, scope: str, acting_user, **fields
) -> FlowRecord:
    member = Member.objects.select_for_update().select_related("organization").get(pk=member.pk)
    authorize(acting_user, Perm.EDIT_MEMBERS, member.organization, what="该党员")
    if member.status not in ON_ROSTER:
        raise ValidationError({"member": f"{member.name}已不在本支部名册中"})
    if FlowRecord.objects.filter(member=member, closed_on__isnull=True).exists():
        raise ValidationError({"member": f"{member.name}已有一条未结束的流动记录，请先结束它"})
    record = FlowRecord(
        member=member,
        organization=member.organization,
        destination=destination.strip(),
        since=since,
        scope=scope,
        **fields,
    )
    if record.certificate_number and not record.certificate_issued_by:
        committee = member.organization.grassroots_committee()
        record.certificate_issued_by = committee.name if committee else ""
    record.full_clean()
    record.save()
    _sync_flowing(member)
    return record


FLOW_EDITABLE = (
    "destination",
    "scope",
    "certificate_number",
    "certificate_issued_by",
    "certificate_issued_on",
    "contact_person",
    "contact_phone",
    "reported",
)


@service
def flow_update(*, record: FlowRecord, acting_user, **fields) -> FlowRecord:
    unknown = set(fields) - set(FLOW_EDITABLE)
    if unknown:
        raise ValueError(f"不可修改的字段：{', '.join(sorted(unknown))}")
    record = (
        FlowRecord.objects.select_for_update()
        .select_related("member", "organization")
        .get(pk=record.pk)
    )
    authorize(acting_user, Perm.EDIT_MEMBERS, record.organization, what="该党员")
    for name, value in fields.items():
        setattr(record, name, value)
    record.full_clean()
    record.save()
    _sync_flowing(record.member)
    return record


@service
def flow_close(
    *, record: FlowRecord, on: datetime.date, reason: str = "", acting_user
) -> FlowRecord:
    record = (
        FlowRecord.objects.select_for_update()
        .select_related("member", "organization")
        .get(pk=record.pk)
    )
    authorize(acting_user, Perm.EDIT_MEMBERS, record.organization, what="该党员")
    if record.closed_on:
        raise ValidationError("该流动记录已结束")
    record.closed_on = on
    record.closed_reason = reason.strip()
    record.full_clean()
    record.save()
    _sync_flowing(record.member)
    return record


# ---- 出国（境）: 保留组织关系 / 停止党籍 --------------------------------------------------------


@service
def abroad_register(
    *,
    member: Member,
    kind: str,
    place: str,
    period_from: datetime.date,
    period_to: datetime.date | None = None,
    reason: str = "",
    acting_user,
) -> AbroadRecord:
    """保留组织关系 (status RETAINED at once), or 停止党籍 for settling abroad: that one passes
    its approval chain (`abroad_approve`) before the member's status changes."""
    member = Member.objects.select_for_update().select_related("organization").get(pk=member.pk)
    authorize(acting_user, Perm.EDIT_MEMBERS, member.organization, what="该党员")
    if AbroadRecord.objects.filter(member=member, ended_on__isnull=True).exists():
        raise ValidationError({"member": f"{member.name}已有一条未结束的出国（境）记录"})
    allowed = (
        (MemberStatus.ACTIVE,)
        if kind == AbroadKind.RETAINED
        else (MemberStatus.ACTIVE, MemberStatus.RETAINED)
    )
    if member.status not in allowed:
        raise ValidationError(
            {
                "member": f"{member.name}当前状态为“{member.get_status_display()}”，"
                f"不能办理{AbroadKind(kind).label}"
            }
        )
    record = AbroadRecord(
        member=member,
        organization=member.organization,
        kind=kind,
        place=place.strip(),
        period_from=period_from,
        period_to=period_to,
        reason=reason.strip(),
    )
    if kind == AbroadKind.SUSPENDED:
        record.approval_state = DispositionState.PENDING
        record.consult_department = consult_required(member.organization, on=period_from)
    record.full_clean()
    record.save()
    if kind == AbroadKind.RETAINED:
        member.status = MemberStatus.RETAINED
        _note(member, f"出国（境）：{record.place}，保留组织关系至{format_cn_date(period_to)}")
        member.status_date = period_from
        member.save()
    return record


def abroad_steps(record: AbroadRecord) -> tuple[str, ...]:
    """The chain of 因出国（境）定居而停止党籍 (附件5 U), as every 停止党籍."""
    return steps_for(DispositionCategory.LOST_ABROAD_SUSPENDED, consult=record.consult_department)


def abroad_next_step(record: AbroadRecord) -> str | None:
    if record.approval_state != DispositionState.PENDING:
        return None
    signed = set(record.approvals.values_list("step", flat=True))
    return next((s for s in abroad_steps(record) if s not in signed), None)


@service
def abroad_approve(
    *,
    record: AbroadRecord,
    acting_user,
    step: str,
    opinion: str,
    signed_on: datetime.date,
    approved: bool = True,
) -> AbroadApproval:
    """Sign `step` of the 停止党籍 chain; the last approval suspends the member, a refusal
    ends the record with the reason (the branch registers again once settled)."""
    record = (
        AbroadRecord.objects.select_for_update()
        .select_related("organization", "member")
        .get(pk=record.pk)
    )
    authorize(acting_user, Perm.EDIT_MEMBERS, record.organization, what="该党员")
    label = check_signing(
        step,
        expected=abroad_next_step(record),
        obj=record,
        user=acting_user,
        pending=f"该记录{record.get_approval_state_display()}",
        opinion=opinion,
    )
    floor = max([record.period_from, *record.approvals.values_list("signed_on", flat=True)])
    if signed_on < floor:
        raise ValidationError({"signed_on": f"签署日期不能早于{format_cn_date(floor)}"})
    approval = AbroadApproval.objects.create(
        record=record,
        step=step,
        approved=approved,
        opinion=opinion.strip(),
        signed_on=signed_on,
        signer=acting_user,
        signer_org_name=acting_user.organization.name,
    )
    if not approved:
        record.approval_state = DispositionState.RETURNED
        record.returned_reason = f"{label}：{opinion.strip()}"
        record.ended_on, record.ended_note = signed_on, f"审批退回：{opinion.strip()}"
        record.save()
    elif abroad_next_step(record) is None:
        record.approval_state = DispositionState.EFFECTIVE
        record.save()
        member = Member.objects.select_for_update().get(pk=record.member_id)
        member.status = MemberStatus.SUSPENDED
        member.status_date = signed_on
        _note(member, f"因出国（境）定居（{record.place}）停止党籍")
        member.save()
    return approval


@service
def abroad_restoration_request(
    *, record: AbroadRecord, on: datetime.date, note: str, acting_user
) -> AbroadRecord:
    record = (
        AbroadRecord.objects.select_for_update().select_related("organization").get(pk=record.pk)
    )
    authorize(acting_user, Perm.EDIT_MEMBERS, record.organization, what="该党员")
    if record.kind != AbroadKind.SUSPENDED:
        raise ValidationError("只有停止党籍的党员才能申请恢复党籍")
    if on < record.period_from:
        raise ValidationError({"restoration_requested_on": "申请日期不能早于停止党籍日期"})
    record.restoration_requested_on = on
    record.restoration_note = note.strip()
    record.save()
    return record


@service
def abroad_end(
    *, record: AbroadRecord, on: datetime.date, note: str = "", acting_user
) -> AbroadRecord:
    """Back from abroad (保留组织关系 ends) or membership restored (停止党籍 lifted): ACTIVE."""
    record = (
        AbroadRecord.objects.select_for_update().select_related("organization").get(pk=record.pk)
    )
    authorize(acting_user, Perm.EDIT_MEMBERS, record.organization, what="该党员")
    if record.ended_on:
        raise ValidationError("该出国（境）记录已结束")
    record.ended_on = on
    record.ended_note = note.strip()
    record.full_clean()
    member = Member.objects.select_for_update().get(pk=record.member_id)
    record.save()
    member.status = MemberStatus.ACTIVE
    member.status_date = on
    _drop_note(member, "出国（境）：")
    _drop_note(member, "因出国（境）定居")
    member.save()
    return record
