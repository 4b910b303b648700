"""The campaign progress board and the reminder box at province scale.

Usage (a database of its own; `paicha demo --members N --orgs M` builds the synthetic tree):

    createdb -h 127.0.0.1 -U postgres paicha_bench_campaigns
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/paicha_bench_campaigns
    .venv/bin/paicha migrate && .venv/bin/paicha demo --members 300000 --orgs 6000
    .venv/bin/python bench/campaigns_board.py

Starts a campaign of the seed 003 template at the root, marks the 集中摸排 and 联系查找 steps
done for two branches in three, has half of the branches hand in their two registers (one in
five of them returned), and prints the median time of the board for the whole tree and for
one child, of the reminder box for the department, and of one submission.
"""

import datetime
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paicha.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from paicha.accounts.models import User  # noqa: E402
from paicha.audit.context import suspended  # noqa: E402
from paicha.campaigns import selectors, services  # noqa: E402
from paicha.campaigns.choices import Level  # noqa: E402
from paicha.campaigns.models import Campaign, Step, StepProgress, Submission  # noqa: E402
from paicha.codes import OrgKind  # noqa: E402
from paicha.core.bulk import bulk_insert  # noqa: E402
from paicha.organizations.models import Organization  # noqa: E402
from paicha.organizations.permissions import Role  # noqa: E402

AS_OF = datetime.date(2016, 5, 10)


def median_ms(fn, runs=5):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main():
    root = Organization.objects.filter(parent__isnull=True).order_by("path").first()
    department = User.objects.filter(organization=root).first() or User.objects.create_user(
        "bench_campaigns", password="Secret-pass-1", organization=root, role=Role.ORG_DEPARTMENT
    )
    if department.role != Role.ORG_DEPARTMENT:
        department.role = Role.ORG_DEPARTMENT
        department.save()
    Campaign.objects.filter(name="基准测试排查").delete()
    with suspended():
        campaign = services.campaign_create_from_template(
            org=root,
            template="province-steps",
            name="基准测试排查",
            doc_number="湘组〔2016〕4号",
            start=datetime.date(2016, 1, 27),
            acting_user=department,
        )
        branches = list(
            Organization.objects.subtree(root).filter(kind=OrgKind.BRANCH).values_list("pk", "path")
        )
        steps = [
            s
            for s in Step.objects.filter(phase__campaign=campaign, level=Level.BRANCH)
            if s.phase.order <= 2
        ]
        rows = [
            (campaign.pk, pk, path, s.pk, datetime.date(2016, 3, 1), "", "", "")
            for i, (pk, path) in enumerate(branches)
            if i % 3
            for s in steps
        ]
        bulk_insert(
            StepProgress,
            [
                "campaign_id",
                "organization_id",
                "org_path",
                "step_id",
                "done_on",
                "evidence",
                "minutes",
                "minutes_name",
            ],
            rows,
        )
        now = timezone.now()
        data = {"title": "基准", "columns": [], "rows": [], "checks": []}
        subs = [
            (
                campaign.pk,
                pk,
                path,
                slug,
                datetime.date(2016, 4, 20),
                1,
                datetime.date(2016, 4, 18),
                data,
                now,
                "returned" if i % 10 == 0 else "submitted",
                "",
            )
            for i, (pk, path) in enumerate(branches)
            if i % 2 == 0
            for slug in ("regained-register", "unreachable-register")
        ]
        import json

        subs = [(*s[:7], json.dumps(s[7], ensure_ascii=False), *s[8:]) for s in subs]
        bulk_insert(
            Submission,
            [
                "campaign_id",
                "organization_id",
                "org_path",
                "form_slug",
                "period",
                "version",
                "as_of",
                "data",
                "submitted_at",
                "status",
                "return_reason",
            ],
            subs,
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE campaigns_stepprogress; ANALYZE campaigns_submission")
    orgs = Organization.objects.subtree(root).count()
    child = Organization.objects.filter(parent=root).order_by("path").first()
    print(
        f"{connection.vendor}: {orgs} organizations, {len(branches)} branches, "
        f"{StepProgress.objects.filter(campaign=campaign).count()} steps done, "
        f"{Submission.objects.filter(campaign=campaign).count()} submissions"
    )
    whole = median_ms(lambda: selectors.progress_board(campaign, root, as_of=AS_OF))
    print(f"board, whole tree:        {whole:8.1f} ms")
    print(
        f"board, one child ({child.name[:12]}): "
        f"{median_ms(lambda: selectors.progress_board(campaign, child, as_of=AS_OF)):8.1f} ms"
    )
    reminders = median_ms(lambda: selectors.reminders(department, as_of=AS_OF))
    print(f"reminder box, department: {reminders:8.1f} ms")
    branch = Organization.objects.get(pk=branches[1][0])
    worker = User.objects.create_user(
        f"bench_w{branch.pk}_{time.time_ns()}",
        password="x",
        organization=branch,
        role=Role.BRANCH_WORKER,
    )

    def submit_once():
        with transaction.atomic():
            services.submission_submit(
                campaign=campaign,
                org=branch,
                form_slug="regained-register",
                period=datetime.date(2016, 4, 20),
                as_of=datetime.date(2016, 4, 18),
                acting_user=worker,
            )
            transaction.set_rollback(True)

    print(f"one submission:           {median_ms(submit_once):8.1f} ms")


if __name__ == "__main__":
    main()
