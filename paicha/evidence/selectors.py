"""Reads: last evidence of contact, and the two alarms 失联 and 失控, as of any date (SPEC §4).

Every function takes the date it is "as of" and ignores evidence dated after it; none reads the
clock. Everything is computed in the database (subqueries on the (member_id, date) indexes),
so the lists work on a subtree of a million members (bench/lost_list.py).

The six-month rule (失联)
    A member on the roster is 失联 as of D when more than six months have passed since his last
    evidence L (the later of the last 组织生活 attended and the last 党费 paid, on or before D):
    ``add_months(L, 6) < D``. Last seen 2016-03-20: not 失联 on 2016-09-20 (exactly six
    months), 失联 from 2016-09-21. A member with no evidence at all on or before D counts from
    his 进入支部日期, or failing that his 入党日期 (a new member is not lost on the day he
    joins; one who never came is lost six months after he should have); a member with neither
    date cannot be counted and is left out (the roster's data-quality page lists him).
    The roster is today's (status 在册 or 保留组织关系): the system keeps no history of status.

The one-month rule (失控, seed 004 measure 2)
    A member on the roster is 失控 as of D when he is known to be away since a date S,
    ``add_months(S, 1) < D``, and he has not reported it: there is no contact with the member
    himself on or after S (up to D). Known to be away (each gives S):
      - an open 流动党员 record (transfers app) on D whose member has not reported to the
        organization at the destination: S = the date he left;
      - leave from a 组织生活 with a reason that says 外出: S = that meeting's date;
      - a 联系记录 about the member heard from someone else, with a 外出日期: S = that date.
    Contact with the member himself: a 组织生活 attended, 党费 paid, or a 联系记录 with the
    member; a record in which the member reports his going away counts from its 外出日期 (the
    report made before leaving covers the absence it announces). When several absences are
    known, S is the earliest one after the last contact.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Case, DateField, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When,
)
from django.db.models.functions import (
    Coalesce, ExtractDay, ExtractMonth, ExtractYear, Greatest, Least, NullIf,
)

from django.db.models.lookups import GreaterThan

from paicha.codes import AttendanceStatus, MemberStatus
from paicha.core.dates import add_months
from paicha.members.models import ON_ROSTER, Member

from .gaps import catch_up
from .models import AWAY_WORD, Attendance, ContactRecord, DuesPayment, EvidenceGap

LOST_AFTER_MONTHS = 6
UNCONTROLLED_AFTER_MONTHS = 1

_NEVER = datetime.date(1, 1, 1)
_FOREVER = datetime.date(9999, 12, 31)


# ---- Dates -----------------------------------------------------------------------------------


def latest_start(as_of: datetime.date, months: int) -> datetime.date:
    """The latest date S with ``add_months(S, months) < as_of``: evidence on or before it is
    more than `months` months old on as_of. (add_months never decreases as S grows, so every
    earlier date qualifies too.)"""
    day = add_months(as_of, -months) + datetime.timedelta(days=3)
    while add_months(day, months) >= as_of:
        day -= datetime.timedelta(days=1)
    return day


def months_between_expr(start, as_of: datetime.date):
    """Whole months from the date expression `start` to as_of, in the database, exactly as
    core.dates.months_between: the largest n with add_months(start, n) <= as_of."""
    last_day = (add_months(as_of.replace(day=1), 1) - datetime.timedelta(days=1)).day
    months = (Value(as_of.year * 12 + as_of.month) - ExtractYear(start) * 12
              - ExtractMonth(start))
    if as_of.day == last_day:
        return months  # add_months clamps to the month's end: never past as_of
    return months - Case(When(GreaterThan(ExtractDay(start), as_of.day), then=Value(1)),
                         default=Value(0), output_field=IntegerField())


def _latest(*expressions):
    """The latest of date expressions, NULL when all are NULL, on SQLite as on PostgreSQL
    (SQLite's MAX(a, NULL) is NULL; PostgreSQL's GREATEST ignores NULLs)."""
    return NullIf(Greatest(*[Coalesce(e, Value(_NEVER), output_field=DateField())
                             for e in expressions], output_field=DateField()),
                  Value(_NEVER), output_field=DateField())


def _earliest(*expressions):
    return NullIf(Least(*[Coalesce(e, Value(_FOREVER), output_field=DateField())
                          for e in expressions], output_field=DateField()),
                  Value(_FOREVER), output_field=DateField())


def _last(queryset, date_field: str):
    return Subquery(queryset.order_by(f"-{date_field}").values(date_field)[:1],
                    output_field=DateField())


# ---- Evidence --------------------------------------------------------------------------------


def _attended(as_of):
    return Attendance.objects.filter(member=OuterRef("pk"), status=AttendanceStatus.PRESENT,
                                     date__lte=as_of)


def _paid(as_of):
    return DuesPayment.objects.filter(member=OuterRef("pk"), paid_on__lte=as_of)


def _contacted(as_of):
    return ContactRecord.objects.filter(member=OuterRef("pk"), with_member=True, date__lte=as_of)


def last_org_life_or_dues(member: Member, *, as_of: datetime.date) -> datetime.date | None:
    """The latest date on or before as_of of a 组织生活 the member attended or of a 党费
    payment: the start of 与党组织失去联系时间 (the forms' own definition)."""
    life = (Attendance.objects.filter(member=member, status=AttendanceStatus.PRESENT,
                                      date__lte=as_of)
            .order_by("-date").values_list("date", flat=True).first())
    dues = (DuesPayment.objects.filter(member=member, paid_on__lte=as_of)
            .order_by("-paid_on").values_list("paid_on", flat=True).first())
    return max((d for d in (life, dues) if d is not None), default=None)


def annotate_last_evidence(members_qs: QuerySet, *, as_of: datetime.date) -> QuerySet:
    """Add `last_org_life`, `last_dues`, `last_contact` (any evidence, other recorded contact
    with the member included) and `last_evidence` (the later of last_org_life and last_dues),
    each the latest on or before as_of, or None."""
    return members_qs.annotate(
        last_org_life=_last(_attended(as_of), "date"),
        last_dues=_last(_paid(as_of), "paid_on"),
        last_contact_record=_last(_contacted(as_of), "date"),
    ).annotate(
        last_evidence=_latest(F("last_org_life"), F("last_dues")),
        last_contact=_latest(F("last_org_life"), F("last_dues"), F("last_contact_record")),
    )


def _fallback_start():
    return Coalesce("branch_entry_date", "join_date", output_field=DateField())


# ---- 失联 ------------------------------------------------------------------------------------


def lost_gaps(*, as_of: datetime.date) -> QuerySet:
    """The EvidenceGap rows that make their member 失联 on as_of (models.EvidenceGap)."""
    cutoff = latest_start(as_of, LOST_AFTER_MONTHS)
    return EvidenceGap.objects.filter(Q(open_since__lte=cutoff)
                                      | Q(seen_on__lte=cutoff, next_seen__gt=as_of))


def lost_members(members_qs: QuerySet, *, as_of: datetime.date) -> QuerySet:
    """Members of `members_qs` on the roster who are 失联 as of as_of (module docstring),
    annotated as `annotate_last_evidence` plus `lost_since` (the day the count starts: the last
    evidence, or the 进入支部日期 / 入党日期 of a member never seen) and `months_lost` (whole
    months from it to as_of).

    Who is lost, and since when, comes from EvidenceGap (a range on its `open_since` index,
    joined to the members by key); the other dates from the evidence itself, which a database
    paging the list computes only for the rows it returns (bench/lost_list.py). The result is
    the same as `lost_members_by_rule` (tested on random histories).
    """
    catch_up()
    cutoff = latest_start(as_of, LOST_AFTER_MONTHS)
    # A join, not a semi-join: the stretch that makes him lost also gives the start of the
    # count. A member's stretches do not overlap, so at most one matches a date.
    members = members_qs.filter(status__in=ON_ROSTER).filter(
        Q(evidence_gaps__open_since__lte=cutoff)
        | Q(evidence_gaps__seen_on__lte=cutoff, evidence_gaps__next_seen__gt=as_of))
    members = members.annotate(lost_since=Coalesce(
        "evidence_gaps__open_since", "evidence_gaps__seen_on", output_field=DateField()))
    members = members.annotate(months_lost=months_between_expr(F("lost_since"), as_of))
    return annotate_last_evidence(members, as_of=as_of)


def lost_members_by_rule(members_qs: QuerySet, *, as_of: datetime.date) -> QuerySet:
    """The same members as `lost_members`, straight from the evidence tables (an anti-join
    over the six-month window) without EvidenceGap: the definition the tests hold
    `lost_members` to, and the way to check the derived rows on a live database."""
    cutoff = latest_start(as_of, LOST_AFTER_MONTHS)
    recent_life = Attendance.objects.filter(member=OuterRef("pk"),
                                            status=AttendanceStatus.PRESENT,
                                            date__gt=cutoff, date__lte=as_of)
    recent_dues = DuesPayment.objects.filter(member=OuterRef("pk"), paid_on__gt=cutoff,
                                             paid_on__lte=as_of)
    older_life = Attendance.objects.filter(member=OuterRef("pk"),
                                           status=AttendanceStatus.PRESENT, date__lte=cutoff)
    older_dues = DuesPayment.objects.filter(member=OuterRef("pk"), paid_on__lte=cutoff)
    return (members_qs.filter(status__in=ON_ROSTER)
            .alias(_fallback=_fallback_start())
            .filter(~Exists(recent_dues), ~Exists(recent_life))
            # Seen before the window, or never seen and on the roster since before it.
            .filter(Q(_fallback__lte=cutoff) | Exists(older_dues) | Exists(older_life)))


def is_lost(member: Member, *, as_of: datetime.date) -> bool:
    return lost_members(Member.objects.filter(pk=member.pk), as_of=as_of).exists()


def lost_split(members_qs: QuerySet, *, as_of: datetime.date) -> tuple[QuerySet, QuerySet]:
    """The 失联 list in two parts: members to search for, and those shown apart — abroad with
    保留组织关系, or flowing with an open flow record that is being followed (SPEC §4)."""
    lost = lost_members(members_qs, as_of=as_of)
    apart = Q(status=MemberStatus.RETAINED) | Q(flowing=True)
    return lost.exclude(apart), lost.filter(apart)


# ---- 失控 ------------------------------------------------------------------------------------


def _away_signals(as_of: datetime.date, after):
    """Subqueries of the start dates of known absences of the member (OuterRef pk) that begin
    after `after` (an expression) and on or before as_of, earliest first."""
    signals = [
        Attendance.objects.filter(member=OuterRef("pk"), status=AttendanceStatus.EXCUSED,
                                  reason__contains=AWAY_WORD, date__lte=as_of, date__gt=after)
        .order_by("date").values("date")[:1],
        ContactRecord.objects.filter(member=OuterRef("pk"), with_member=False,
                                     away_since__isnull=False, date__lte=as_of,
                                     away_since__lte=as_of, away_since__gt=after)
        .order_by("away_since").values("away_since")[:1],
    ]
    flow = _open_unreported_flows(as_of)
    if flow is not None:
        signals.append(flow.filter(since__gt=after).order_by("since").values("since")[:1])
    return [Subquery(s, output_field=DateField()) for s in signals]


def _open_unreported_flows(as_of: datetime.date):
    """Flow records (transfers app) running on as_of whose member has not reported at the
    destination; None while that app has no flow records."""
    try:
        from paicha.transfers.models import FlowRecord
    except ImportError:
        return None
    return FlowRecord.objects.filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=as_of),
        member=OuterRef("pk"), since__lte=as_of, reported=False)


