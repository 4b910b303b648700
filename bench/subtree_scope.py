"""Subtree queries at province scale: are they index range scans, and how fast?

Usage (against a database that `paicha demo --members N --orgs M` has filled, or that this
script fills when it holds no synthetic data yet):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/paicha_demo1m \
        .venv/bin/python bench/subtree_scope.py --members 1000000

Prints, for the whole synthetic province, one county, one grassroots committee and one
branch: the member count of the subtree, the time of that count, the time of the first
roster page (50 names ordered by org_path, name) and the query plan of the count.
"""

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paicha.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from paicha.members.models import Member  # noqa: E402
from paicha.organizations.models import Organization  # noqa: E402
from paicha.organizations.tree import subtree_q  # noqa: E402
from paicha.workspace.demo import build_synthetic  # noqa: E402


def timed(fn, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return value, statistics.median(times)


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        prefix = "EXPLAIN " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        cursor.execute(prefix + sql, params)
        return " | ".join(" ".join(str(c) for c in row) for row in cursor.fetchall())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--orgs", type=int, default=20_000)
    args = parser.parse_args()
    root = (
        Organization.objects.filter(name__startswith="合成测试省委组织部").order_by("path").first()
    )
    if root is None:
        print(f"building {args.members:,} synthetic members …")
        result = build_synthetic(members=args.members, orgs=args.orgs)
        print(f"built in {result.seconds:.1f} s")
        root = (
            Organization.objects.filter(name__startswith="合成测试省委组织部")
            .order_by("path")
            .first()
        )
    county = root.children.order_by("path").first()
    committee = county.children.order_by("path").first()
    branch = committee.children.order_by("path").first()
    print(f"database: {connection.vendor}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    for label, org in (
        ("province", root),
        ("county", county),
        ("committee", committee),
        ("branch", branch),
    ):
        members = Member.objects.filter(subtree_q(org.path))
        count, count_s = timed(members.count)
        page, page_s = timed(
            lambda: list(members.order_by("org_path", "name").values_list("name", flat=True)[:50])
        )
        print(
            f"{label:10} members={count:>9,}  count {count_s * 1000:8.1f} ms  "
            f"first page {page_s * 1000:7.1f} ms"
        )
        print(f"{'':10} plan: {plan(members.order_by().values('id'))[:300]}")


if __name__ == "__main__":
    main()
