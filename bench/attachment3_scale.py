"""附件3's counting at province scale: rows 2 and 3 (经查找取得联系 / 仍然无法取得联系), which
this form counts itself by conditional aggregation in one query, timed apart from row 1 (排查前在
册失联党员, the evidence app's count, which needs its derived EvidenceGap rows built first).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/paicha_demo1m \
        .venv/bin/python bench/attachment3_scale.py

Needs the synthetic province and the cases of bench/forms_scale.py. Prints the median of 5
runs for the province and one county, the number of queries, and the load average.
"""

import datetime
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paicha.settings")

import django

django.setup()

from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from paicha.codes import CaseOutcome
from paicha.organizations.models import Organization
from paicha.reports.catalogue.summary import count_rows, outcome_cases

FILL = datetime.date(2026, 11, 1)
ROWS = {
    "regained": Q(outcome=CaseOutcome.REGAINED),
    "unreachable": Q(outcome=CaseOutcome.UNREACHABLE),
}


def main():
    root = (
        Organization.objects.filter(name__startswith="合成测试省委组织部").order_by("path").first()
    )
    if root is None:
        sys.exit("先运行 paicha demo --members 1000000 和 bench/forms_scale.py 建立合成数据")
    county = root.children.order_by("path").first()
    print(f"database: {connection.vendor}")
    print("load average before: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    for label, org in (("province", root), ("county", county)):
        times = []
        for _ in range(5):
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                counted = count_rows(outcome_cases(org, FILL), FILL, ROWS)
            times.append(time.perf_counter() - start)
        print(
            f"rows 2-3 {label:9} {statistics.median(times) * 1000:8.1f} ms (median of 5)  "
            f"queries={len(queries)}  totals={counted['regained']['total']}/"
            f"{counted['unreachable']['total']}"
        )
    print("load average after:  " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
