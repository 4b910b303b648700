"""Writes: record a 组织生活 with its attendance, a 党费 payment, a contact (`grep meeting_
dues_ contact_`). Each is atomic, takes the acting user and "today" as arguments (nothing here
reads the clock), and is audited through the signals, under the acting user, who must hold
EDIT_MEMBERS over the organization written to."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError

from paicha.codes import AttendanceStatus, ContactChannel, OrgLifeKind
from paicha.core.dates import format_cn_date
from paicha.core.transactions import service
from paicha.members.models import ON_ROSTER, Member
from paicha.organizations.models import Organization
from paicha.organizations.permissions import Perm
from paicha.organizations.scope import authorize

from .books import books_refresh
from .gaps import books_and_gaps_after_records, refresh_gaps, refresh_orgs
from .models import Attendance, ContactRecord, DuesPayment, OrgLifeMeeting

# Dues are rarely paid more than a year ahead; a longer span is almost surely a typo.
MAX_DUES_MONTHS = 24


def _not_future(day: datetime.date | None, as_of: datetime.date, field: str, label: str):
    if day is not None and day > as_of:
        raise ValidationError({field: f"{label}{format_cn_date(day)}晚于今天"})


def branch_roster(organization: Organization):
    """The members a branch records 组织生活 and 党费 for: those on its own roster."""
    return Member.objects.filter(organization=organization, status__in=ON_ROSTER).order_by(
        "name", "id"
    )


# ---- 组织生活 -----------------------------------------------------------------------------------


def _check_attendance(
    organization: Organization, attendance: dict[int, tuple[str, str]], *, already=()
):
    """attendance: member id → (status, reason). Every member must be on the branch's roster
    (or `already` recorded at this meeting, for a correction); leave needs a reason."""
    if not attendance:
        raise ValidationError({"attendance": "请至少登记一名党员的出席情况"})
    roster = {m.pk: m for m in branch_roster(organization)}
    roster.update({m.pk: m for m in Member.objects.filter(pk__in=already)})
    errors = []
    for member_id, (status, reason) in attendance.items():
        member = roster.get(member_id)
        if member is None:
            errors.append(f"编号 {member_id} 的党员不在{organization.name}的党员名册上")
            continue
        if status not in AttendanceStatus.values:
            errors.append(f"{member.name}：出席情况“{status}”无效")
        elif status == AttendanceStatus.EXCUSED and not reason.strip():
            errors.append(f"{member.name}：请假须写明事由（因外出请假请写明“外出”）")
    if errors:
        raise ValidationError({"attendance": errors})


def _write_attendance(meeting: OrgLifeMeeting, attendance: dict[int, tuple[str, str]]):
    # One save per row (a branch is tens of members): each is an audited change.
    for member_id, (status, reason) in attendance.items():
        Attendance(
            meeting=meeting,
            member_id=member_id,
            organization=meeting.organization,
            date=meeting.date,
            status=status,
            reason=reason.strip(),
        ).save()


@service
def meeting_record(
    *,
    organization: Organization,
    date: datetime.date,
    kind: str,
    topic: str,
    attendance: dict[int, tuple[str, str]],
    acting_user,
    as_of: datetime.date,
    notes: str = "",
) -> OrgLifeMeeting:
    """A 组织生活 of `organization` with the attendance of its members."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    authorize(acting_user, Perm.EDIT_MEMBERS, organization, what=f"“{organization.name}”")
    _not_future(date, as_of, "date", "日期")
    if kind not in OrgLifeKind.values:
        raise ValidationError({"kind": "请选择组织生活的形式"})
    if not topic.strip():
        raise ValidationError({"topic": "请填写主题"})
    _check_attendance(organization, attendance)
    meeting = OrgLifeMeeting(
        organization=organization,
        date=date,
        kind=kind,
        topic=topic.strip(),
        notes=notes,
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    meeting.full_clean()
    meeting.save()
    _write_attendance(meeting, attendance)
    books_and_gaps_after_records(organization, date)
    refresh_gaps(attendance)
    return meeting


@service
def meeting_update(
    *,
    meeting: OrgLifeMeeting,
    date: datetime.date,
    kind: str,
    topic: str,
    attendance: dict[int, tuple[str, str]],
    acting_user,
    as_of: datetime.date,
    notes: str = "",
) -> OrgLifeMeeting:
    """Correct a meeting and replace its attendance (members who left the roster since keep
    their row)."""
    meeting = _lock_meeting(meeting, acting_user)
    _not_future(date, as_of, "date", "日期")
    if not topic.strip():
        raise ValidationError({"topic": "请填写主题"})
    _check_attendance(
        meeting.organization,
        attendance,
        already=list(meeting.attendances.values_list("member_id", flat=True)),
    )
    meeting.date, meeting.kind, meeting.topic, meeting.notes = date, kind, topic.strip(), notes
    meeting.full_clean()
    meeting.save()
    existing = {a.member_id: a for a in meeting.attendances.all()}
    for member_id, (status, reason) in attendance.items():
        row = existing.pop(member_id, None)
        if row is None:
            _write_attendance(meeting, {member_id: (status, reason)})
        elif (row.status, row.reason, row.date) != (status, reason.strip(), date):
            row.status, row.reason, row.date = status, reason.strip(), date
            row.save()
    Attendance.objects.filter(meeting=meeting).exclude(date=date).update(date=date)
    _books_after_change(meeting.organization)
    refresh_gaps(meeting.attendances.values_list("member_id", flat=True))
    return meeting


def _lock_meeting(meeting: OrgLifeMeeting, acting_user) -> OrgLifeMeeting:
    meeting = (
        OrgLifeMeeting.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=meeting.pk)
    )
    authorize(acting_user, Perm.EDIT_MEMBERS, meeting.organization, what="该组织生活")
    return meeting


