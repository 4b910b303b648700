"""The roster import run as a job (core.importing.jobs): its two steps, and the names the
pages, the worker and the tests use. Tests and the command line run inline
(settings.MEMBER_IMPORT_IN_BACKGROUND = False)."""

import dataclasses

from paicha.core.importing.jobs import LEASE_SECONDS, STUCK_MESSAGE, CheckOutcome, ImportJobKind

from .importing import PREVIEW_ROWS, ImportPlan, import_commit, plan_import

__all__ = ["LEASE_SECONDS", "STUCK_MESSAGE", "expire_if_stale", "import_retry", "launch",
           "read_progress", "run_import_job"]


def _store_plan(plan: ImportPlan) -> dict:
    preview = [{"row": p.row, "action": "新增", "name": p.name, "org": p.organization.name}
               for p in plan.creates[:PREVIEW_ROWS]]
    preview += [{"row": p.row, "action": "更新", "name": p.name, "org": p.organization.name}
                for p in plan.updates[:max(0, PREVIEW_ROWS - len(preview))]]
    return {"summary": plan.summary(), "errors": [dataclasses.asdict(e) for e in plan.errors],
            "preview": preview}


def _check(job, progress) -> CheckOutcome:
    plan = plan_import(content=bytes(job.content), filename=job.filename,
                       organization=job.organization, acting_user=job.created_by,
                       progress=progress)
    message = "" if plan.create_count or plan.updates or plan.error_count else "文件中没有党员数据"
    return CheckOutcome(ok=plan.ok, stored=_store_plan(plan), message=message)


def _commit(job, progress) -> CheckOutcome:
    result = import_commit(content=bytes(job.content), filename=job.filename,
                           organization=job.organization, acting_user=job.created_by,
                           progress=progress)
    return CheckOutcome(ok=True, stored=_store_plan(result.plan),
                        message=f"已导入：新增{result.created}人，更新{result.updated}人")


ROSTER = ImportJobKind(
    model="members.MemberImport", run_path="paicha.members.jobs.run_import_job",
    name="member-import", check=_check, commit=_commit, rejected=_store_plan,
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
