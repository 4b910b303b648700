"""Everything that can happen to a lost-contact case (`grep case_ attempt_ disposition_`).

Each service is atomic, takes the acting user and the date it acts on (nothing here reads the
clock), and is audited: record changes through the audit signals (with the acting user), and
each approval step with an explicit 审批 entry.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from paicha.audit.models import AuditAction
from paicha.audit.services import audit_record
from paicha.codes import (
    ApprovalDecision,
    ApprovalStep,
    CaseOutcome,
    CaseSource,
    ContactChannel,
    DispositionCategory,
    DispositionState,
    LossReason,
    MemberType,
    SearchMethod,
)
from paicha.core.dates import format_cn_date
from paicha.core.transactions import service
from paicha.core.uploads import MAX_UPLOAD_BYTES, clean_upload
from paicha.evidence.services import contact_record
from paicha.members.approvals import check_signing, consult_required
from paicha.members.models import ON_ROSTER, Member
from paicha.organizations.permissions import Perm, Role
from paicha.organizations.scope import authorize
from paicha.organizations.tree import is_in_subtree

from . import rules
from .models import (
    ApprovalSignature,
    AttemptSigner,
    CaseAttachment,
    Disposition,
    FollowUp,
    LostContactCase,
    SearchAttempt,
    attachment_path,
)
from .selectors import (
    SIGNERS_REQUIRED,
    grassroots_of,
    last_org_life_or_dues,
    next_step,
)

# Scans are jpg, png or pdf (`core.uploads`: images re-encoded, PDFs without scripts).
MAX_ATTACHMENT_BYTES = MAX_UPLOAD_BYTES
# Dispositions that describe a state of the search rather than settle it: the case stays open
# and a later proposal replaces them.
INTERIM = {DispositionCategory.UNDER_INVESTIGATION, DispositionCategory.STILL_SEARCHING}


def _lock(case: LostContactCase, acting_user) -> LostContactCase:
    """The case, locked, once `acting_user` may work on it (EDIT_MEMBERS over its branch)."""
    case = (
        LostContactCase.objects.select_for_update()
        .select_related("member", "organization")
        .get(pk=case.pk)
    )
    authorize(acting_user, Perm.EDIT_MEMBERS, case.organization, what="该案件")
    return case


def _require_open(case: LostContactCase) -> None:
    if not case.is_open:
        raise ValidationError(
            f"{case.name}的案件已于{format_cn_date(case.closed_on)}结案，不能再修改"
        )


def _check_reason(loss_reason: str, remarks: str) -> None:
    if loss_reason == LossReason.OTHER and not remarks.strip():
        raise ValidationError({"remarks": "失联原因为“⑦其他”时，须在备注中写明具体原因"})


# ---- the case -------------------------------------------------------------------------------


@service
def case_open(
    *,
    member: Member,
    acting_user,
    opened_on: datetime.date,
    source: str = CaseSource.MANUAL,
    transfer=None,
    loss_reason: str = "",
    occupation: str = "",
    remarks: str = "",
    lost_since: datetime.date | None = None,
) -> LostContactCase:
    """Open a case for `member`, copying the member's facts as they stand on `opened_on`."""
    member = Member.objects.select_for_update().select_related("organization").get(pk=member.pk)
    authorize(acting_user, Perm.EDIT_MEMBERS, member.organization, what="该党员")
    if member.status not in ON_ROSTER:
        raise ValidationError(
            {
                "member": f"{member.name}的状态是“{member.get_status_display()}”，"
                "不在党员名册上，不能立案查找"
            }
        )
    existing = LostContactCase.objects.open().filter(member=member).first()
    if existing:
        raise ValidationError(
            {
                "member": f"{member.name}已有{format_cn_date(existing.opened_on)}"
                "立案、尚未结案的查找案件，不能重复立案"
            }
        )
    _check_reason(loss_reason, remarks)
    if transfer is not None:
        if transfer.member_id != member.pk:
            raise ValidationError({"transfer": "该转出记录不是这名党员的"})
        source = CaseSource.TRANSFER
    if lost_since is None:
        lost_since = last_org_life_or_dues(member, as_of=opened_on)
    if lost_since is not None and lost_since > opened_on:
        raise ValidationError({"lost_since": "最近一次参加组织生活或交纳党费日期不能晚于立案日期"})
    org = member.organization
    case = LostContactCase(
        organization=org,
        member=member,
        source=source,
        transfer_id=transfer.pk if transfer is not None else None,
        opened_on=opened_on,
        opened_by=acting_user,
        name=member.name,
        gender=member.gender,
        ethnicity=member.ethnicity,
        native_place=member.native_place,
        birth_date=member.birth_date,
        education=member.education,
        id_number=member.id_number,
        member_type=member.member_type,
        join_date=member.join_date,
        full_date=member.full_date,
        party_post=member.former_party_post or member.party_post,
        work_unit=member.work_unit,
        household_register=member.household_register,
        residence=member.residence,
        contacts="；".join(x for x in (member.mobile, member.other_contacts) if x),
        org_name=org.name,
        org_category=org.category,
        lost_since=lost_since,
        loss_reason=loss_reason,
        occupation=occupation,
        remarks=remarks,
    )
    case.save()
    return case