@service
def meeting_delete(*, meeting: OrgLifeMeeting, acting_user) -> None:
    meeting = _lock_meeting(meeting, acting_user)
    member_ids = []
    for row in meeting.attendances.all():
        member_ids.append(row.member_id)
        row.delete()  # one audit row each: the evidence removed is named
    organization = meeting.organization
    meeting.delete()
    _books_after_change(organization)
    refresh_gaps(member_ids)


# ---- 党费 -------------------------------------------------------------------------------------


def check_dues(
    *,
    member: Member,
    amount,
    month_from: datetime.date,
    month_to: datetime.date,
    paid_on: datetime.date,
    as_of: datetime.date,
) -> dict[str, str]:
    """The errors of one payment, by field (empty when it is fine): shared by the form and the
    ledger import."""
    errors = {}
    if amount is None or Decimal(amount) <= 0:
        errors["amount"] = "金额应大于0"
    if month_to < month_from:
        errors["month_to"] = "截止月份不能早于起始月份"
    elif (
        month_to.year - month_from.year
    ) * 12 + month_to.month - month_from.month + 1 > MAX_DUES_MONTHS:
        errors["month_to"] = f"一次交纳最多{MAX_DUES_MONTHS}个月"
    if paid_on > as_of:
        errors["paid_on"] = f"交纳日期{format_cn_date(paid_on)}晚于今天"
    if member.status not in ON_ROSTER:
        errors["member"] = f"{member.name}已不在党员名册上（{member.get_status_display()}）"
    return errors


@service
def dues_record(
    *,
    member: Member,
    amount,
    month_from: datetime.date,
    month_to: datetime.date,
    paid_on: datetime.date,
    acting_user,
    as_of: datetime.date,
    note: str = "",
) -> DuesPayment:
    """One payment of 党费 by a member of the roster, months as the first day of each."""
    member = _lock_member(member, acting_user)
    month_from, month_to = month_from.replace(day=1), month_to.replace(day=1)
    errors = check_dues(
        member=member,
        amount=amount,
        month_from=month_from,
        month_to=month_to,
        paid_on=paid_on,
        as_of=as_of,
    )
    if errors:
        raise ValidationError(errors)
    payment = DuesPayment(
        member=member,
        organization=member.organization,
        amount=amount,
        month_from=month_from,
        month_to=month_to,
        paid_on=paid_on,
        note=note,
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    payment.full_clean()
    payment.save()
    books_and_gaps_after_records(member.organization, paid_on)
    refresh_gaps([member.pk])
    return payment


def _lock_member(member: Member, acting_user) -> Member:
    member = (
        Member.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=member.pk)
    )
    authorize(acting_user, Perm.EDIT_MEMBERS, member.organization, what="该党员")
    return member


# ---- Other contact ------------------------------------------------------------------------------


@service
def contact_record(
    *,
    member: Member,
    date: datetime.date,
    acting_user,
    as_of: datetime.date | None = None,
    channel: str = ContactChannel.OTHER,
    by_whom: str = "",
    note: str = "",
    with_member: bool = True,
    away_since: datetime.date | None = None,
) -> ContactRecord:
    """Any contact with a member (or news of him), with an absence when there is one."""
    member = _lock_member(member, acting_user)
    if as_of is not None:
        _not_future(date, as_of, "date", "日期")
    if channel not in ContactChannel.values:
        raise ValidationError({"channel": "请选择联系方式"})
    if not with_member and not (note.strip() or away_since):
        raise ValidationError({"note": "从他人处了解的情况须写明内容"})
    record = ContactRecord(
        member=member,
        organization=member.organization,
        date=date,
        channel=channel,
        by_whom=(by_whom or str(acting_user or ""))[:60],
        with_member=with_member,
        away_since=away_since,
        note=note,
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    record.full_clean()
    record.save()
    if with_member:  # contact with the member himself is evidence (SPEC §4)
        refresh_gaps([member.pk])
    return record


def _books_after_change(organization: Organization) -> None:
    """A record was moved or removed: the derived 建账日期 of the organization and its
    ancestors is computed again (it can only move later), then their members' clocks."""
    from .books import _prefixes

    refresh_orgs(books_refresh(Organization.objects.filter(path__in=_prefixes(organization.path))))


# ---- 建账日期 ------------------------------------------------------------------------------------


@service
def books_set(
    *,
    organization: Organization,
    opened_on: datetime.date | None,
    acting_user,
    as_of: datetime.date,
) -> Organization:
    """Set (or clear, with None) the 建账日期 of an organization: from that date its 组织生活 and
    党费 records are complete. The subtree inherits it; its members' clocks are recomputed."""
    if opened_on is not None:
        _not_future(opened_on, as_of, "books_opened_on", "建账日期")
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    authorize(acting_user, Perm.EDIT_MEMBERS, organization, what=f"“{organization.name}”")
    organization.books_opened_on = opened_on
    organization.save(update_fields=["books_opened_on", "updated_at"])
    from .books import books_refresh_subtree

    refresh_orgs(books_refresh_subtree(organization))
    return organization
