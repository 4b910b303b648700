"""The open-receipt list, the overdue list, 附件4 and the 流动党员 count at province scale.

Usage (a database of its own; `paicha demo --members N --orgs M` builds the synthetic tree):

    createdb -h 127.0.0.1 -U postgres paicha_bench_transfers
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/paicha_bench_transfers
    .venv/bin/paicha migrate && .venv/bin/paicha demo --members 300000 --orgs 6000
    .venv/bin/python bench/transfers_scale.py --transfers 150000

Adds `--transfers` letters since 2007 (about a tenth without a receipt) and flow records for
5 % of the members once, then prints the median time of each selector for the whole synthetic
province and for one county.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paicha.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from paicha.audit.context import suspended  # noqa: E402
from paicha.codes import FlowScope, ProvinceScope, TransferDirection, TransferState  # noqa: E402
from paicha.core.bulk import bulk_insert  # noqa: E402
from paicha.members.models import Member  # noqa: E402
from paicha.organizations.models import Organization  # noqa: E402
from paicha.transfers import selectors  # noqa: E402
from paicha.transfers.models import FlowRecord, Transfer  # noqa: E402

AS_OF = datetime.date(2026, 11, 1)
T_FIELDS = (
    "direction",
    "organization",
    "org_path",
    "member",
    "letter_number",
    "letter_date",
    "counterpart_name",
    "province_scope",
    "permanence",
    "contact_phone",
    "contact_wechat",
    "destination",
    "backup_contact",
    "backup_contact_phone",
    "validity_days",
    "receipt_due",
    "state",
    "receipt_date",
    "refused_reason",
    "talk_by",
    "talk_notes",
    "remarks",
    "created_at",
    "updated_at",
)
F_FIELDS = (
    "member",
    "organization",
    "org_path",
    "destination",
    "since",
    "scope",
    "certificate_number",
    "certificate_issued_by",
    "contact_person",
    "contact_phone",
    "reported",
    "closed_reason",
    "created_at",
    "updated_at",
)


def populate(root, count, rng):
    now = datetime.datetime.now(datetime.UTC)
    members = list(Member.objects.in_subtree(root).values_list("pk", "organization_id", "org_path"))
    rng.shuffle(members)

    def transfers():
        for i in range(count):
            pk, org, path = members[i % len(members)]
            letter = datetime.date(2007, 8, 1) + datetime.timedelta(days=rng.randrange(7000))
            open_ = rng.random() < 0.1
            receipt = None if open_ else letter + datetime.timedelta(days=rng.randrange(5, 90))
            yield (
                rng.choice((TransferDirection.OUT, TransferDirection.IN)),
                org,
                path,
                pk,
                "",
                letter,
                "基准接收单位",
                rng.choice((ProvinceScope.WITHIN, ProvinceScope.OUTSIDE)),
                "permanent",
                "",
                "",
                "",
                "",
                "",
                30,
                letter + datetime.timedelta(days=60),
                TransferState.OPEN if open_ else TransferState.RECEIPTED,
                receipt,
                "",
                "",
                "",
                "基准数据",
                now,
                now,
            )

    def flows():
        for pk, org, path in members[: len(members) // 20]:
            yield (
                pk,
                org,
                path,
                "基准流入地",
                datetime.date(2010, 1, 1) + datetime.timedelta(days=rng.randrange(6000)),
                FlowScope.CROSS_PROVINCE,
                "",
                "",
                "",
                "",
                False,
                "",
                now,
                now,
            )

    with transaction.atomic(), suspended():
        bulk_insert(Transfer, T_FIELDS, transfers())
        bulk_insert(FlowRecord, F_FIELDS, flows())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def timed(fn, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return value, statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--transfers", type=int, default=150_000)
    args = parser.parse_args()
    root = (
        Organization.objects.filter(name__startswith="合成测试省委组织部").order_by("path").first()
    )
    if root is None:
        sys.exit("先运行 paicha demo --members N --orgs M 建立合成数据")
    if not Transfer.objects.in_subtree(root).exists():
        start = time.perf_counter()
        populate(root, args.transfers, random.Random(11))
        print(f"added {args.transfers:,} transfers in {time.perf_counter() - start:.1f} s")
    county = root.children.order_by("path").first()
    print(
        f"database: {connection.vendor}; members {Member.objects.in_subtree(root).count():,}; "
        f"transfers {Transfer.objects.in_subtree(root).count():,}; "
        f"flow records {FlowRecord.objects.in_subtree(root).count():,}"
    )
    checks = {
        "unreceipted (count)": lambda org: selectors.unreceipted_transfers_out(
            org=org, as_of=AS_OF
        ).count(),
        "unreceipted (first 50)": lambda org: len(
            list(
                selectors.unreceipted_transfers_out(org=org, as_of=AS_OF).order_by("-letter_date")[
                    :50
                ]
            )
        ),
        "overdue (count)": lambda org: selectors.overdue_transfers_out(
            org=org, as_of=AS_OF
        ).count(),
        "receipt_statistics 2016": lambda org: selectors.receipt_statistics(org=org, year=2016),
        "flowing_members_count": lambda org: selectors.flowing_members_count(
            org=org, start=datetime.date(2016, 1, 1), end=AS_OF
        ),
    }
    for name, fn in checks.items():
        for label, org in (("province", root), ("county", county)):
            value, seconds = timed(lambda: fn(org))
            shown = value if isinstance(value, int) else "2 rows"
            print(f"{name:26} {label:9} {seconds * 1000:8.1f} ms  -> {shown}")


if __name__ == "__main__":
    main()
