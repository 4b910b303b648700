"""Reads: last evidence of contact, and the two alarms 失联 and 失控, as of any date (SPEC §4).

Every function takes the date it is "as of" and ignores evidence dated after it; none reads the
clock. Everything is computed in the database (subqueries on the (member_id, date) indexes),
so the lists work on a subtree of a million members (bench/lost_list.py).

The six-month rule (失联)
    Evidence of contact: every 组织生活 attended, every 党费 paid, every contact with the member
    himself (a 联系记录 that reached him, a search that reached him, contact regained by a
    case), and the roster's declared dates of the last 组织生活 / 党费. A contact attempt that
    reached nobody is not evidence. Evidence dated after D is ignored.
    The member's clock starts at the latest of: his last evidence on or before D, his 进入支部日期
    (or 入党日期), and the 建账日期 in force for his organization (books.py). A member with none
    of these cannot be counted and is left out (the data-quality page lists him).
    Boundaries follow the legal convention (以上 includes the number, 超过 excludes it):
      - 失联 ("6个月以上", the list and the registers): lost on D when add_months(start, 6) <= D.
        Last seen 2016-03-20: lost from 2016-09-20; the list marks members at exactly six
        months (恰满6个月) so that it reconciles with the next number;
      - 超过六个月 (附件5 A, the disposition threshold): add_months(start, 6) < D.
    无记录待核实: no evidence since the 建账日期 (the clock started at the 建账日期 or the
    member's entry, not at a record); such a member becomes 失联 like anyone else.
    The roster is the one of D (`Member.objects.on_roster_on`): a member removed, dead or
    transferred out after D is on it; one who left before D is not.

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
from collections import Counter
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import (
    Coalesce,
    ExtractDay,
    ExtractMonth,
    ExtractYear,
    Greatest,
    Least,
    NullIf,
)
from django.db.models.lookups import GreaterThan

from paicha.codes import AttendanceStatus, MemberStatus
from paicha.core.dates import add_months
from paicha.members.models import ON_ROSTER, Member
from paicha.organizations.tree import subtree_q
from paicha.transfers.models import FlowRecord
from paicha.transfers.selectors import unreceipted_transfers_out

from .gaps import catch_up_soon
from .models import (
    AWAY_WORD,
    Attendance,
    AwaySignal,
    AwaySource,
    BooksDate,
    ContactRecord,
    DuesPayment,
    EvidenceGap,
)

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
    months = Value(as_of.year * 12 + as_of.month) - ExtractYear(start) * 12 - ExtractMonth(start)
    if as_of.day == last_day:
        return months  # add_months clamps to the month's end: never past as_of
    return months - Case(
        When(GreaterThan(ExtractDay(start), as_of.day), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def _latest(*expressions):
    """The latest of date expressions, NULL when all are NULL, on SQLite as on PostgreSQL
    (SQLite's MAX(a, NULL) is NULL; PostgreSQL's GREATEST ignores NULLs)."""
    return NullIf(
        Greatest(
            *[Coalesce(e, Value(_NEVER), output_field=DateField()) for e in expressions],
            output_field=DateField(),
        ),
        Value(_NEVER),
        output_field=DateField(),
    )


def _earliest(*expressions):
    return NullIf(
        Least(
            *[Coalesce(e, Value(_FOREVER), output_field=DateField()) for e in expressions],
            output_field=DateField(),
        ),
        Value(_FOREVER),
        output_field=DateField(),
    )


def _last(queryset, date_field: str):
    return Subquery(
        queryset.order_by(f"-{date_field}").values(date_field)[:1], output_field=DateField()
    )


# ---- Evidence --------------------------------------------------------------------------------


def _attended(as_of):
    return Attendance.objects.filter(
        member=OuterRef("pk"), status=AttendanceStatus.PRESENT, date__lte=as_of
    )


def _paid(as_of):
    return DuesPayment.objects.filter(member=OuterRef("pk"), paid_on__lte=as_of)


def _contacted(as_of):
    return ContactRecord.objects.filter(member=OuterRef("pk"), with_member=True, date__lte=as_of)


def _declared(field: str, as_of: datetime.date):
    """A date the roster file declared, when it is on or before as_of."""
    return Case(
        When(**{f"{field}__lte": as_of}, then=F(field)),
        default=Value(None),
        output_field=DateField(),
    )


def last_org_life_or_dues(member: Member, *, as_of: datetime.date) -> datetime.date | None:
    """The latest date on or before as_of of a 组织生活 the member attended or of a 党费
    payment (the roster's declared dates included): the start of 与党组织失去联系时间 (the
    forms' own definition)."""
    life = (
        Attendance.objects.filter(member=member, status=AttendanceStatus.PRESENT, date__lte=as_of)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    dues = (
        DuesPayment.objects.filter(member=member, paid_on__lte=as_of)
        .order_by("-paid_on")
        .values_list("paid_on", flat=True)
        .first()
    )
    declared = [
        d
        for d in (member.declared_last_org_life, member.declared_last_dues)
        if d is not None and d <= as_of
    ]
    return max((d for d in (life, dues, *declared) if d is not None), default=None)


def annotate_last_evidence(members_qs: QuerySet, *, as_of: datetime.date) -> QuerySet:
    """Add, each the latest on or before as_of or None: `last_org_life` (attended, or the
    roster's declared date), `last_dues` (paid, or declared), `last_contact_record` (a contact
    with the member himself), and `last_evidence` = `last_contact`, the latest of them all:
    the last evidence of contact (SPEC §4)."""
    return (
        members_qs.annotate(
            _attended=_last(_attended(as_of), "date"),
            _paid=_last(_paid(as_of), "paid_on"),
            last_contact_record=_last(_contacted(as_of), "date"),
        )
        .annotate(
            last_org_life=_latest(F("_attended"), _declared("declared_last_org_life", as_of)),
            last_dues=_latest(F("_paid"), _declared("declared_last_dues", as_of)),
        )
        .annotate(
            last_evidence=_latest(F("last_org_life"), F("last_dues"), F("last_contact_record")),
            last_contact=F("last_evidence"),
        )
    )


def _fallback_start():
    return Coalesce("branch_entry_date", "join_date", output_field=DateField())


# ---- 失联 ------------------------------------------------------------------------------------


def latest_start_inclusive(as_of: datetime.date, months: int) -> datetime.date:
    """The latest date S with ``add_months(S, months) <= as_of`` ("6个月以上")."""
    day = add_months(as_of, -months) + datetime.timedelta(days=3)
    while add_months(day, months) > as_of:
        day -= datetime.timedelta(days=1)
    return day


def on_roster_q(as_of: datetime.date, prefix: str = "") -> Q:
    """Members on the roster on as_of (Member.objects.on_roster_on, for any queryset)."""
    return Q(**{f"{prefix}status__in": ON_ROSTER}) | Q(**{f"{prefix}status_date__gt": as_of})


def _running_on(as_of: datetime.date, prefix: str = "evidence_gaps__") -> Q:
    return Q(**{f"{prefix}until__isnull": True}) | Q(**{f"{prefix}until__gt": as_of})


def _subtree_bounds(members_qs: QuerySet) -> tuple[str | None, str | None]:
    """The narrowest org_path range [low, high) the members' filters put on the members'
    own `org_path` (the subtree of `in_subtree` / `visible_to`), or None where there is none.
    Only conditions every row must meet are read: those joined by AND, not negated."""
    from django.db.models.lookups import GreaterThanOrEqual, LessThan
    from django.db.models.sql.where import AND

    base = members_qs.model._meta.db_table
    lows, highs = [], []

    def walk(node):
        if getattr(node, "negated", False) or getattr(node, "connector", AND) != AND:
            return
        for child in node.children:
            if hasattr(child, "children"):
                walk(child)
                continue
            lhs = getattr(child, "lhs", None)
            target = getattr(lhs, "target", None)
            if (
                target is None
                or target.name != "org_path"
                or target.model is not Member
                or getattr(lhs, "alias", None) != base
                or not isinstance(child.rhs, str)
            ):
                continue
            if isinstance(child, GreaterThanOrEqual):
                lows.append(child.rhs)
            elif isinstance(child, LessThan):
                highs.append(child.rhs)

    walk(members_qs.query.where)
    return (max(lows) if lows else None), (min(highs) if highs else None)


def _gaps_in_subtree(members_qs: QuerySet, prefix: str = "evidence_gaps__") -> Q:
    """The members' subtree said again on their EvidenceGap rows, which carry the member's
    org_path (gaps.py copies it, organizations.services.org_move rewrites it): the stretches
    are then a range of the subtree on their own index, not of the whole database."""
    low, high = _subtree_bounds(members_qs)
    q = Q()
    if low is not None:
        q &= Q(**{f"{prefix}org_path__gte": low})
    if high is not None:
        q &= Q(**{f"{prefix}org_path__lt": high})
    return q


def lost_members(members_qs: QuerySet, *, as_of: datetime.date) -> QuerySet:
    """Members of `members_qs` on the roster of as_of who are 失联 on as_of ("6个月以上",
    inclusive), annotated as `annotate_last_evidence` plus `lost_since` (the day the clock
    starts), `lost_on` (the day he became 失联), `months_lost` (whole months from lost_since to
    as_of), `exactly_six` (恰满6个月: lost_on is as_of itself) and `unverified` (无记录待核实).

    Who is lost, and since when, comes from EvidenceGap (a range on its indexes, joined to the
    members by key); the other dates from the evidence itself, which a database paging the list
    computes only for the rows it returns (bench/lost_list.py). The result is the same as
    `lost_members_by_rule` (tested on random histories).
    """
    catch_up_soon()
    # A join, not a semi-join: the stretch that makes him lost also gives the start of the
    # count. A member's stretches do not overlap, so at most one matches a date.
    members = members_qs.filter(on_roster_q(as_of)).filter(
        _running_on(as_of), _gaps_in_subtree(members_qs), evidence_gaps__lost_on__lte=as_of
    )
    members = members.annotate(
        lost_since=F("evidence_gaps__start"),
        lost_on=F("evidence_gaps__lost_on"),
        unverified=F("evidence_gaps__unverified"),
        exactly_six=Case(
            When(evidence_gaps__lost_on=as_of, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )
    members = members.annotate(months_lost=months_between_expr(F("lost_since"), as_of))
    return annotate_last_evidence(members, as_of=as_of)


def off_roster_on(as_of: datetime.date) -> QuerySet:
    """Members who had left the roster by as_of (removed, transferred out, dead …): a few per
    cent of the members, read on the partial index member_off_roster."""
    return Member.objects.exclude(status__in=ON_ROSTER).exclude(status_date__gt=as_of)


def _running_stretches(org, as_of: datetime.date) -> QuerySet:
    """The stretches of org's subtree running on as_of whose member is on the roster of as_of:
    a range of the subtree on the stretches' own index, the roster checked against the few
    members who have left it instead of a lookup of every member."""
    catch_up_soon()
    return EvidenceGap.objects.filter(subtree_q(org.path), _running_on(as_of, prefix="")).exclude(
        member_id__in=off_roster_on(as_of).values("pk")
    )


def lost_stretches(org, *, as_of: datetime.date) -> QuerySet:
    """The stretch that makes each member of org's subtree 失联 on as_of (on the roster of
    as_of; one stretch per member, they do not overlap): the same members as
    ``lost_members(Member.objects.in_subtree(org), as_of=as_of)`` (tested), without a lookup
    of every lost member. For counts at the top of a province."""
    return _running_stretches(org, as_of).filter(lost_on__lte=as_of)


def unverified_stretches(org, *, as_of: datetime.date) -> QuerySet:
    """The running stretch of each member of org's subtree on the roster of as_of who is 无记录
    待核实 on as_of (lost or not yet): the same members as ``unverified_members`` of the
    subtree."""
    return _running_stretches(org, as_of).filter(unverified=True, start__lte=as_of)


def lost_counts_by_day(org, days: list[datetime.date]) -> list[int]:
    """How many members of org's subtree are 失联 on each of `days`, in one pass over the
    stretches that may count on one of them; the roster of each day is checked against the few
    members who had left it by then, not by a lookup of every lost member.
    The same numbers as ``lost_counts_on`` (tested)."""
    if not days:
        return []
    catch_up_soon()
    stretches = EvidenceGap.objects.filter(subtree_q(org.path), lost_on__lte=max(days)).filter(
        Q(until__isnull=True) | Q(until__gt=min(days))
    )
    counts = stretches.aggregate(
        **{
            f"d{i}": Count(
                "pk",
                filter=_running_on(d, prefix="")
                & Q(lost_on__lte=d)
                & ~Q(member_id__in=off_roster_on(d).values("pk")),
            )
            for i, d in enumerate(days)
        }
    )
    return [counts[f"d{i}"] for i in range(len(days))]


def over_six_months(members_qs: QuerySet, *, as_of: datetime.date) -> QuerySet:
    """Members on the roster of as_of lost 超过六个月 on as_of (exclusive): add_months(start, 6)
    < as_of. Every one of them is in `lost_members`; those at exactly six months are not here."""
    catch_up_soon()
    return members_qs.filter(on_roster_q(as_of)).filter(
        _running_on(as_of), _gaps_in_subtree(members_qs), evidence_gaps__lost_on__lt=as_of
    )


def unverified_members(members_qs: QuerySet, *, as_of: datetime.date) -> QuerySet:
    """无记录待核实 on as_of: members on the roster of as_of whose clock is running on as_of
    without any evidence since the 建账日期 (lost or not yet), annotated with `lost_since`,
    `lost_on` and `lost` (whether they are 失联 already)."""
    catch_up_soon()
    return (
        members_qs.filter(on_roster_q(as_of))
        .filter(
            _running_on(as_of),
            _gaps_in_subtree(members_qs),
            evidence_gaps__unverified=True,
            evidence_gaps__start__lte=as_of,
        )
        .annotate(
            lost_since=F("evidence_gaps__start"),
            lost_on=F("evidence_gaps__lost_on"),
            lost=Case(
                When(evidence_gaps__lost_on__lte=as_of, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
    )


def lost_cohort(members_qs: QuerySet, *, start: datetime.date, end: datetime.date) -> QuerySet:
    """附件5 A: members on the roster at some time in [start, end] who were lost 超过六个月 at
    some date of [start, end] (while on the roster), case or no case (SPEC §9).

    A stretch makes its member 超过六个月 on the days t with over_on <= t < until; he is on the
    roster on t while t < status_date (when he has left). So some t of [start, end] qualifies
    when over_on <= end, max(start, over_on) < until and max(start, over_on) < status_date."""
    catch_up_soon()
    stretches = EvidenceGap.objects.filter(member=OuterRef("pk"), over_on__lte=end).filter(
        Q(until__isnull=True) | (Q(until__gt=F("over_on")) & Q(until__gt=start))
    )
    roster = Q(member__status__in=ON_ROSTER) | (
        Q(member__status_date__gt=F("over_on")) & Q(member__status_date__gt=start)
    )
    return members_qs.filter(Exists(stretches.filter(roster)))


@dataclass
class Cohort:
    """附件5 A: its members (id → his organization's path), and of them those a stretch still
    makes 超过六个月 on the period's end (no contact regained by then) and those dead by then,
    as the roster records it."""

    paths: dict[int, str]
    still_lost: set[int]
    dead: set[int]


def cohort_stretches(org, *, start: datetime.date, end: datetime.date) -> QuerySet:
    """The stretches of org's subtree that reach 超过六个月 at some date of [start, end]:
    over_on <= end (lost_on < end) and still running on some day from max(start, over_on).
    A range of the subtree on the stretches' own indexes (their org_path is the member's)."""
    catch_up_soon()
    return EvidenceGap.objects.filter(subtree_q(org.path), lost_on__lt=end).filter(
        Q(until__isnull=True) | (Q(until__gt=F("over_on")) & Q(until__gt=start))
    )


def lost_cohort_members(org, *, start: datetime.date, end: datetime.date) -> Cohort:
    """附件5 A of org's subtree: the same members as
    ``lost_cohort(Member.objects.in_subtree(org), …)``, read without a lookup per member — the
    qualifying stretches from their index, and the few members who have left the roster (the
    partial index member_off_roster) to drop those who had left before the stretch counted.
    A province's A is read in two queries whatever its size."""
    left = {
        pk: (status, left_on)
        for pk, status, left_on in Member.objects.in_subtree(org)
        .exclude(status__in=ON_ROSTER)
        .order_by()
        .values_list("pk", "status", "status_date")
    }
    counted: dict[int, str] = {}
    still: set[int] = set()
    for member_id, path, over_on, until in (
        cohort_stretches(org, start=start, end=end)
        .order_by()
        .values_list("member_id", "org_path", "over_on", "until")
    ):
        status, left_on = left.get(member_id, (None, None))
        # On the roster on some day the stretch counts: he left after it began to count.
        if status is None or (left_on is not None and left_on > max(start, over_on)):
            counted[member_id] = path
        if until is None or until > end:
            still.add(member_id)
    dead = {
        pk
        for pk, (status, left_on) in left.items()
        if status == MemberStatus.DECEASED and left_on is not None and left_on <= end
    }
    return Cohort(paths=counted, still_lost=still & counted.keys(), dead=dead & counted.keys())


def lost_members_by_rule(
    members_qs: QuerySet, *, as_of: datetime.date, exclusive: bool = False
) -> QuerySet:
    """The same members as `lost_members` (or `over_six_months` when `exclusive`), straight
    from the evidence tables and the 建账日期 without EvidenceGap (anti-joins over the window):
    the definition the tests hold the fast lists to, and a second path for the cross-checks."""
    cutoff = (
        latest_start(as_of, LOST_AFTER_MONTHS)
        if exclusive
        else latest_start_inclusive(as_of, LOST_AFTER_MONTHS)
    )

    def evidence(after, upto):
        window = {"gt": after, "lte": upto} if after else {"lte": upto}

        def dated(field):
            return {f"{field}__{k}": v for k, v in window.items()}

        return [
            Exists(
                Attendance.objects.filter(
                    member=OuterRef("pk"), status=AttendanceStatus.PRESENT, **dated("date")
                )
            ),
            Exists(DuesPayment.objects.filter(member=OuterRef("pk"), **dated("paid_on"))),
            Exists(
                ContactRecord.objects.filter(
                    member=OuterRef("pk"), with_member=True, **dated("date")
                )
            ),
            Q(**dated("declared_last_org_life")),
            Q(**dated("declared_last_dues")),
        ]

    recent = Q()
    for item in evidence(cutoff, as_of):
        recent |= item
    older = Q()
    for item in evidence(None, cutoff):
        older |= item
    books = Subquery(
        BooksDate.objects.filter(organization=OuterRef("organization_id")).values("opened_on")[:1],
        output_field=DateField(),
    )
    return (
        members_qs.filter(on_roster_q(as_of))
        .alias(_fallback=_fallback_start(), _books=books)
        .exclude(recent)
        .filter(Q(_fallback__isnull=True) | Q(_fallback__lte=cutoff))
        .filter(Q(_books__isnull=True) | Q(_books__lte=cutoff))
        # The clock has started: some evidence, an entry date or a 建账日期.
        .filter(older | Q(_fallback__isnull=False) | Q(_books__isnull=False))
    )


def is_lost(member: Member, *, as_of: datetime.date) -> bool:
    return lost_members(Member.objects.filter(pk=member.pk), as_of=as_of).exists()


# Lost members shown apart from the search: abroad with 保留组织关系, or flowing with an open
# flow record that is being followed (SPEC §4).
APART = Q(status=MemberStatus.RETAINED) | Q(flowing=True)


def lost_split(members_qs: QuerySet, *, as_of: datetime.date) -> tuple[QuerySet, QuerySet]:
    """The 失联 list in two parts: members to search for, and those shown apart (APART)."""
    lost = lost_members(members_qs, as_of=as_of)
    return lost.exclude(APART), lost.filter(APART)


def lost_list_counts(org, *, as_of: datetime.date) -> dict[str, int]:
    """The numbers the 失联 page of org's subtree prints: of the lost, those to search for,
    those apart (APART) and those at exactly six months (恰满6个月); of the 无记录待核实, all of
    them and those lost already. Two queries over the stretches, the members apart read on
    their indexes (retained by status, flowing by the partial index member_flowing_scope), not
    a lookup of every lost member; the page's rows come from `lost_split`, the same members
    (tested)."""
    from django.db.models import Count

    apart = Member.objects.in_subtree(org).filter(APART).values("pk")
    lost = lost_stretches(org, as_of=as_of).aggregate(
        lost=Count("pk"),
        apart=Count("pk", filter=Q(member_id__in=apart)),
        exactly_six=Count("pk", filter=Q(lost_on=as_of)),
    )
    unverified = unverified_stretches(org, as_of=as_of).aggregate(
        unverified=Count("pk"), unverified_lost=Count("pk", filter=Q(lost_on__lte=as_of))
    )
    return {
        "search": lost["lost"] - lost["apart"],
        "apart": lost["apart"],
        "exactly_six": lost["exactly_six"],
        **unverified,
    }


# ---- 失控 ------------------------------------------------------------------------------------


def _away_signals(as_of: datetime.date, after):
    """Subqueries of the start dates of known absences of the member (OuterRef pk) that begin
    after `after` (an expression) and on or before as_of, earliest first."""
    signals = [
        Attendance.objects.filter(
            member=OuterRef("pk"),
            status=AttendanceStatus.EXCUSED,
            reason__contains=AWAY_WORD,
            date__lte=as_of,
            date__gt=after,
        )
        .order_by("date")
        .values("date")[:1],
        ContactRecord.objects.filter(
            member=OuterRef("pk"),
            with_member=False,
            away_since__isnull=False,
            date__lte=as_of,
            away_since__lte=as_of,
            away_since__gt=after,
        )
        .order_by("away_since")
        .values("away_since")[:1],
    ]
    signals.append(
        _open_unreported_flows(as_of).filter(since__gt=after).order_by("since").values("since")[:1]
    )
    return [Subquery(s, output_field=DateField()) for s in signals]


def _open_unreported_flows(as_of: datetime.date):
    """Flow records (transfers app) running on as_of whose member has not reported at the
    destination."""
    return FlowRecord.objects.filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=as_of),
        member=OuterRef("pk"),
        since__lte=as_of,
        reported=False,
    )


def _away_candidates(as_of: datetime.date) -> Q:
    """Members with any known absence by as_of: a cheap pre-filter, one IN over the union of
    the three small sets (each a range of a partial index holding only absences), which the
    planner sizes right, unlike an OR of three IN lists."""
    life = Attendance.objects.filter(
        status=AttendanceStatus.EXCUSED, reason__contains=AWAY_WORD, date__lte=as_of
    ).values("member_id")
    notes = ContactRecord.objects.filter(
        with_member=False, away_since__isnull=False, date__lte=as_of, away_since__lte=as_of
    ).values("member_id")
    flows = FlowRecord.objects.filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=as_of), since__lte=as_of, reported=False
    ).values("member_id")
    return Q(pk__in=life.order_by().union(notes.order_by(), flows.order_by()))


def _self_contact_last(as_of: datetime.date):
    """The last contact with the member himself on or before as_of (a report of going away
    counted from its 外出日期), for the rows shown."""
    self_reported = ContactRecord.objects.filter(
        member=OuterRef("pk"), with_member=True, date__lte=as_of
    )
    said = Subquery(
        self_reported.annotate(
            effective=Greatest("date", Coalesce("away_since", "date"), output_field=DateField())
        )
        .order_by("-effective")
        .values("effective")[:1],
        output_field=DateField(),
    )
    return _latest(_last(_attended(as_of), "date"), _last(_paid(as_of), "paid_on"), said)


def _away_counting_on(as_of: datetime.date) -> Q:
    """AwaySignal rows of absences known on as_of and not yet followed by contact with the
    member himself (models.AwaySignal)."""
    return (
        Q(known_on__lte=as_of, since__lte=as_of)
        & (Q(until__isnull=True) | Q(until__gt=as_of))
        & (Q(ends_on__isnull=True) | Q(ends_on__gt=as_of))
    )


def uncontrolled_members(members_qs: QuerySet, *, as_of: datetime.date) -> QuerySet:
    """Members of `members_qs` on the roster who are 失控 as of as_of (module docstring),
    annotated with `last_self_contact` (the last contact with the member himself, a report of
    going away counted from its 外出日期), `away_since` (S), `away_source` (流动未报到 /
    请假外出 / 他人反映外出) and `months_away`.

    Who is 失控 comes from AwaySignal (the absences known, each with the first contact that
    covers it): a range of the subtree on its index, then the members by key; S is the earliest
    absence still counting. The result is the one of `uncontrolled_members_by_rule` (tested on
    random histories)."""
    catch_up_soon()
    cutoff = latest_start(as_of, UNCONTROLLED_AFTER_MONTHS)
    low, high = _subtree_bounds(members_qs)
    counting = AwaySignal.objects.filter(_away_counting_on(as_of))
    old_enough = counting.filter(since__lte=cutoff)
    if low is not None:
        old_enough = old_enough.filter(org_path__gte=low)
    if high is not None:
        old_enough = old_enough.filter(org_path__lt=high)
    # Sources sort as flow < leave < note: on the same day the flow record is named first.
    first = counting.filter(member=OuterRef("pk")).order_by("since", "source")
    members = (
        members_qs.filter(on_roster_q(as_of))
        .filter(pk__in=old_enough.values("member_id"))
        .annotate(
            away_since=Subquery(first.values("since")[:1], output_field=DateField()),
            _source=Subquery(first.values("source")[:1]),
            last_self_contact=_self_contact_last(as_of),
        )
    )
    return members.annotate(
        away_source=Case(
            *[When(_source=c.value, then=Value(c.label)) for c in AwaySource], default=Value("")
        ),
        months_away=months_between_expr(F("away_since"), as_of),
    )


def uncontrolled_members_by_rule(members_qs: QuerySet, *, as_of: datetime.date) -> QuerySet:
    """The same members and annotations as `uncontrolled_members`, straight from the evidence
    and flow records without AwaySignal (subqueries per member): the definition the tests hold
    the fast list to."""
    cutoff = latest_start(as_of, UNCONTROLLED_AFTER_MONTHS)
    self_reported = ContactRecord.objects.filter(
        member=OuterRef("pk"), with_member=True, date__lte=as_of
    )
    members = (
        members_qs.filter(on_roster_q(as_of))
        .filter(_away_candidates(as_of))
        .annotate(
            _life=_last(_attended(as_of), "date"),
            _dues=_last(_paid(as_of), "paid_on"),
            _said=Subquery(
                self_reported.annotate(
                    effective=Greatest(
                        "date", Coalesce("away_since", "date"), output_field=DateField()
                    )
                )
                .order_by("-effective")
                .values("effective")[:1],
                output_field=DateField(),
            ),
        )
        .annotate(
            last_self_contact=_latest(F("_life"), F("_dues"), F("_said")),
        )
    )
    after = Coalesce(OuterRef("last_self_contact"), Value(_NEVER), output_field=DateField())
    life_away, note_away, flow_away = _away_signals(as_of, after)
    members = members.annotate(_s_life=life_away, _s_note=note_away, _s_flow=flow_away)
    members = members.annotate(
        away_since=_earliest(F("_s_life"), F("_s_note"), F("_s_flow"))
    ).filter(away_since__lte=cutoff)
    sources = [
        When(_s_flow=F("away_since"), then=Value("流动未报到")),
        When(_s_life=F("away_since"), then=Value("请假外出")),
        When(_s_note=F("away_since"), then=Value("他人反映外出")),
    ]
    return members.annotate(
        away_source=Case(*sources, default=Value("")),
    ).annotate(months_away=months_between_expr(F("away_since"), as_of))


# ---- Counts on several dates at once (the dashboard's trend) --------------------------------


def lost_counts_on(members_qs: QuerySet, days: list[datetime.date]) -> list[int]:
    """`lost_members(members_qs, as_of=d).count()` for each d of `days`, in one pass over the
    subtree's stretches that may count on one of them."""
    if not days:
        return []
    catch_up_soon()
    first, last = min(days), max(days)
    stretches = members_qs.filter(
        Q(evidence_gaps__until__isnull=True) | Q(evidence_gaps__until__gt=first),
        _gaps_in_subtree(members_qs),
        evidence_gaps__lost_on__lte=last,
    )
    counts = stretches.aggregate(
        **{
            f"d{i}": Count(
                "pk", filter=on_roster_q(d) & _running_on(d) & Q(evidence_gaps__lost_on__lte=d)
            )
            for i, d in enumerate(days)
        }
    )
    return [counts[f"d{i}"] for i in range(len(days))]


def uncontrolled_counts_on(members_qs: QuerySet, days: list[datetime.date]) -> list[int]:
    """`uncontrolled_members(members_qs, as_of=d).count()` for each d of `days`, in one pass
    over the members of the subtree with a known absence old enough on one of them."""
    if not days:
        return []
    catch_up_soon()
    low, high = _subtree_bounds(members_qs)
    cutoffs = [latest_start(d, UNCONTROLLED_AFTER_MONTHS) for d in days]
    signals = AwaySignal.objects.filter(known_on__lte=max(days), since__lte=max(cutoffs)).filter(
        Q(until__isnull=True) | Q(until__gt=min(days))
    )
    if low is not None:
        signals = signals.filter(org_path__gte=low)
    if high is not None:
        signals = signals.filter(org_path__lt=high)
    members = members_qs.filter(pk__in=signals.values("member_id"))

    def away_on(d, cutoff):
        return Exists(
            AwaySignal.objects.filter(
                _away_counting_on(d), member=OuterRef("pk"), since__lte=cutoff
            )
        )

    counts = members.aggregate(
        **{
            f"d{i}": Count("pk", filter=on_roster_q(d) & Q(away_on(d, c)))
            for i, (d, c) in enumerate(zip(days, cutoffs))
        }
    )
    return [counts[f"d{i}"] for i in range(len(days))]


# ---- 党费 arrears ----------------------------------------------------------------------------


def annotate_dues_arrears(members_qs: QuerySet, *, as_of: datetime.date) -> QuerySet:
    """Add `dues_paid_to` (first day of the last month covered by a payment made on or before
    as_of) and `months_in_arrears` (months after it up to as_of's month; 0 when paid ahead)."""
    paid_to = _last(
        DuesPayment.objects.filter(member=OuterRef("pk"), paid_on__lte=as_of), "month_to"
    )
    month_index = as_of.year * 12 + as_of.month
    return members_qs.annotate(dues_paid_to=paid_to).annotate(
        months_in_arrears=Case(
            When(dues_paid_to__isnull=True, then=Value(None)),
            default=Greatest(
                Value(0),
                Value(month_index)
                - ExtractYear("dues_paid_to") * 12
                - ExtractMonth("dues_paid_to"),
            ),
            output_field=IntegerField(),
        )
    )


# ---- 排查前在册失联党员 (seed 000 附件3 说明 2) ------------------------------------------------


@dataclass
class PreCampaignLost:
    """Members lost on a campaign's start date (on the roster of that date, members removed
    later included), plus members transferred out since 2007 whose receipt had not come back by
    then (the transfers app's open items)."""

    as_of: datetime.date
    lost: QuerySet
    unreceipted: QuerySet

    @property
    def member_ids(self) -> set[int]:
        return set(self.lost.values_list("pk", flat=True)) | set(
            self.unreceipted.values_list("member_id", flat=True)
        )

    @property
    def total(self) -> int:
        return len(self.member_ids)

    @property
    def overlap(self) -> int:
        return len(
            set(self.lost.values_list("pk", flat=True))
            & set(self.unreceipted.values_list("member_id", flat=True))
        )

    @property
    def unverified(self) -> int:
        """Of the lost, those 无记录待核实."""
        return self.lost.filter(unverified=True).count()


def pre_campaign_lost(*, org, as_of: datetime.date) -> PreCampaignLost:
    """排查前在册失联党员 of org's subtree as of a campaign's start date."""
    lost = lost_members(Member.objects.in_subtree(org), as_of=as_of)
    return PreCampaignLost(as_of, lost, unreceipted_transfers_out(None, org=org, as_of=as_of))


# ---- 无记录待核实 by branch (data quality) ------------------------------------------------------


MOSTLY_UNVERIFIED = 0.5


def unverified_by_branch(members_qs: QuerySet, *, as_of: datetime.date) -> list[dict]:
    """Per organization holding members of `members_qs` on the roster of as_of: the roster
    count, the 无记录待核实 count and share, and the 建账日期 in force (BooksDate), the branches
    whose members are mostly 无记录待核实 first."""
    from django.db.models import Count

    from paicha.organizations.models import Organization

    roster = dict(
        members_qs.filter(on_roster_q(as_of))
        .order_by()
        .values_list("organization_id")
        .annotate(n=Count("id"))
    )
    unverified = dict(
        unverified_members(members_qs, as_of=as_of)
        .order_by()
        .values_list("organization_id")
        .annotate(n=Count("id"))
    )
    orgs = Organization.objects.filter(pk__in=list(roster)).select_related(
        "books_date", "books_date__source_org"
    )
    rows = []
    for org in orgs:
        n, u = roster[org.pk], unverified.get(org.pk, 0)
        books = getattr(org, "books_date", None)
        rows.append(
            {
                "org": org,
                "members": n,
                "unverified": u,
                "share": u / n if n else 0,
                "mostly": n > 0 and u / n > MOSTLY_UNVERIFIED,
                "books": books,
            }
        )
    rows.sort(key=lambda r: (-r["share"], -r["unverified"], r["org"].path))
    return rows


# ---- The counts of the home page ----------------------------------------------------------------


def _left_after(members_qs: QuerySet, statuses, as_of: datetime.date) -> QuerySet:
    """Members of these statuses (off the roster now) who left after as_of."""
    return members_qs.filter(status__in=statuses, status_date__gt=as_of)


def roster_count(members_qs: QuerySet, *, as_of: datetime.date) -> int:
    """How many members of `members_qs` are on the roster of as_of (`on_roster_q`): counted by
    status on the (org_path, status) index alone, then, only for the statuses off the roster
    that occur, those who left after as_of."""
    by_status = dict(members_qs.order_by().values_list("status").annotate(n=Count("*")))
    left = [st for st in by_status if st not in ON_ROSTER]
    n = sum(by_status[st] for st in by_status if st in ON_ROSTER)
    return n + (_left_after(members_qs, left, as_of).count() if left else 0)


def roster_count_by_org(members_qs: QuerySet, *, as_of: datetime.date) -> dict[int, int]:
    """Organization id → members of `members_qs` on the roster of as_of, for the organizations
    holding any. Grouped by the members' org_path (their organization's path) and status on
    one index, without reading the rows, then matched to the organizations of those paths."""
    by_path, left = Counter(), set()
    for path, status, n in (
        members_qs.order_by().values_list("org_path", "status").annotate(n=Count("*"))
    ):
        if status in ON_ROSTER:
            by_path[path] += n
        else:
            left.add(status)
    if left:
        for path, n in (
            _left_after(members_qs, sorted(left), as_of)
            .order_by()
            .values_list("org_path")
            .annotate(n=Count("*"))
        ):
            by_path[path] += n
    ids = dict(_orgs_in_range(members_qs).values_list("path", "pk"))
    return {ids[path]: n for path, n in by_path.items()}


def org_paths(members_qs: QuerySet) -> list[tuple[int, str]]:
    """(id, path) of the organizations in the range of the members' subtree."""
    return list(_orgs_in_range(members_qs).values_list("pk", "path"))


def _orgs_in_range(members_qs: QuerySet) -> QuerySet:
    """The organizations whose path lies in the members' subtree range (all when none)."""
    from paicha.organizations.models import Organization

    low, high = _subtree_bounds(members_qs)
    orgs = Organization.objects.all()
    if low is not None:
        orgs = orgs.filter(path__gte=low)
    if high is not None:
        orgs = orgs.filter(path__lt=high)
    return orgs


def roster_counts(members_qs: QuerySet, *, as_of: datetime.date) -> dict[str, int]:
    """在册党员, 失联 (6个月以上) and 无记录待核实 of `members_qs` on as_of, each one count over the
    whole queryset: the home page shows these; the dashboard sums its branches' counts and
    compares (dashboard.branch_totals)."""
    return {
        "members": roster_count(members_qs, as_of=as_of),
        "lost": lost_members(members_qs, as_of=as_of).count(),
        "unverified": unverified_members(members_qs, as_of=as_of).count(),
    }


# ---- marks on a roster ------------------------------------------------------------------------


def roster_marks(members_qs: QuerySet, *, as_of: datetime.date) -> dict[int, str]:
    """Member id → "失联", "无记录待核实" or both, for the members of `members_qs` that carry a
    mark on as_of (the others are absent): what a branch must see beside each name when it
    records attendance."""
    marks = {
        pk: "失联" for pk in lost_members(members_qs, as_of=as_of).values_list("pk", flat=True)
    }
    for pk in unverified_members(members_qs, as_of=as_of).values_list("pk", flat=True):
        marks[pk] = f"{marks[pk]}，无记录待核实" if pk in marks else "无记录待核实"
    return marks