CASE_EDITABLE = ("loss_reason", "occupation", "remarks", "lost_since")


@service
def case_update(*, case: LostContactCase, acting_user, **fields) -> LostContactCase:
    """Change 失联原因, 职业, 备注 or the start of the loss."""
    unknown = set(fields) - set(CASE_EDITABLE)
    if unknown:
        raise ValueError(f"不可修改的字段：{', '.join(sorted(unknown))}")
    case = _lock(case, acting_user)
    _require_open(case)
    for name, value in fields.items():
        setattr(case, name, value)
    _check_reason(case.loss_reason, case.remarks)
    if case.lost_since and case.lost_since > case.opened_on:
        raise ValidationError({"lost_since": "最近一次参加组织生活或交纳党费日期不能晚于立案日期"})
    case.save()
    return case


# ---- the search -----------------------------------------------------------------------------


def _check_signer(case: LostContactCase, signer: Member, attempt: SearchAttempt | None) -> None:
    area = grassroots_of(case.organization) or case.organization
    if signer.pk == case.member_id:
        raise ValidationError({"signers": f"查找人“{signer.name}”就是失联党员本人，不能签名"})
    if signer.member_type != MemberType.FULL:
        raise ValidationError(
            {
                "signers": f"查找人“{signer.name}”是{signer.get_member_type_display()}，"
                "须由正式党员签名"
            }
        )
    if signer.status not in ON_ROSTER:
        raise ValidationError(
            {
                "signers": f"查找人“{signer.name}”的状态是“{signer.get_status_display()}”，"
                "不在党员名册上"
            }
        )
    if not is_in_subtree(signer.org_path, area.path):
        raise ValidationError(
            {"signers": f"查找人“{signer.name}”不是“{area.name}”所属党组织的党员"}
        )
    if attempt is not None and attempt.signers.filter(signer=signer).exists():
        raise ValidationError(
            {"signers": f"查找人“{signer.name}”已经在第{attempt.seq}次查找上签过名"}
        )


