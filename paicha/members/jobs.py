"""Imports run as jobs (core.importing.jobs) in `MemberImport` rows: the roster's two steps,
and those of the imports declared on core.importing.cycle (a large dues ledger, attendance
sheet or transfers' history), told apart by the job's `kind`. Tests and the command line run
inline (settings.MEMBER_IMPORT_IN_BACKGROUND = False)."""

import dataclasses

from django.db import transaction

from paicha.core.importing.cycle import Importer
from paicha.core.importing.jobs import (
    LEASE_SECONDS,
    STUCK_MESSAGE,
    CheckOutcome,
    ImportJobKind,
    check_declared,
    commit_declared,
    stored_plan,
)
from paicha.core.importing.reading import upload_content

from .importing import PREVIEW_ROWS, ImportPlan, import_commit, plan_import
from .models import MemberImport

__all__ = [
    "LEASE_SECONDS",
    "STUCK_MESSAGE",
    "expire_if_stale",
    "import_retry",
    "launch",
    "read_progress",
    "run_import_job",
]


def _store_plan(plan: ImportPlan) -> dict:
    preview = [
        {"row": p.row, "action": "新增", "name": p.name, "org": p.organization.name}
        for p in plan.creates[:PREVIEW_ROWS]
    ]
    preview += [
        {
            "row": p.row,
            "action": "未改动" if p.unchanged else "更新",
            "name": p.name,
            "org": p.organization.name,
        }
        for p in plan.updates[: max(0, PREVIEW_ROWS - len(preview))]
    ]
    return {
        "summary": plan.summary(),
        "errors": [dataclasses.asdict(e) for e in plan.errors],
        "preview": preview,
    }


def _rejected(plan) -> dict:
    return _store_plan(plan) if isinstance(plan, ImportPlan) else stored_plan(plan)


def _check(job, progress) -> CheckOutcome:
    if job.kind:
        return check_declared(job, progress)
    plan = plan_import(
        content=bytes(job.content),
        filename=job.filename,
        organization=job.organization,
        acting_user=job.created_by,
        progress=progress,
    )
    message = "" if plan.create_count or plan.updates or plan.error_count else "文件中没有党员数据"
    return CheckOutcome(ok=plan.ok, stored=_store_plan(plan), message=message)


def _commit(job, progress) -> CheckOutcome:
    if job.kind:
        return commit_declared(job, progress)
    result = import_commit(
        content=bytes(job.content),
        filename=job.filename,
        organization=job.organization,
        acting_user=job.created_by,
        progress=progress,
    )
    return CheckOutcome(
        ok=True,
        stored=_store_plan(result.plan),
        message=f"已导入：新增{result.created}人，更新{result.updated}人"
        + (f"，{result.unchanged}人与名册一致未改动" if result.unchanged else ""),
    )


ROSTER = ImportJobKind(
    model="members.MemberImport",
    run_path="paicha.members.jobs.run_import_job",
    name="member-import",
    check=_check,
    commit=_commit,
    rejected=_rejected,
    # The new members' evidence rows are computed in the worker too, not in the first
    # request that lists 失联 members.
    after_write="paicha.evidence.gaps.catch_up",
    in_background_setting="MEMBER_IMPORT_IN_BACKGROUND",
    interrupted_path="paicha.members.jobs.interrupted",
)

read_progress = ROSTER.read_progress
expire_if_stale = ROSTER.expire_if_stale
launch = ROSTER.launch
_reporter = ROSTER.reporter


def run_import_job(job_id: int) -> None:
    ROSTER.run(job_id)


def interrupted(job_id: int) -> None:
    ROSTER.interrupted(job_id)


def import_retry(*, job, acting_user) -> None:
    ROSTER.retry(job)


def import_job_start(*, declaration: Importer, file, organization, acting_user) -> MemberImport:
    """Keep a large file of a declared import and check it in the worker; the user follows
    it on the job's page and confirms there. Raises PermissionDenied as the import would, or
    ImportRejected for a file too big to keep."""
    declaration.authorize()
    content, filename = upload_content(file)
    kind = f"{type(declaration).__module__}.{type(declaration).__name__}"
    with transaction.atomic():
        job = MemberImport.objects.create(
            organization=organization,
            created_by=acting_user,
            filename=filename[:200],
            content=content,
            kind=kind,
            params=declaration.job_params(),
        )
        launch(job.pk)
    return job
