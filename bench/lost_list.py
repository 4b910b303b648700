"""The 失联 list of a 1,000,000-member subtree as of a date, on PostgreSQL (target: < 2 s).

Usage:
    .venv/bin/python bench/lost_list.py [--members 1000000] [--orgs 20000] [--fresh]

It creates (or reuses) the database `paicha_bench_evidence` on the local PostgreSQL, fills it
with `workspace.demo.build_synthetic` and two years of evidence per member — 党费 every month and
about six 组织生活 a year, about 36 million rows, 4 % of the members stopping at some point —
then times the list and prints the figures.

Why the list is fast. Asking the evidence tables directly ("no attended meeting and no payment
in the six months before D", an anti-join) costs one index descent per member and per table:
about 2 million descents into 1 GB of indexes for a million members, 4–5 s here. Instead
EvidenceGap keeps, per member, the stretches without evidence that may exceed six months —
from a day of evidence (or his 进入支部日期 / 入党日期 when he has none before) to the next day
of evidence, or open — about one row per member. A member is 失联 on D exactly when one of his
stretches has seen_on <= latest_start(D, 6) and next_seen > D or open; this holds for any D,
past or present, because the stretches are the whole history, not a current status. On an index
on the start of the open stretch that is a range holding only the members last seen more than
six months before D (a few per cent), plus, on (next_seen, seen_on), the closed stretches that
end after D (none for today; the gaps of the time for a past D); a join brings in the
members (their current branch and status, the subtree range) through the primary key, and the
matching stretch gives the start of the count (`lost_since`) without another lookup. The open
stretch has its own column so that the planner's statistics see that "open since before the
cutoff" is rare; mixed with the closed stretches of the past in one column it would guess a
third of the table and scan every member. The dates shown (last 组织生活,
last 党费, last contact) come from the evidence tables through (member_id, date) indexes, for the
rows shown only. The rows are recomputed for the members a service touches (one INSERT …
SELECT with LEAD over their evidence) and for everyone after a bulk load, as here.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from decimal import Decimal

DB_NAME = "paicha_bench_evidence"
SERVER = "postgres://postgres@127.0.0.1:5432"

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ["DATABASE_URL"] = f"{SERVER}/{DB_NAME}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paicha.settings")


def create_database(fresh: bool) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if exists and fresh:
            conn.execute(f"DROP DATABASE {DB_NAME}")
            exists = None
        if not exists:
            conn.execute(f"CREATE DATABASE {DB_NAME}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--orgs", type=int, default=20_000)
    parser.add_argument("--fresh", action="store_true", help="drop and rebuild the database")
    args = parser.parse_args()
    create_database(args.fresh)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from paicha.evidence.models import Attendance, DuesPayment
    from paicha.organizations.models import Organization
    from paicha.workspace.demo import REFERENCE_DATE, build_synthetic

    call_command("migrate", verbosity=0)
    ref = REFERENCE_DATE
    root = (
        Organization.objects.filter(name__startswith="合成测试省委组织部").order_by("path").first()
    )
    if root is None:
        started = time.perf_counter()
        result = build_synthetic(
            members=args.members,
            orgs=args.orgs,
            progress=lambda done, total, s: print(
                f"  members {done:,}/{total:,} {s:.0f} s", flush=True
            ),
        )
        print(f"members: {result.members:,} in {time.perf_counter() - started:.0f} s")
        root = (
            Organization.objects.filter(name__startswith="合成测试省委组织部")
            .order_by("path")
            .first()
        )
    if not DuesPayment.objects.exists():
        load_evidence(root, ref)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE evidence_evidencegap")
    print(
        f"database: PostgreSQL {connection.cursor().connection.info.server_version}, "
        f"attendance rows {Attendance.objects.count():,}, "
        f"dues rows {DuesPayment.objects.count():,}"
    )
    measure(root, ref)


# ---- Loading ------------------------------------------------------------------------------------


def _secondary_indexes(cursor, tables):
    cursor.execute(
        """SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)
                      AND indexname NOT IN (SELECT conname FROM pg_constraint)""",
        [tables],
    )
    return cursor.fetchall()


def load_evidence(root, ref):
    from django.db import connection, transaction
    from django.utils import timezone

    from paicha.audit.context import suspended
    from paicha.codes import AttendanceStatus, OrgLifeKind
    from paicha.core.bulk import bulk_insert
    from paicha.core.dates import add_months
    from paicha.evidence.gaps import mark_all_current, refresh_gaps
    from paicha.evidence.models import Attendance, DuesPayment, EvidenceGap, OrgLifeMeeting
    from paicha.members.models import Member

    rng = random.Random(2016)
    now = timezone.now()
    start = add_months(ref.replace(day=1), -24)
    tables = [m._meta.db_table for m in (Attendance, DuesPayment, OrgLifeMeeting, EvidenceGap)]
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        indexes = _secondary_indexes(cursor, tables)
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        # The unique (meeting, member) constraint would be checked row by row: add it back after.
        cursor.execute(f"ALTER TABLE {Attendance._meta.db_table} DROP CONSTRAINT attendance_once")
        # The rows are generated from the members just read: skip the per-row foreign-key
        # triggers while loading (the superuser's bulk-load switch), and put them back after.
        cursor.execute("SET session_replication_role = replica")
    members = list(
        Member.objects.filter(org_path__startswith=root.path)
        .values_list("id", "organization_id", "org_path")
        .order_by("org_path", "id")
    )
    # Each member: paid and attended until `stop` (4 % stop somewhere in the last 20 months).
    stop = {
        m[0]: (
            ref - datetime.timedelta(days=rng.randrange(30, 600)) if rng.random() < 0.04 else ref
        )
        for m in members
    }
    branches = sorted({(m[1], m[2]) for m in members})
    meetings = []
    for org_id, path in branches:
        day = start + datetime.timedelta(days=rng.randrange(0, 40))
        while day < ref:
            meetings.append(
                (org_id, path, day, rng.choice(OrgLifeKind.values), "学习教育", "", now)
            )
            day += datetime.timedelta(days=rng.randrange(45, 76))
    with transaction.atomic(), suspended():
        bulk_insert(
            OrgLifeMeeting,
            ("organization", "org_path", "date", "kind", "topic", "notes", "created_at"),
            meetings,
        )
    by_org: dict[int, list[tuple[int, datetime.date]]] = {}
    for pk, org_id, day in OrgLifeMeeting.objects.values_list("id", "organization_id", "date"):
        by_org.setdefault(org_id, []).append((pk, day))
    print(f"  meetings {len(meetings):,} in {time.perf_counter() - t0:.0f} s", flush=True)

    def attendance_rows():
        for member_id, org_id, path in members:
            last = stop[member_id]
            for meeting_id, day in by_org.get(org_id, ()):
                r = rng.random()
                if day > last or r < 0.05:
                    status, reason = AttendanceStatus.ABSENT, ""
                elif r < 0.12:
                    status, reason = AttendanceStatus.EXCUSED, rng.choice(("病假", "出差", "外出"))
                else:
                    status, reason = AttendanceStatus.PRESENT, ""
                yield meeting_id, member_id, org_id, path, day, status, reason

    def dues_rows():
        for member_id, org_id, path in members:
            last = stop[member_id]
            month = start
            while month < ref.replace(day=1):
                paid = month + datetime.timedelta(days=rng.randrange(0, 20))
                if paid > last:
                    break
                yield member_id, org_id, path, Decimal("2.00"), month, month, paid, "", now
                month = add_months(month, 1)

    with transaction.atomic(), suspended():
        n = bulk_insert(
            Attendance,
            ("meeting", "member", "organization", "org_path", "date", "status", "reason"),
            attendance_rows(),
        )
    print(f"  attendance {n:,} in {time.perf_counter() - t0:.0f} s", flush=True)
    with transaction.atomic(), suspended():
        n = bulk_insert(
            DuesPayment,
            (
                "member",
                "organization",
                "org_path",
                "amount",
                "month_from",
                "month_to",
                "paid_on",
                "note",
                "created_at",
            ),
            dues_rows(),
        )
    print(f"  dues {n:,} in {time.perf_counter() - t0:.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute(
            f"ALTER TABLE {Attendance._meta.db_table} ADD CONSTRAINT attendance_once "
            "UNIQUE (meeting_id, member_id)"
        )
    print(f"  indexes in {time.perf_counter() - t0:.0f} s", flush=True)
    t1 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET work_mem = '256MB'")
        refresh_gaps()
        cursor.execute("RESET work_mem")
    mark_all_current()
    print(
        f"  EvidenceGap rows {EvidenceGap.objects.count():,} computed in "
        f"{time.perf_counter() - t1:.0f} s",
        flush=True,
    )
    old = connection.autocommit
    connection.set_autocommit(True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connection.set_autocommit(old)
    print(f"loaded in {time.perf_counter() - t0:.0f} s", flush=True)


# ---- Measuring ----------------------------------------------------------------------------------


def timed(fn, repeat=5):
    times, value = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - started)
    return value, statistics.median(times), max(times)


def measure(root, ref):
    from paicha.evidence.selectors import lost_members, lost_members_by_rule
    from paicha.members.models import Member

    county = root.children.order_by("path").first()
    branch = county.children.order_by("path").first().children.order_by("path").first()
    as_of_dates = (("reference date", ref), ("one year before", ref - datetime.timedelta(days=365)))
    for label, org in (("province", root), ("county", county), ("branch", branch)):
        members = Member.objects.in_subtree(org)
        size = members.count()
        for when, as_of in as_of_dates:
            lost = lost_members(members, as_of=as_of)

            def page():
                # What the list page runs: the count, then the first 50 rows, longest lost first.
                count = lost.count()
                rows = list(lost.order_by("lost_since", "name", "id")[:50])
                return count, rows

            (count, rows), median, worst = timed(page)
            print(
                f"{label:8} {size:>9,} members, as of {as_of} ({when}): {count:>7,} 失联; "
                f"page (count + first 50) median {median * 1000:7.1f} ms, worst "
                f"{worst * 1000:7.1f} ms"
            )
            if org is root:
                full, median, worst = timed(
                    lambda: list(
                        lost.values_list(
                            "id",
                            "lost_since",
                            "months_lost",
                            "last_org_life",
                            "last_dues",
                            "last_contact",
                        )
                    ),
                    repeat=3,
                )
                print(
                    f"{'':8} whole list with every date ({len(full):,} rows): median "
                    f"{median * 1000:7.1f} ms, worst {worst * 1000:7.1f} ms"
                )
    rule, median, _ = timed(
        lambda: lost_members_by_rule(Member.objects.in_subtree(root), as_of=ref).count(), repeat=1
    )
    print(
        f"for comparison, the anti-join straight on the evidence tables: {rule:,} 失联 in "
        f"{median * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