@service
def attempt_record(
    *,
    case: LostContactCase,
    acting_user,
    date: datetime.date,
    method: str,
    reached: str,
    process: str,
    phone: str = "",
    remarks: str = "",
    signers=(),
    as_of: datetime.date,
    reached_member: bool = False,
) -> SearchAttempt:
    """Record the next try; `signers` (members) sign it at once, more may sign later. A try
    that reached the member himself (`reached_member`) is evidence of contact (SPEC §4): it
    is written as a contact with him on its date; one that reached only others is not."""
    case = _lock(case, acting_user)
    _require_open(case)
    if case.outcome != CaseOutcome.SEARCHING:
        raise ValidationError(f"查找已结束（{case.get_outcome_display()}），不能再记录查找")
    if date > as_of:
        raise ValidationError({"date": f"查找日期{format_cn_date(date)}晚于今天"})
    if case.lost_since and date < case.lost_since:
        raise ValidationError({"date": "查找日期不能早于最近一次参加组织生活或交纳党费的日期"})
    last = case.attempts.order_by("-seq").first()
    if last is not None and date < last.date:
        raise ValidationError(
            {
                "date": f"查找按次序记录：本次日期不能早于第{last.seq}次查找"
                f"（{format_cn_date(last.date)}）"
            }
        )
    if not reached.strip() or not process.strip():
        raise ValidationError({"reached" if not reached.strip() else "process": "此项为必填项"})
    attempt = SearchAttempt(
        case=case,
        seq=(last.seq + 1) if last else 1,
        date=date,
        method=method,
        reached=reached,
        phone=phone,
        process=process,
        remarks=remarks,
        recorded_by=acting_user,
    )
    attempt.save()
    seen = set()
    for signer in signers:
        if signer.pk in seen:
            raise ValidationError({"signers": f"查找人“{signer.name}”重复"})
        seen.add(signer.pk)
        _check_signer(case, signer, attempt)
        AttemptSigner.objects.create(
            case=case, attempt=attempt, signer=signer, signer_name=signer.name, signed_on=date
        )
    if seen:
        SearchAttempt.objects.filter(pk=attempt.pk).update(signer_count=len(seen))
        attempt.signer_count = len(seen)
    if reached_member:
        contact_record(
            member=case.member,
            date=date,
            acting_user=acting_user,
            channel=ATTEMPT_CHANNEL.get(method, ContactChannel.OTHER),
            by_whom=str(acting_user),
            with_member=True,
            note=f"第{attempt.seq}次联系查找联系上本人：{reached}",
        )
    return attempt


# The contact channel of a search that reached the member, by 查找方式.
ATTEMPT_CHANNEL = {
    SearchMethod.PHONE: ContactChannel.PHONE,
    SearchMethod.VISIT: ContactChannel.VISIT,
    SearchMethod.LETTER: ContactChannel.LETTER,
    SearchMethod.ONLINE: ContactChannel.WECHAT,
}


@service
def attempt_sign(
    *, attempt: SearchAttempt, signer: Member, acting_user, signed_on: datetime.date
) -> AttemptSigner:
    """Add a searcher's signature to an attempt (a full member of the organization)."""
    case = _lock(attempt.case, acting_user)
    _require_open(case)
    _check_signer(case, signer, attempt)
    if signed_on < attempt.date:
        raise ValidationError({"signed_on": "签名日期不能早于查找日期"})
    signature = AttemptSigner.objects.create(
        case=case, attempt=attempt, signer=signer, signer_name=signer.name, signed_on=signed_on
    )
    SearchAttempt.objects.filter(pk=attempt.pk).update(
        signer_count=AttemptSigner.objects.filter(attempt=attempt).count()
    )
    return signature


@service
def attachment_add(
    *,
    case: LostContactCase,
    uploaded,
    acting_user,
    description: str = "",
    attempt: SearchAttempt | None = None,
) -> CaseAttachment:
    """Attach a scan (jpg/png/pdf, ≤ 10 MB) to the case or one of its attempts."""
    case = _lock(case, acting_user)
    if attempt is not None and attempt.case_id != case.pk:
        raise ValidationError({"attempt": "该查找记录不属于此案件"})
    clean = clean_upload(uploaded, field="file", max_bytes=MAX_ATTACHMENT_BYTES)
    stored = default_storage.save(attachment_path(case.pk, clean.file_type), clean.content)
    try:
        return CaseAttachment.objects.create(
            case=case,
            attempt=attempt,
            stored_name=stored,
            original_name=uploaded.name[:200],
            file_type=clean.file_type,
            size=clean.size,
            description=description,
            uploaded_by=acting_user,
        )
    except Exception:
        default_storage.delete(stored)
        raise


