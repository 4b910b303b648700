"""Keep EvidenceGap in step with the evidence and the members (see models.EvidenceGap).

`refresh_gaps(member_ids)` recomputes the rows of the given members (all members when None) in
one INSERT … SELECT with a window function, so a million members take one statement. Every
service that writes evidence calls it for the members it touched; a member saved through the
ORM is refreshed by a signal (apps.py); members added in bulk by other apps (COPY imports) are
caught up by `catch_up()`, which the worker runs after an import and which the 失联 selector asks
the worker for (`catch_up_soon`) when members are waiting: it looks only at member ids above the
watermark, so it costs nothing when there are none.

Members changed by a bulk UPDATE elsewhere (their 进入支部日期 / 入党日期, which start the count
when they have no evidence) keep their old rows until `paicha evidence_refresh` or their next
evidence; the 失联 list reads the member's current branch and status from Member itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Max

from paicha.audit.context import suspended
from paicha.codes import AttendanceStatus
from paicha.core.bulk import batched
from paicha.members.models import Member

from .models import Attendance, DuesPayment, EvidenceGap, GapWatermark

# Stretches not longer than this many days can never be more than six months (six months are
# at least 181 days), so they are not stored. A few longer ones that are still not six
# calendar months are kept; the query's exact test on dates decides.
KEEP_OVER_DAYS = 180


def _sql(member_filter: str) -> str:
    gap = EvidenceGap._meta.db_table
    att = Attendance._meta.db_table
    dues = DuesPayment._meta.db_table
    mem = Member._meta.db_table
    if connection.vendor == "postgresql":
        longer = f"(s.next_seen - s.seen_on) > {KEEP_OVER_DAYS}"
    else:
        longer = f"julianday(s.next_seen) - julianday(s.seen_on) > {KEEP_OVER_DAYS}"
    where_ev = f"AND member_id IN ({member_filter})" if member_filter else ""
    where_m = f"AND m.id IN ({member_filter})" if member_filter else ""
    return f"""
        INSERT INTO {gap} (member_id, organization_id, org_path, seen_on, next_seen, open_since)
        WITH ev AS (
            SELECT member_id, date AS d FROM {att} WHERE status = %s {where_ev}
            UNION ALL
            SELECT member_id, paid_on AS d FROM {dues} WHERE 1 = 1 {where_ev}
        ),
        firsts AS (SELECT member_id, MIN(d) AS first_seen FROM ev GROUP BY member_id),
        spans AS (
            SELECT member_id, d AS seen_on,
                   LEAD(d) OVER (PARTITION BY member_id ORDER BY d) AS next_seen
            FROM ev
            UNION ALL
            SELECT m.id, COALESCE(m.branch_entry_date, m.join_date), f.first_seen
            FROM {mem} m LEFT JOIN firsts f ON f.member_id = m.id
            WHERE COALESCE(m.branch_entry_date, m.join_date) IS NOT NULL {where_m}
        )
        SELECT s.member_id, m.organization_id, m.org_path,
               CASE WHEN s.next_seen IS NULL THEN NULL ELSE s.seen_on END, s.next_seen,
               CASE WHEN s.next_seen IS NULL THEN s.seen_on END
        FROM spans s JOIN {mem} m ON m.id = s.member_id
        WHERE s.next_seen IS NULL OR {longer}
    """


def refresh_gaps(member_ids: Iterable[int] | None = None) -> None:
    """Recompute the EvidenceGap rows of these members (of every member when None)."""
    table = EvidenceGap._meta.db_table
    with transaction.atomic(), suspended(), connection.cursor() as cursor:
        if member_ids is None:
            cursor.execute(f"DELETE FROM {table}")
            cursor.execute(_sql(""), [AttendanceStatus.PRESENT])
            return
        for chunk in batched(sorted(set(member_ids)), 500):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {table} WHERE member_id IN ({marks})", list(chunk))
            # The placeholders of the member filter appear twice in `ev` and once for members.
            cursor.execute(_sql(marks), [AttendanceStatus.PRESENT, *chunk, *chunk, *chunk])


def _watermark() -> GapWatermark:
    mark = GapWatermark.objects.select_for_update().filter(pk=1).first()
    if mark is None:
        GapWatermark.objects.bulk_create([GapWatermark(pk=1)], ignore_conflicts=True)
        mark = GapWatermark.objects.select_for_update().get(pk=1)
    return mark


def catch_up() -> int:
    """Compute the rows of members added since the last time (by id); returns their count."""
    newest = Member.objects.aggregate(n=Max("id"))["n"] or 0
    mark = GapWatermark.objects.filter(pk=1).values_list("members_up_to", flat=True).first()
    if mark is not None and mark >= newest:
        return 0
    with transaction.atomic(), suspended():
        mark = _watermark()
        ids = list(Member.objects.filter(id__gt=mark.members_up_to, id__lte=newest)
                   .values_list("id", flat=True))
        if ids:
            refresh_gaps(ids)
        GapWatermark.objects.filter(pk=1).update(members_up_to=newest)
    return len(ids)


def catch_up_soon() -> None:
    """What a request does instead of `catch_up()`: when members wait to be caught up, ask the
    worker to do it (once), never waiting on the lock of a catch-up or an import under way.
    The page shows the rows as they are meanwhile. Inline (tests) it catches up at once."""
    from django.db import DatabaseError

    from paicha.core.jobs import run_later

    newest = Member.objects.aggregate(n=Max("id"))["n"] or 0
    mark = GapWatermark.objects.filter(pk=1).values_list("members_up_to", flat=True).first()
    if mark is not None and mark >= newest:
        return
    try:
        run_later("paicha.evidence.gaps.catch_up", once=True)
    except DatabaseError:
        pass  # the database is busy writing (SQLite): the worker is already at work


def mark_all_current() -> None:
    """After `refresh_gaps()` of everything: no member is waiting to be caught up."""
    newest = Member.objects.aggregate(n=Max("id"))["n"] or 0
    with transaction.atomic(), suspended():
        _watermark()
        GapWatermark.objects.filter(pk=1).update(members_up_to=newest)
