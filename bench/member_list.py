"""The filtered member list on a 1,000,000-member subtree (target: under 150 ms a page on
PostgreSQL).

Usage:
    .venv/bin/python bench/member_list.py [--members 1000000] [--db paicha_bench_members]

Creates (once) its own PostgreSQL database, migrates it, fills it with `paicha demo`'s synthetic
province, then requests /members/ through Django's test client as the province's organization
department — first page, a deep page (cursor in the middle of the roster) and pages under
filters, rare ones included — and prints the median time of each, plus the page's query plan.
"""

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def ensure_database(name: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            c.execute(f'CREATE DATABASE "{name}"')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--db", default="paicha_bench_members")
    args = parser.parse_args()
    ensure_database(args.db)
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paicha.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from paicha.accounts.models import User
    from paicha.members.models import Member
    from paicha.members.selectors import encode_cursor, member_roster
    from paicha.organizations.models import Organization
    from paicha.organizations.permissions import Role
    from paicha.workspace.demo import build_synthetic

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    root = Organization.objects.filter(name__startswith="合成测试省委组织部").first()
    if root is None:
        print(f"building {args.members:,} synthetic members …", flush=True)
        result = build_synthetic(members=args.members, orgs=args.members // 50)
        print(f"built in {result.seconds:.1f} s", flush=True)
        root = Organization.objects.filter(name__startswith="合成测试省委组织部").first()
    user, _ = User.objects.get_or_create(
        username="bench-list",
        defaults={"organization": root, "role": Role.ORG_DEPARTMENT, "full_name": "基准"},
    )
    client = Client()
    client.force_login(user)
    total = Member.objects.in_subtree(root).count()
    print(f"PostgreSQL, subtree of {total:,} members, page of 50, median of 7 requests")
    members, _ = member_roster(user, {})
    middle = members[total // 2]
    cases = [
        ("first page", {}),
        ("deep page (middle of the roster)", {"after": encode_cursor(middle)}),
        ("女", {"gender": "F"}),
        ("预备党员", {"member_type": "probationary"}),
        ("少数民族 + 大学本科", {"ethnicity": "minority", "education": "2"}),
        ("流动党员 (3%)", {"flag": "flowing"}),
        ("参教信教党员 (0.2%)", {"flag": "religious"}),
        ("pinyin initials 'zw'", {"q": "zw"}),
        ("学生 + 研究生", {"person_category": "student", "student_level": "postgraduate"}),
        ("all statuses", {"status": "all"}),
    ]
    print(f"  {'':36} {'request':>10} {'SQL':>9}  (median; SQL = time in the database)")
    for label, params in cases:
        times, sql_times = [], []
        for _ in range(7):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get("/members/", params)
                times.append(time.perf_counter() - start)
            assert response.status_code == 200, response.status_code
            sql_times.append(sum(float(q["time"]) for q in queries.captured_queries))
        print(
            f"  {label:36} {statistics.median(times) * 1000:7.1f} ms "
            f"{statistics.median(sql_times) * 1000:6.1f} ms"
        )
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    sql, params = members.filter(religious=True).values("id")[:51].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN ANALYZE " + sql, params)
        print("plan (参教信教党员):", " | ".join(r[0].strip() for r in cursor.fetchall())[:600])


if __name__ == "__main__":
    main()