@service
def case_record_conduct(
    *, case: LostContactCase, acting_user, checked_on: datetime.date, misconduct: bool, record: str
) -> LostContactCase:
    """失联党员表现调查核实情况: whether the member behaved unfit or broke discipline or law."""
    case = _lock(case, acting_user)
    _require_open(case)
    if not record.strip():
        raise ValidationError({"record": "请写明调查核实的经过和结论"})
    if case.lost_since and checked_on < case.lost_since:
        raise ValidationError({"checked_on": "调查核实日期不能早于失去联系的起始日期"})
    case.conduct_checked_on, case.conduct_misconduct, case.conduct_record = (
        checked_on,
        misconduct,
        record,
    )
    case.save()
    return case


def _all_attempts_signed(case: LostContactCase) -> None:
    attempts = list(case.attempts.all())
    if not attempts:
        raise ValidationError({"outcome": "还没有任何联系查找记录，不能认定无法取得联系"})
    for attempt in attempts:
        n = attempt.signers.count()
        if n < SIGNERS_REQUIRED:
            raise ValidationError(
                {"outcome": f"第{attempt.seq}次查找只有{n}名查找人签名，须至少两名正式党员签名"}
            )


def _record_contact_evidence(case: LostContactCase, acting_user) -> None:
    """Regained contact is evidence of contact with the member himself (evidence app)."""
    contact_record(
        member=case.member,
        date=case.outcome_on,
        acting_user=acting_user,
        by_whom=str(acting_user),
        note=f"经查找取得联系，现在{case.regained_place}",
    )


@service
def case_record_outcome(
    *,
    case: LostContactCase,
    acting_user,
    outcome: str,
    outcome_on: datetime.date,
    as_of: datetime.date,
    regained_place: str = "",
    new_mobile: str = "",
    new_contacts: str = "",
    note: str = "",
) -> LostContactCase:
    """The search's result: contact regained, still unreachable, or confirmed dead."""
    case = _lock(case, acting_user)
    _require_open(case)
    disposition = getattr(case, "disposition", None)
    if (
        disposition is not None
        and disposition.category not in INTERIM
        and disposition.state != DispositionState.RETURNED
    ):
        raise ValidationError({"outcome": "处置已提出，不能再改变查找结果；须先由审批环节退回"})
    if outcome_on > as_of:
        raise ValidationError({"outcome_on": f"日期{format_cn_date(outcome_on)}晚于今天"})
    if case.lost_since and outcome_on < case.lost_since:
        raise ValidationError({"outcome_on": "日期不能早于失去联系的起始日期"})
    last = case.attempts.order_by("-seq").first()
    if last is not None and outcome_on < last.date and outcome != CaseOutcome.SEARCHING:
        raise ValidationError(
            {"outcome_on": f"日期不能早于最后一次查找（{format_cn_date(last.date)}）"}
        )
    if outcome == CaseOutcome.REGAINED:
        if new_mobile and (
            len(new_mobile) != 11 or not new_mobile.isdigit() or not new_mobile.startswith("1")
        ):
            raise ValidationError({"new_mobile": "手机号码应为以1开头的11位数字"})
        if not (regained_place.strip() and (new_mobile or new_contacts.strip())):
            raise ValidationError(
                {"regained_place": "取得联系时须填写所在地和新的联系方式（手机号码或其他联系方式）"}
            )
    if outcome == CaseOutcome.UNREACHABLE:
        _all_attempts_signed(case)
    case.outcome = outcome
    case.outcome_on = None if outcome == CaseOutcome.SEARCHING else outcome_on
    case.regained_place, case.new_mobile, case.new_contacts = (
        (regained_place, new_mobile, new_contacts)
        if outcome == CaseOutcome.REGAINED
        else ("", "", "")
    )
    case.outcome_note = note
    case.save()
    if outcome == CaseOutcome.REGAINED:
        _record_contact_evidence(case, acting_user)
    return case


