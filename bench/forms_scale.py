"""附件5 and 附件3 for a 1,000,000-member subtree, live from the records.

Target: 附件3 under 1 s, 附件5 under 300 ms at the top of 1,000,000 members, on PostgreSQL.
Prints the load average (os.getloadavg) beside the figures, and for 附件3 the number of SQL
queries it takes (its bands are counted by conditional aggregation, one query per source).
Usage:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/paicha_demo1m \
        .venv/bin/python bench/forms_scale.py --cases 40000

Needs the synthetic province of `paicha demo --members 1000000` (see bench/subtree_scope.py);
adds `--cases` lost-contact cases (about 4 % of members, in every state) once, then times
building each form for the whole province and for one county, and prints the figures.
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
from django.db.models import Q  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from paicha.audit.context import suspended  # noqa: E402
from paicha.cases.models import Disposition, LostContactCase  # noqa: E402
from paicha.codes import CaseOutcome, DispositionState  # noqa: E402
from paicha.members.models import Member  # noqa: E402
from paicha.organizations.models import Organization  # noqa: E402
from paicha.reports.declarations import get_form  # noqa: E402

FILL = datetime.date(2026, 11, 1)
LEAVES = "CDEFHIJKLMN"  # contacted side
LOST_LEAVES = "QRTUVW"


def add_cases(root, count: int, rng: random.Random) -> None:
    # Cases are opened for members who are lost on the fill date (as a real search would),
    # counting from the start of the stretch that makes them lost; any left over go to
    # members chosen at random.
    from paicha.evidence.models import EvidenceGap

    lost = dict(
        EvidenceGap.objects.filter(org_path__startswith=root.path, lost_on__lte=FILL)
        .filter(Q(until__isnull=True) | Q(until__gt=FILL))
        .order_by("member_id")
        .values_list("member_id", "start")[:count]
    )
    members = list(lost)
    if len(members) < count:
        members += list(
            Member.objects.in_subtree(root)
            .exclude(pk__in=members)
            .order_by("?")
            .values_list("pk", flat=True)[: count - len(members)]
        )
    with transaction.atomic(), suspended():
        for start in range(0, len(members), 5000):
            chunk = Member.objects.filter(pk__in=members[start : start + 5000]).select_related(
                "organization"
            )
            cases, dispositions = [], []
            for m in chunk:
                roll = rng.random()
                outcome = (
                    CaseOutcome.REGAINED
                    if roll < 0.5
                    else CaseOutcome.UNREACHABLE
                    if roll < 0.8
                    else CaseOutcome.DECEASED
                    if roll < 0.82
                    else CaseOutcome.SEARCHING
                )
                case = LostContactCase(
                    organization=m.organization,
                    org_path=m.org_path,
                    member=m,
                    opened_on=datetime.date(2026, 3, 1),
                    name=m.name,
                    gender=m.gender,
                    ethnicity=m.ethnicity,
                    birth_date=m.birth_date,
                    education=m.education,
                    id_number=m.id_number,
                    member_type=m.member_type,
                    join_date=m.join_date,
                    full_date=m.full_date,
                    org_name=m.organization.name,
                    org_category=m.organization.category,
                    lost_since=lost.get(m.pk)
                    or (datetime.date(2025, 1, 1) - datetime.timedelta(days=rng.randrange(4000))),
                    loss_reason=str(rng.randrange(1, 8)),
                    occupation=str(rng.randrange(1, 9)),
                    outcome=outcome,
                    # Decided on the fill date, when every one of them had been lost 6 months.
                    outcome_on=None if outcome == CaseOutcome.SEARCHING else FILL,
                )
                cases.append(case)
            LostContactCase.objects.bulk_create(cases)
            for case in cases:
                if case.outcome == CaseOutcome.SEARCHING or rng.random() < 0.3:
                    continue
                letter = (
                    "X"
                    if case.outcome == CaseOutcome.DECEASED
                    else rng.choice(LEAVES)
                    if case.outcome == CaseOutcome.REGAINED
                    else rng.choice(LOST_LEAVES)
                )
                dispositions.append(
                    Disposition(
                        case=case,
                        organization_id=case.organization_id,
                        org_path=case.org_path,
                        category=letter,
                        proposal="基准数据",
                        proposed_on=datetime.date(2026, 7, 1),
                        state=DispositionState.EFFECTIVE,
                        effective_on=FILL,
                    )
                )
            Disposition.objects.bulk_create(dispositions)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def timed(fn, repeat=3):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return value, statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=40_000)
    args = parser.parse_args()
    root = (
        Organization.objects.filter(name__startswith="合成测试省委组织部").order_by("path").first()
    )
    if root is None:
        sys.exit("先运行 paicha demo --members 1000000 建立合成数据")
    existing = LostContactCase.objects.in_subtree(root).count()
    if existing < args.cases:
        start = time.perf_counter()
        add_cases(root, args.cases - existing, random.Random(5))
        print(f"added {args.cases - existing:,} cases in {time.perf_counter() - start:.1f} s")
    members = Member.objects.in_subtree(root).count()
    county = root.children.order_by("path").first()
    print(
        f"database: {connection.vendor}; members {members:,}; "
        f"cases {LostContactCase.objects.in_subtree(root).count():,}"
    )
    print("load average before: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    for slug in ("attachment5", "attachment3"):
        form = get_form(slug)
        for label, org in (("province", root), ("county", county)):
            # What the form's page waits for: the figures and the checks within the form; the
            # checks against the evidence (a second path over every member) load after it.
            result, seconds = timed(lambda: form.build(org=org, as_of=FILL, evidence_checks=False))
            with CaptureQueriesContext(connection) as queries:
                form.build(org=org, as_of=FILL, evidence_checks=False)
            totals = ""
            if slug == "attachment3":
                totals = "  totals=" + "/".join(str(r["total"]) for r in result.rows)
            print(
                f"{slug:12} {label:9} {seconds * 1000:8.1f} ms  rows={len(result.rows):5}  "
                f"queries={len(queries):3}  failed checks={len(result.failed_checks)}{totals}"
            )
            if form.has_evidence_checks:
                checks, seconds = timed(
                    lambda: form.evidence_checks(result.rows, org=org, as_of=FILL)
                )
                failed = sum(not c.ok for c in checks)
                print(
                    f"{'':12} {'':9} {seconds * 1000:8.1f} ms  its check against the "
                    f"evidence, loaded after the table ({len(checks)} checks, {failed} failed)"
                )
    print("load average after:  " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
