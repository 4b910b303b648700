"""Evidence of contact for a synthetic province (`paicha demo --members N --orgs M`), in SQL.

Usage:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME \\
        .venv/bin/python bench/evidence_data.py [--ref 2026-12-02]

The synthetic province has members only; the 失联 and 失控 lists, the dashboard and the home
page counts need a history. This fills the year before `--ref` (today by default) with plain
INSERT … SELECT statements, so a million members take minutes, not hours:
- every branch holds a 主题党日 every other month (6 a year);
- each member attends (9 in 10), is excused (病假) or absent, and pays 党费 every quarter;
- 3 % stopped 7–17 months before ref (失联 on ref), 1 % 4–6 months before (not yet);
- 0.4 % went away 45–120 days before ref: excused 外出务工 at every meeting since, and for half
  of them a 联系记录 heard from the family with the 外出日期 (失控 on ref).
A member's fate follows from his id (a multiplicative hash), so reruns give the same data.
Then the 建账日期 of every organization and the EvidenceGap rows are computed by the product's
own functions, and the tables analysed. Refuses a database that already holds evidence.
"""

import argparse
import datetime
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paicha.settings")

# fate(id) in [0, 1000): which story the member follows.
FATE = "((m.id * 2654435761) %% 1000)"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ref", type=datetime.date.fromisoformat, default=datetime.date.today())
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection, transaction

    from paicha.audit.context import suspended
    from paicha.evidence.books import books_refresh
    from paicha.evidence.gaps import mark_all_current, refresh_gaps
    from paicha.evidence.models import Attendance

    if Attendance.objects.exists():
        sys.exit("这个数据库已有组织生活出席记录，不再生成")
    ref = args.ref
    t0 = time.perf_counter()

    def step(label):
        print(f"  {label}: {time.perf_counter() - t0:.0f} s", flush=True)

    stop = (
        f"CASE WHEN {FATE} < 30 THEN %(ref)s::date - (210 + (m.id %% 300))::int "
        f"WHEN {FATE} < 40 THEN %(ref)s::date - (125 + (m.id %% 55))::int END"
    )
    gone = (
        f"CASE WHEN {FATE} >= 40 AND {FATE} < 44 THEN %(ref)s::date - (45 + (m.id %% 75))::int END"
    )
    p = {"ref": ref}
    with transaction.atomic(), suspended(), connection.cursor() as c:
        c.execute("SET LOCAL work_mem = '256MB'")
        c.execute(
            """
            INSERT INTO evidence_orglifemeeting (org_path, date, kind, topic, notes, created_at,
                                                 organization_id)
            SELECT o.path, %(ref)s::date - (k * 61 - (o.id %% 20))::int, 'theme_day', '主题党日',
                   '', now(), o.id
            FROM organizations_organization o, generate_series(1, 6) k
            WHERE o.kind = 'branch'""",
            p,
        )
        step("meetings")
        c.execute(
            f"""
            CREATE TEMP TABLE fate ON COMMIT DROP AS
            SELECT m.id, m.organization_id, m.org_path, {stop} AS stop, {gone} AS gone
            FROM members_member m WHERE m.status IN ('active', 'retained')""",
            p,
        )
        c.execute("ANALYZE fate")
        c.execute("""
            INSERT INTO evidence_attendance (org_path, date, status, reason, member_id,
                                             organization_id, meeting_id)
            SELECT f.org_path, g.date, s.status, s.reason, f.id, f.organization_id, g.id
            FROM fate f JOIN evidence_orglifemeeting g ON g.organization_id = f.organization_id
            CROSS JOIN LATERAL (SELECT
                CASE WHEN f.gone IS NOT NULL AND g.date >= f.gone THEN 'excused'
                     WHEN f.gone IS NOT NULL AND g.date >= f.gone - 15 THEN 'absent'
                     WHEN f.stop IS NOT NULL AND g.date > f.stop THEN 'absent'
                     WHEN (f.id + g.id) % 10 = 0 THEN 'excused'
                     ELSE 'present' END AS status,
                CASE WHEN f.gone IS NOT NULL AND g.date >= f.gone THEN '外出务工'
                     WHEN (f.stop IS NULL OR g.date <= f.stop) AND (f.id + g.id) % 10 = 0
                          THEN '病假'
                     ELSE '' END AS reason) s""")
        step("attendance")
        c.execute(
            """
            INSERT INTO evidence_duespayment (org_path, amount, month_from, month_to, paid_on,
                                              note, created_at, member_id, organization_id)
            SELECT f.org_path, 6.00, q.month_from, q.month_from + interval '2 months',
                   q.month_from + (f.id %% 20)::int, '', now(), f.id, f.organization_id
            FROM fate f CROSS JOIN LATERAL (
                SELECT (date_trunc('month', %(ref)s::date) - k * interval '3 months')::date
                       AS month_from
                FROM generate_series(1, 4) k) q
            WHERE q.month_from + (f.id %% 20)::int
                  <= COALESCE(f.stop, f.gone - 20, %(ref)s::date - 1)""",
            p,
        )
        step("dues")
        c.execute(
            """
            INSERT INTO evidence_contactrecord (org_path, date, channel, by_whom, with_member,
                                                away_since, note, created_at, member_id,
                                                organization_id)
            SELECT f.org_path, f.gone + 20, 'visit', '支部书记', FALSE, f.gone,
                   '走访家中，家属反映已外出打工，未向支部报告', now(), f.id, f.organization_id
            FROM fate f WHERE f.gone IS NOT NULL AND f.id %% 2 = 0 AND f.gone + 20 < %(ref)s""",
            p,
        )
        step("contact records")
    with transaction.atomic(), suspended():
        books_refresh()
        step("建账日期")
    with connection.cursor() as c:
        c.execute("SET work_mem = '256MB'")
        refresh_gaps()
        mark_all_current()
        step("EvidenceGap")
        c.execute("VACUUM ANALYZE")
        step("VACUUM ANALYZE")


if __name__ == "__main__":
    main()