@service
def case_search_again(*, case: LostContactCase, acting_user) -> LostContactCase:
    """After a return, the branch goes back to searching in one step: the outcome returns to
    正在查找 (the returned proposal and its reason stay on record) so that attempts can be
    added and a new outcome and proposal follow."""
    case = _lock(case, acting_user)
    _require_open(case)
    disposition = getattr(case, "disposition", None)
    if disposition is None or disposition.state != DispositionState.RETURNED:
        raise ValidationError("只有处置意见被退回的案件才能从这里继续查找")
    if case.outcome == CaseOutcome.SEARCHING:
        return case
    case.outcome, case.outcome_on = CaseOutcome.SEARCHING, None
    case.regained_place = case.new_mobile = case.new_contacts = ""
    case.save()
    return case


# ---- the disposition and its chain ----------------------------------------------------------


def _check_category(case: LostContactCase, category: str, period_start, period_end) -> None:
    side = rules.SIDE[category]
    allowed = rules.OUTCOMES_FOR_CATEGORY.get(category, rules.OUTCOMES_FOR_SIDE[side])
    label = DispositionCategory(category).label
    if case.outcome not in allowed:
        raise ValidationError(
            {
                "category": f"“{label}”属于“{side.label}”一类，"
                f"与查找结果“{case.get_outcome_display()}”不符"
            }
        )
    if category in rules.PROBATIONARY_ONLY and case.member.member_type != MemberType.PROBATIONARY:
        raise ValidationError({"category": f"“{label}”只适用于预备党员，{case.name}是正式党员"})
    if category in rules.WITH_PERIOD:
        if not period_start or not period_end:
            raise ValidationError({"period_end": f"“{label}”须填写期限的起止日期"})
        if period_end <= period_start:
            raise ValidationError({"period_end": "期限截止日期须晚于起始日期"})
    if category in rules.REMOVALS and rules.SIDE[category] == rules.DispositionSide.NOT_CONTACTED:
        _all_attempts_signed(case)


def _effective(
    case: LostContactCase, disposition: Disposition, on: datetime.date, acting_user
) -> None:
    """The disposition takes effect: the member's status changes and the case closes."""
    disposition.state = DispositionState.EFFECTIVE
    disposition.effective_on = on
    disposition.save()
    target = rules.TARGET_STATUS.get(disposition.category)
    if target is not None:
        member = Member.objects.select_for_update().get(pk=case.member_id)
        member.status = target
        member.status_date = on
        member.save()
    if disposition.category not in INTERIM:
        case.closed_on = on
        case.save()


@service
def disposition_propose(
    *,
    case: LostContactCase,
    acting_user,
    category: str,
    proposal: str,
    proposed_on: datetime.date,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
) -> Disposition:
    """The branch proposes the outcome category; a returned proposal starts a new round."""
    case = _lock(case, acting_user)
    _require_open(case)
    if (
        acting_user.organization_id != case.organization_id
        or acting_user.role != Role.BRANCH_WORKER
    ):
        raise ValidationError(
            f"处置意见由党员所在的“{case.organization.name}”提出，{acting_user}不能提出"
        )
    if not proposal.strip():
        raise ValidationError({"proposal": "请写明处置意见及理由"})
    _check_category(case, category, period_start, period_end)
    disposition = Disposition.objects.select_for_update().filter(case=case).first()
    if disposition is None:
        disposition = Disposition(case=case)
    elif disposition.state == DispositionState.PENDING:
        raise ValidationError({"category": "已有处置意见正在审批中"})
    elif disposition.state == DispositionState.EFFECTIVE and disposition.category not in INTERIM:
        raise ValidationError({"category": "处置已经生效"})
    else:
        disposition.round += 1
    if disposition.pk and proposed_on < disposition.proposed_on:
        raise ValidationError({"proposed_on": "提出日期不能早于上一次提出的日期"})
    disposition.category, disposition.proposal = category, proposal
    disposition.proposed_on, disposition.proposed_by = proposed_on, acting_user
    disposition.consult_department = consult_required(case.organization, on=proposed_on)
    disposition.period_start = period_start if category in rules.WITH_PERIOD else None
    disposition.period_end = period_end if category in rules.WITH_PERIOD else None
    disposition.state, disposition.returned_reason = DispositionState.PENDING, ""
    disposition.effective_on = None
    disposition.save()
    if not rules.disposition_steps(disposition):
        _effective(case, disposition, proposed_on, acting_user)
    return disposition


