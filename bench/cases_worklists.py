"""The lost-contact work lists and one approval at province scale.

Usage (a database of its own; `paicha demo --members N --orgs M` builds the synthetic tree):

    createdb -h 127.0.0.1 -U postgres paicha_bench_cases
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/paicha_bench_cases
    .venv/bin/paicha migrate && .venv/bin/paicha demo --members 300000 --orgs 6000
    .venv/bin/python bench/cases_worklists.py --cases 20000

Adds `--cases` open cases (about 1.3 % of the members are lost in the 2016 campaign's
figures) with three attempts each, one in four missing its second signature, and one in five
with a removal waiting somewhere in its chain; then prints the median time of each work list
for the whole synthetic province and for one county, and of one signed approval step.
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

from paicha.accounts.models import User  # noqa: E402
from paicha.audit.context import suspended  # noqa: E402
from paicha.cases import selectors, services  # noqa: E402
from paicha.cases.models import (  # noqa: E402
    ApprovalSignature,
    AttemptSigner,
    Disposition,
    LostContactCase,
    SearchAttempt,
)
from paicha.cases.rules import steps_for  # noqa: E402
from paicha.codes import (  # noqa: E402
    ApprovalDecision,
    CaseOutcome,
    DispositionCategory,
    MemberType,
    SearchMethod,
)
from paicha.members.models import Member  # noqa: E402
from paicha.organizations.models import Organization  # noqa: E402
from paicha.organizations.permissions import Role  # noqa: E402

AS_OF = datetime.date(2026, 11, 1)


def populate(root, count, rng):
    members = list(
        Member.objects.in_subtree(root)
        .filter(member_type=MemberType.FULL)
        .select_related("organization")
        .order_by("?")[: count + 2000]
    )
    by_branch: dict[int, list[Member]] = {}
    for m in members[count:]:
        by_branch.setdefault(m.organization_id, []).append(m)
    fallback = members[count : count + 2]
    with transaction.atomic(), suspended():
        cases = LostContactCase.objects.bulk_create(
            [
                LostContactCase(
                    organization=m.organization,
                    org_path=m.org_path,
                    member=m,
                    opened_on=AS_OF - datetime.timedelta(days=rng.randrange(30, 300)),
                    name=m.name,
                    gender=m.gender,
                    ethnicity=m.ethnicity,
                    birth_date=m.birth_date,
                    id_number=m.id_number,
                    member_type=m.member_type,
                    org_name=m.organization.name,
                    org_category=m.organization.category,
                    lost_since=AS_OF - datetime.timedelta(days=rng.randrange(200, 3000)),
                    outcome=CaseOutcome.UNREACHABLE if i % 5 == 0 else CaseOutcome.SEARCHING,
                    outcome_on=AS_OF - datetime.timedelta(days=20) if i % 5 == 0 else None,
                )
                for i, m in enumerate(members[:count])
            ],
            batch_size=5000,
        )
        attempts = SearchAttempt.objects.bulk_create(
            [
                SearchAttempt(
                    case=c,
                    organization_id=c.organization_id,
                    org_path=c.org_path,
                    seq=k + 1,
                    date=c.opened_on + datetime.timedelta(days=10 * k),
                    method=SearchMethod.PHONE,
                    reached="基准",
                    process="基准数据",
                )
                for c in cases
                for k in range(3)
            ],
            batch_size=5000,
        )
        signers = []
        for a in attempts:
            pool = by_branch.get(a.organization_id) or fallback
            n = 1 if rng.random() < 0.25 else 2
            a.signer_count = len(pool[:n])
            for s in pool[:n]:
                signers.append(
                    AttemptSigner(
                        case_id=a.case_id,
                        attempt=a,
                        signer=s,
                        signer_name=s.name,
                        signed_on=a.date,
                        organization_id=a.organization_id,
                        org_path=a.org_path,
                    )
                )
        AttemptSigner.objects.bulk_create(signers, batch_size=5000)
        SearchAttempt.objects.bulk_update(attempts, ["signer_count"], batch_size=5000)
        category = DispositionCategory.LOST_SELF_LAPSED
        removals = [c for i, c in enumerate(cases) if i % 5 == 0]
        dispositions = Disposition.objects.bulk_create(
            [
                Disposition(
                    case=c,
                    organization_id=c.organization_id,
                    org_path=c.org_path,
                    category=category,
                    proposal="基准",
                    proposed_on=AS_OF,
                )
                for c in removals
            ],
            batch_size=5000,
        )
        signatures = []
        for d in dispositions:
            for step in steps_for(category)[: rng.randrange(0, 6)]:
                signatures.append(
                    ApprovalSignature(
                        case_id=d.case_id,
                        disposition=d,
                        step=step,
                        round=1,
                        category=category,
                        decision=ApprovalDecision.APPROVED,
                        opinion="同意",
                        signed_on=AS_OF,
                        signer_name="基准",
                        signer_org_id=d.organization_id,
                        signer_org_name="基准",
                        organization_id=d.organization_id,
                        org_path=d.org_path,
                    )
                )
        ApprovalSignature.objects.bulk_create(signatures, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return len(cases)


def timed(func, repeat=5):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, result


def user_for(org, role):
    user = User.objects.filter(organization=org, role=role).first()
    return user or User.objects.create(
        username=f"bench-{role}-{org.pk}", organization=org, role=role, full_name="基准用户"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20000)
    args = parser.parse_args()
    root = Organization.objects.filter(code__startswith="P", parent__isnull=True).last()
    if root is None:
        sys.exit("先运行 paicha demo --members N --orgs M 生成合成数据")
    if not LostContactCase.objects.in_subtree(root).exists():
        started = time.perf_counter()
        n = populate(root, args.cases, random.Random(11))
        print(f"populated {n} cases in {time.perf_counter() - started:.1f} s")
    county = root.children.order_by("path").first()
    committee = county.children.order_by("path").first()
    print(
        f"cases: {LostContactCase.objects.in_subtree(root).count()}, "
        f"in one county: {LostContactCase.objects.in_subtree(county).count()}"
    )
    for label, org in (("province", root), ("county", county)):
        cases = LostContactCase.objects.in_subtree(org)
        ms, n = timed(lambda: len(selectors.cases_without_recent_attempt(cases, as_of=AS_OF)[:200]))
        print(f"{label}: no attempt in 30 days (first 200 of the list): {ms:.1f} ms ({n})")
        ms, n = timed(
            lambda: len(
                selectors.attempts_missing_signature(SearchAttempt.objects.in_subtree(org))[:200]
            )
        )
        print(f"{label}: attempts missing a signature (first 200): {ms:.1f} ms ({n})")
    department = user_for(county, Role.ORG_DEPARTMENT)
    reviewer = user_for(committee, Role.COMMITTEE_REVIEWER)
    for label, user in (("county department", department), ("committee reviewer", reviewer)):
        ms, n = timed(lambda: len(selectors.cases_waiting_for(user)), repeat=3)
        print(f"waiting for the {label}: {ms:.1f} ms ({n} cases)")
    waiting = selectors.cases_waiting_for(reviewer)
    if waiting:
        case = waiting[0]
        started = time.perf_counter()
        services.disposition_approve(
            case=case, acting_user=reviewer, step=case.waiting_step, opinion="同意", signed_on=AS_OF
        )
        print(f"one approval step signed: {(time.perf_counter() - started) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
