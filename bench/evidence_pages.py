"""The evidence pages of a synthetic province, whole requests (view, queries, template), on the
database of DATABASE_URL (targets on PostgreSQL with 1,000,000 members: the 失联 and 失控 lists
of any subtree < 500 ms, the dashboard at the top < 1 s, the home page fast).

Usage:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME \\
        .venv/bin/python bench/evidence_pages.py [--runs 5]

The database needs `paicha demo --members N --orgs M` and its evidence (bench/evidence_data.py).
For the province, its first county and one branch, it signs in a 组织部门 account of that
organization (bench-ev-*) and requests each page `--runs` times after one warm-up request,
printing the median whole request, the median time in the database and the number of rows
the page counts, with the load average beside the figures.
"""

import argparse
import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paicha.settings")

PAGES = [
    ("失联 list", "/evidence/lost/", r"（(\d+) 人待查找）"),
    ("失控 list", "/evidence/uncontrolled/", r"（(\d+) 人）"),
    ("dashboard", "/evidence/dashboard/", r'id="total-lost".*?fs-4[^>]*>(\d+)<'),
    ("home", "/", r'id="home-lost">(\d+)<'),
    ("member list", "/members/", None),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from paicha.accounts.models import User
    from paicha.members.models import Member
    from paicha.organizations.models import Organization
    from paicha.organizations.permissions import Role

    settings.ALLOWED_HOSTS = ["*"]
    root = (
        Organization.objects.filter(name__startswith="合成测试省委组织部").order_by("path").first()
    )
    if root is None:
        sys.exit("先运行 paicha demo --members 1000000 --orgs 20000 和 bench/evidence_data.py")
    county = root.children.order_by("path").first()
    branch = (
        Organization.objects.filter(path__startswith=county.path, kind="branch")
        .order_by("path")
        .first()
    )
    print(
        f"database: {connection.vendor}, {Member.objects.count():,} members; "
        f"median of {args.runs} requests after one warm-up"
    )
    for org in (root, county, branch):
        user, _ = User.objects.get_or_create(
            username=f"bench-ev-{org.code}",
            defaults={"organization": org, "role": Role.ORG_DEPARTMENT, "full_name": "基准"},
        )
        client = Client()
        client.force_login(user)
        size = Member.objects.in_subtree(org).count()
        print(
            f"{org.name}: subtree of {size:,} members; load average "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )
        for label, url, pattern in PAGES:
            client.get(url)
            times, sql = [], []
            for _ in range(args.runs):
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    response = client.get(url)
                    times.append(time.perf_counter() - start)
                assert response.status_code == 200, (url, response.status_code)
                sql.append(sum(float(q["time"]) for q in queries.captured_queries))
            body = response.content.decode()
            found = re.search(pattern, body, re.DOTALL) if pattern else None
            count = next((g for g in found.groups() if g), "") if found else ""
            print(
                f"  {label:12} {statistics.median(times) * 1000:8.0f} ms   SQL "
                f"{statistics.median(sql) * 1000:7.0f} ms   {len(queries.captured_queries):3} "
                f"queries   {len(body) / 1024:6.0f} kB   {count:>7}"
            )
        print(f"  load average {os.getloadavg()[0]:.1f} after")


if __name__ == "__main__":
    main()