def _sign(
    *,
    case: LostContactCase,
    acting_user,
    step: str,
    decision: str,
    opinion: str,
    signed_on: datetime.date,
) -> ApprovalSignature:
    case = _lock(case, acting_user)
    disposition = Disposition.objects.select_for_update().filter(case=case).first()
    if disposition is None:
        raise ValidationError("该案件还没有处置意见")
    label = check_signing(
        step,
        expected=next_step(disposition),
        obj=case,
        user=acting_user,
        pending=f"该处置{disposition.get_state_display()}",
        opinion=opinion,
    )
    previous = [a for a in disposition.approvals.all() if a.round == disposition.round]
    floor = max([disposition.proposed_on] + [a.signed_on for a in previous])
    if signed_on < floor:
        raise ValidationError(
            {
                "signed_on": f"签署日期不能早于{format_cn_date(floor)}"
                "（提出处置或上一环节签署的日期）"
            }
        )
    signature = ApprovalSignature(
        case=case,
        disposition=disposition,
        step=step,
        round=disposition.round,
        category=disposition.category,
        decision=decision,
        opinion=opinion,
        signed_on=signed_on,
        signer=acting_user,
        signer_name=str(acting_user),
        signer_org=acting_user.organization,
        signer_org_name=acting_user.organization.name,
    )
    try:
        with transaction.atomic():
            signature.save()
    except IntegrityError:
        raise ValidationError(f"“{label}”本轮已由他人签署") from None
    audit_record(
        acting_user=acting_user,
        action=AuditAction.APPROVE,
        obj=case,
        changes={label: ["", f"{ApprovalDecision(decision).label}：{opinion}"]},
        note=f"{label}（{disposition.get_category_display()}，第{disposition.round}轮）",
    )
    return signature, case, disposition


@service
def disposition_approve(
    *, case: LostContactCase, acting_user, step: str, opinion: str, signed_on: datetime.date
) -> ApprovalSignature:
    """Sign `step` in agreement; the last step makes the disposition effective."""
    signature, case, disposition = _sign(
        case=case,
        acting_user=acting_user,
        step=step,
        decision=ApprovalDecision.APPROVED,
        opinion=opinion,
        signed_on=signed_on,
    )
    disposition.refresh_from_db()
    if next_step(disposition) is None:
        _effective(case, disposition, signed_on, acting_user)
    return signature


@service
def disposition_reject(
    *, case: LostContactCase, acting_user, step: str, reason: str, signed_on: datetime.date
) -> ApprovalSignature:
    """Refuse at `step`: the case goes back to the branch with the reason."""
    if not reason.strip():
        raise ValidationError({"opinion": "退回时须写明理由"})
    signature, case, disposition = _sign(
        case=case,
        acting_user=acting_user,
        step=step,
        decision=ApprovalDecision.REJECTED,
        opinion=reason,
        signed_on=signed_on,
    )
    disposition.state = DispositionState.RETURNED
    disposition.returned_reason = f"{ApprovalStep(step).label}：{reason}"
    disposition.save()
    return signature


@service
def followup_record(
    *, case: LostContactCase, acting_user, date: datetime.date, note: str
) -> FollowUp:
    """A follow-up of 保留组织关系 or 限期改正 during (or at the end of) its period."""
    case = _lock(case, acting_user)
    disposition = getattr(case, "disposition", None)
    if (
        disposition is None
        or disposition.category not in rules.WITH_PERIOD
        or disposition.state != DispositionState.EFFECTIVE
    ):
        raise ValidationError("只有已生效的“保留组织关系”“限期改正”需要记录跟踪情况")
    if date < disposition.period_start:
        raise ValidationError(
            {"date": f"跟踪日期不能早于期限起始日期{format_cn_date(disposition.period_start)}"}
        )
    if not note.strip():
        raise ValidationError({"note": "请填写跟踪情况"})
    return FollowUp.objects.create(case=case, date=date, note=note, recorded_by=acting_user)