def _away_candidates(as_of: datetime.date) -> Q:
    """Members with any known absence by as_of: a cheap pre-filter (hashed IN lists)."""
    q = Q(pk__in=Attendance.objects.filter(status=AttendanceStatus.EXCUSED,
                                           reason__contains=AWAY_WORD, date__lte=as_of)
          .values("member_id"))
    q |= Q(pk__in=ContactRecord.objects.filter(with_member=False, away_since__isnull=False,
                                               date__lte=as_of, away_since__lte=as_of)
           .values("member_id"))
    flows = _open_unreported_flows(as_of)
    if flows is not None:
        q |= Q(pk__in=flows.model.objects.filter(
            Q(closed_on__isnull=True) | Q(closed_on__gt=as_of), since__lte=as_of,
            reported=False).values("member_id"))
    return q


def uncontrolled_members(members_qs: QuerySet, *, as_of: datetime.date) -> QuerySet:
    """Members of `members_qs` on the roster who are 失控 as of as_of (module docstring),
    annotated with `last_self_contact` (the last contact with the member himself, a report of
    going away counted from its 外出日期), `away_since` (S), `away_source` (流动 / 请假外出 /
    他人反映) and `months_away`."""
    cutoff = latest_start(as_of, UNCONTROLLED_AFTER_MONTHS)
    self_reported = ContactRecord.objects.filter(member=OuterRef("pk"), with_member=True,
                                                 date__lte=as_of)
    members = members_qs.filter(status__in=ON_ROSTER).filter(_away_candidates(as_of)).annotate(
        _life=_last(_attended(as_of), "date"),
        _dues=_last(_paid(as_of), "paid_on"),
        _said=Subquery(self_reported.annotate(
            effective=Greatest("date", Coalesce("away_since", "date"), output_field=DateField()))
            .order_by("-effective").values("effective")[:1], output_field=DateField()),
    ).annotate(
        last_self_contact=_latest(F("_life"), F("_dues"), F("_said")),
    )
    after = Coalesce(OuterRef("last_self_contact"), Value(_NEVER), output_field=DateField())
    life_away, note_away, *flow_away = _away_signals(as_of, after)
    members = members.annotate(_s_life=life_away, _s_note=note_away)
    starts = [F("_s_life"), F("_s_note")]
    if flow_away:
        members = members.annotate(_s_flow=flow_away[0])
        starts.append(F("_s_flow"))
    members = members.annotate(away_since=_earliest(*starts)).filter(away_since__lte=cutoff)
    sources = [When(_s_life=F("away_since"), then=Value("请假外出")),
               When(_s_note=F("away_since"), then=Value("他人反映外出"))]
    if flow_away:
        sources.insert(0, When(_s_flow=F("away_since"), then=Value("流动未报到")))
    return members.annotate(
        away_source=Case(*sources, default=Value("")),
    ).annotate(
        months_away=months_between_expr(F("away_since"), as_of))


