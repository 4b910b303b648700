"""Keep EvidenceGap in step with the evidence, the members and the 建账日期 (models.EvidenceGap).

`refresh_gaps(member_ids)` recomputes the rows of the given members (all members when None) in
one INSERT … SELECT with a window function, so a million members take one statement; with them
their known absences (AwaySignal, for 失控: `refresh_away`, also run when a flow record is
saved or deleted, apps.py). Every
service that writes evidence calls it for the members it touched; a member saved through the
ORM is refreshed by a signal (apps.py), members changed in bulk by `members_changed_in_bulk`;
members added in bulk by other apps (COPY imports) are caught up by `catch_up()`, which the
worker runs after an import and which the 失联 selectors ask the worker for (`catch_up_soon`):
it looks only at member ids above the watermark, so it costs nothing when there are none.
When the 建账日期 of organizations changes (books.py), the rows of their members are recomputed
(`refresh_orgs`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Max

from paicha.audit.context import suspended
from paicha.codes import AttendanceStatus
from paicha.core.bulk import batched
from paicha.members.models import Member

from .models import (
    AWAY_WORD,
    Attendance,
    AwaySignal,
    AwaySource,
    BooksDate,
    BooksSource,
    ContactRecord,
    DuesPayment,
    EvidenceGap,
    GapWatermark,
)


def add_six_months_sql(column: str) -> str:
    """add_months(column, 6) in SQL, clamped to the month's end as core.dates.add_months."""
    if connection.vendor == "postgresql":
        return f"CAST({column} + INTERVAL '6 months' AS date)"
    shifted = f"date({column}, '+6 months')"
    return (
        f"CASE WHEN strftime('%%d', {shifted}) = strftime('%%d', {column}) THEN {shifted} "
        f"ELSE date({column}, '+6 months', 'start of month', '-1 day') END"
    )


class _Dialect(NamedTuple):
    """The few words the derived tables' SQL spells differently on PostgreSQL and SQLite."""

    pg: bool
    yes: str
    no: str
    greatest: str
    least: str

    def date(self, iso: str) -> str:
        return f"DATE '{iso}'" if self.pg else f"'{iso}'"


def _dialect() -> _Dialect:
    if connection.vendor == "postgresql":
        return _Dialect(True, "TRUE", "FALSE", "GREATEST", "LEAST")
    return _Dialect(False, "1", "0", "MAX", "MIN")


def _sql(member_filter: str) -> str:
    gap = EvidenceGap._meta.db_table
    att = Attendance._meta.db_table
    dues = DuesPayment._meta.db_table
    contact = ContactRecord._meta.db_table
    books = BooksDate._meta.db_table
    mem = Member._meta.db_table
    sql = _dialect()
    pg, yes, no, greatest = sql.pg, sql.yes, sql.no, sql.greatest
    never = sql.date("0001-01-01")
    where_ev = f"AND member_id IN ({member_filter})" if member_filter else ""
    where_m = f"AND m.id IN ({member_filter})" if member_filter else ""
    where_id = f"AND id IN ({member_filter})" if member_filter else ""

    def latest(*columns):
        return (
            f"NULLIF({greatest}({', '.join(f'COALESCE({c}, {never})' for c in columns)}), {never})"
        )

    return f"""
        INSERT INTO {gap} (member_id, organization_id, org_path, start, lost_on, over_on,
                           until, unverified)
        WITH ev AS (
            SELECT member_id, date AS d FROM {att} WHERE status = %s {where_ev}
            UNION ALL
            SELECT member_id, paid_on FROM {dues} WHERE 1 = 1 {where_ev}
            UNION ALL
            SELECT member_id, date FROM {contact} WHERE with_member = {yes} {where_ev}
            UNION ALL
            SELECT id, declared_last_org_life FROM {mem}
            WHERE declared_last_org_life IS NOT NULL {where_id}
            UNION ALL
            SELECT id, declared_last_dues FROM {mem}
            WHERE declared_last_dues IS NOT NULL {where_id}
        ),
        firsts AS (SELECT member_id, MIN(d) AS first_seen FROM ev GROUP BY member_id),
        spans AS (
            SELECT member_id, d AS seen,
                   LEAD(d) OVER (PARTITION BY member_id ORDER BY d) AS nxt
            FROM ev
            UNION ALL
            SELECT m.id, NULL, f.first_seen
            FROM {mem} m LEFT JOIN firsts f ON f.member_id = m.id
            WHERE 1 = 1 {where_m}
        ),
        clocked AS (
            SELECT s.member_id, m.organization_id, m.org_path, s.nxt AS until,
                   {
        latest("s.seen", "COALESCE(m.branch_entry_date, m.join_date)", "b.opened_on")
    } AS start,
                   CASE WHEN s.seen IS NULL OR s.seen < COALESCE(b.opened_on, {never})
                        THEN {yes} ELSE {no} END AS unverified
            FROM spans s JOIN {mem} m ON m.id = s.member_id
            LEFT JOIN {books} b ON b.organization_id = m.organization_id
        ),
        timed AS (
            SELECT c.*, {add_six_months_sql("c.start")} AS lost_on FROM clocked c
            WHERE c.start IS NOT NULL AND (c.until IS NULL OR c.start < c.until)
        )
        SELECT member_id, organization_id, org_path, start, lost_on,
               {"lost_on + 1" if pg else "date(lost_on, '+1 day')"}, until, unverified
        FROM timed
        WHERE until IS NULL OR lost_on < until OR unverified = {yes}
    """