# ---- 党费 arrears ----------------------------------------------------------------------------


def annotate_dues_arrears(members_qs: QuerySet, *, as_of: datetime.date) -> QuerySet:
    """Add `dues_paid_to` (first day of the last month covered by a payment made on or before
    as_of) and `months_in_arrears` (months after it up to as_of's month; 0 when paid ahead)."""
    paid_to = _last(DuesPayment.objects.filter(member=OuterRef("pk"), paid_on__lte=as_of),
                    "month_to")
    month_index = as_of.year * 12 + as_of.month
    return members_qs.annotate(dues_paid_to=paid_to).annotate(
        months_in_arrears=Case(
            When(dues_paid_to__isnull=True, then=Value(None)),
            default=Greatest(Value(0), Value(month_index) - ExtractYear("dues_paid_to") * 12
                             - ExtractMonth("dues_paid_to")),
            output_field=IntegerField()))


# ---- 排查前在册失联党员 (seed 000 附件3 说明 2) ------------------------------------------------


@dataclass
class PreCampaignLost:
    """Members lost before a campaign starts: the 失联 on the roster, plus members transferred
    out since 2007 whose receipt never came back (the transfers app's open items)."""

    as_of: datetime.date
    lost: QuerySet
    unreceipted: QuerySet | None  # transfers; None when the transfers app cannot say
    missing: list[str] = field(default_factory=list)

    @property
    def member_ids(self) -> set[int]:
        ids = set(self.lost.values_list("pk", flat=True))
        if self.unreceipted is not None:
            ids |= set(self.unreceipted.values_list("member_id", flat=True))
        return ids

    @property
    def total(self) -> int:
        return len(self.member_ids)

    @property
    def overlap(self) -> int:
        if self.unreceipted is None:
            return 0
        return len(set(self.lost.values_list("pk", flat=True))
                   & set(self.unreceipted.values_list("member_id", flat=True)))