def _away_sql(member_filter: str) -> str:
    """INSERT … SELECT of the AwaySignal rows (models.AwaySignal) of the filtered members."""
    from paicha.transfers.models import FlowRecord

    away = AwaySignal._meta.db_table
    att = Attendance._meta.db_table
    dues = DuesPayment._meta.db_table
    contact = ContactRecord._meta.db_table
    flow = FlowRecord._meta.db_table
    mem = Member._meta.db_table
    sql = _dialect()
    yes, no, least, greatest = sql.yes, sql.no, sql.least, sql.greatest
    forever = sql.date("9999-12-31")
    where = f"AND member_id IN ({member_filter})" if member_filter else ""

    def earliest(*subqueries):
        return (
            f"NULLIF({least}({', '.join(f'COALESCE(({q}), {forever})' for q in subqueries)}),"
            f" {forever})"
        )

    # The first contact with the member himself that covers the start of the absence.
    until = earliest(
        f"SELECT MIN(a.date) FROM {att} a WHERE a.member_id = s.member_id AND a.status = %s "
        "AND a.date >= s.since",
        f"SELECT MIN(p.paid_on) FROM {dues} p WHERE p.member_id = s.member_id "
        "AND p.paid_on >= s.since",
        f"SELECT MIN(c.date) FROM {contact} c WHERE c.member_id = s.member_id "
        f"AND c.with_member = {yes} "
        f"AND {greatest}(c.date, COALESCE(c.away_since, c.date)) >= s.since",
    )
    return f"""
        INSERT INTO {away} (member_id, organization_id, org_path, since, known_on, until,
                            ends_on, source)
        SELECT s.member_id, m.organization_id, m.org_path, s.since, s.known_on, {until},
               s.ends_on, s.source
        FROM (
            SELECT member_id, date AS since, date AS known_on, CAST(NULL AS DATE) AS ends_on,
                   %s AS source
            FROM {att} WHERE status = %s AND reason LIKE %s {where}
            UNION ALL
            SELECT member_id, away_since, date, CAST(NULL AS DATE), %s FROM {contact}
            WHERE with_member = {no} AND away_since IS NOT NULL {where}
            UNION ALL
            SELECT member_id, since, since, closed_on, %s FROM {flow}
            WHERE reported = {no} {where}
        ) s JOIN {mem} m ON m.id = s.member_id
    """


def _away_params(chunk: list[int]) -> list:
    return [
        AttendanceStatus.PRESENT,
        AwaySource.LEAVE,
        AttendanceStatus.EXCUSED,
        f"%{AWAY_WORD}%",
        *chunk,
        AwaySource.NOTE,
        *chunk,
        AwaySource.FLOW,
        *chunk,
    ]


def refresh_away(member_ids: Iterable[int] | None = None) -> None:
    """Recompute the AwaySignal rows of these members (of every member when None)."""
    table = AwaySignal._meta.db_table
    with transaction.atomic(), suspended(), connection.cursor() as cursor:
        if member_ids is None:
            cursor.execute(f"DELETE FROM {table}")
            cursor.execute(_away_sql(""), _away_params([]))
            return
        for chunk in batched(sorted(set(member_ids)), 500):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {table} WHERE member_id IN ({marks})", list(chunk))
            cursor.execute(_away_sql(marks), _away_params(list(chunk)))


def refresh_gaps(member_ids: Iterable[int] | None = None) -> None:
    """Recompute the EvidenceGap rows of these members (of every member when None), and their
    known absences (AwaySignal), which follow the same evidence."""
    table = EvidenceGap._meta.db_table
    if member_ids is not None:
        member_ids = sorted(set(member_ids))
    with transaction.atomic(), suspended(), connection.cursor() as cursor:
        if member_ids is None:
            cursor.execute(f"DELETE FROM {table}")
            cursor.execute(_sql(""), [AttendanceStatus.PRESENT])
        else:
            for chunk in batched(member_ids, 500):
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM {table} WHERE member_id IN ({marks})", list(chunk))
                # The member filter appears three times in evidence, twice for the declared
                # dates and once for the members themselves.
                cursor.execute(_sql(marks), [AttendanceStatus.PRESENT, *chunk * 6])
        refresh_away(member_ids)


def refresh_orgs(org_ids: Iterable[int]) -> None:
    """Recompute the rows of every member of these organizations (their 建账日期 changed)."""
    org_ids = sorted(set(org_ids))
    for chunk in batched(org_ids, 500):
        refresh_gaps(Member.objects.filter(organization_id__in=chunk).values_list("pk", flat=True))


def books_and_gaps_after_records(org, day) -> None:
    """A 组织生活 or 党费 record dated `day` was written in `org`: its 建账日期 (derived) may move
    earlier, and then its members' clocks."""
    from .books import books_note_record

    refresh_orgs(books_note_record(org, day))


def _watermark() -> GapWatermark:
    mark = GapWatermark.objects.select_for_update().filter(pk=1).first()
    if mark is None:
        GapWatermark.objects.bulk_create([GapWatermark(pk=1)], ignore_conflicts=True)
        mark = GapWatermark.objects.select_for_update().get(pk=1)
    return mark


# Members caught up in one transaction: a request that writes beside the catch-up (a meeting
# of a branch just imported) waits at most for one such chunk, not for the whole catch-up.
CATCH_UP_CHUNK = 5000


def catch_up() -> int:
    """Compute the rows of members added since the last time (by id); returns their count.

    Chunk after chunk of CATCH_UP_CHUNK members, each in its own transaction that moves the
    watermark past it: a worker killed half-way leaves the finished chunks done and the rest
    waiting, never a chunk half-written."""
    newest = Member.objects.aggregate(n=Max("id"))["n"] or 0
    done = 0
    while True:
        mark = GapWatermark.objects.filter(pk=1).values_list("members_up_to", flat=True).first()
        if mark is not None and mark >= newest:
            return done
        with transaction.atomic(), suspended():
            mark = _watermark()
            ids = list(
                Member.objects.filter(id__gt=mark.members_up_to, id__lte=newest)
                .order_by("id")
                .values_list("id", flat=True)[:CATCH_UP_CHUNK]
            )
            if ids:
                orgs_changed = _books_for_new_members(ids)
                refresh_gaps(ids)
                refresh_orgs(orgs_changed)
            up_to = ids[-1] if len(ids) == CATCH_UP_CHUNK else newest
            GapWatermark.objects.filter(pk=1).update(members_up_to=up_to)
        done += len(ids)


def _books_for_new_members(member_ids) -> set[int]:
    """The organizations of members just added may have no 建账日期 yet, or only the one of
    no records (their first roster import gives it): compute theirs. Returns the organizations
    whose date changed (their earlier members are recomputed too)."""
    from paicha.organizations.models import Organization

    from .books import books_refresh

    org_ids = set()
    for chunk in batched(sorted(member_ids), 5000):
        org_ids |= set(
            Member.objects.filter(pk__in=chunk)
            .order_by()
            .values_list("organization_id", flat=True)
            .distinct()
        )
    settled = set(
        BooksDate.objects.filter(pk__in=org_ids)
        .exclude(source__in=(BooksSource.NONE, BooksSource.IMPORT))
        .values_list("pk", flat=True)
    )
    todo = org_ids - settled
    return books_refresh(Organization.objects.filter(pk__in=todo)) if todo else set()


# With a worker, a process that has just found every member caught up does not ask again for
# this long: a page reads the stretches several times, and members added meanwhile are
# caught up by the worker anyway, not by the page.
RECHECK_SECONDS = 1.0
_found_current_at = None


def catch_up_soon() -> None:
    """What a request does instead of `catch_up()`: when members wait to be caught up, ask the
    worker to do it (once), never waiting on the lock of a catch-up or an import under way.
    The page shows the rows as they are meanwhile. Inline (tests) it catches up at once."""
    global _found_current_at
    import time

    from django.conf import settings
    from django.db import DatabaseError
    from django.db.models import Subquery
    from django.db.models.functions import Coalesce

    from paicha.core.jobs import run_later

    inline = settings.TASKS_INLINE
    now = time.monotonic()
    if not inline and _found_current_at is not None and now - _found_current_at < RECHECK_SECONDS:
        return
    newest_id = Member.objects.order_by("-id").values("id")[:1]
    if GapWatermark.objects.filter(
        pk=1, members_up_to__gte=Coalesce(Subquery(newest_id), 0)
    ).exists():
        if not inline:
            _found_current_at = now
        return
    if catch_up_under_way():
        return  # queued or running: the page does not write beside it (SQLite would wait)
    try:
        run_later("paicha.evidence.gaps.catch_up", once=True)
    except DatabaseError:
        pass  # the database is busy writing (SQLite): the worker is already at work


def catch_up_under_way() -> bool:
    """Whether a catch-up waits in the queue or runs in a worker (read without any lock)."""
    from django.conf import settings
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    if settings.TASKS_INLINE:
        return False
    return DBTaskResult.objects.filter(
        status__in=(TaskResultStatus.READY, TaskResultStatus.RUNNING),
        args_kwargs__args__0="paicha.evidence.gaps.catch_up",
    ).exists()


def mark_all_current() -> None:
    """After `refresh_gaps()` of everything: no member is waiting to be caught up."""
    newest = Member.objects.aggregate(n=Max("id"))["n"] or 0
    with transaction.atomic(), suspended():
        _watermark()
        GapWatermark.objects.filter(pk=1).update(members_up_to=newest)