def pre_campaign_lost(*, org, as_of: datetime.date) -> PreCampaignLost:
    """排查前在册失联党员 of org's subtree as of a campaign's start date."""
    lost = lost_members(Member.objects.in_subtree(org), as_of=as_of)
    try:
        from paicha.transfers.selectors import unreceipted_transfers_out
    except ImportError:
        return PreCampaignLost(as_of, lost, None, [
            "2007年以来组织关系转出后未收到回执的党员：组织关系转接功能尚未提供，暂不能统计"])
    return PreCampaignLost(as_of, lost, unreceipted_transfers_out(None, org=org, as_of=as_of))


# ---- marks on a roster ------------------------------------------------------------------------


def roster_marks(members_qs: QuerySet, *, as_of: datetime.date,
                 books_opened_on: datetime.date | None = None) -> dict[int, str]:
    """Member id → "失联" or "无记录待核实" for the members of `members_qs` that carry either
    mark on as_of (the others are absent): what a branch must see beside each name when it
    records attendance. 无记录待核实: no evidence at all, or none since the 建账日期."""
    marks = {pk: "失联" for pk in lost_members(members_qs, as_of=as_of).values_list("pk", flat=True)}
    unrecorded = annotate_last_evidence(members_qs.filter(status__in=ON_ROSTER), as_of=as_of)
    if books_opened_on is not None:
        unrecorded = unrecorded.filter(Q(last_evidence__isnull=True)
                                       | Q(last_evidence__lt=books_opened_on))
    else:
        unrecorded = unrecorded.filter(last_evidence__isnull=True)
    for pk in unrecorded.values_list("pk", flat=True):
        marks[pk] = f"{marks[pk]}，无记录待核实" if pk in marks else "无记录待核实"
    return marks
