"""Running a roster import outside the request: check, then (after confirmation) write.

A request queues the work for `paicha worker` and returns at once; the page polls the
progress (htmx) which the worker writes to a small file cache, readable from every web
process and writable while the import's transaction holds SQLite's write lock. Tests and the
command line run the same functions inline (settings.MEMBER_IMPORT_IN_BACKGROUND = False).
"""

import dataclasses
import logging
from pathlib import Path

from django.conf import settings
from django.core.cache.backends.filebased import FileBasedCache
from django.utils import timezone

from paicha.core.jobs import on_interrupt, run_later

from .importing import (
    PREVIEW_ROWS,
    ImportFileError,
    ImportPlan,
    ImportRejected,
    import_commit,
    plan_import,
)
from .models import ImportState, MemberImport

log = logging.getLogger(__name__)
STAGES = {"check": "检查", "write": "写入"}

_cache = None


def progress_cache() -> FileBasedCache:
    global _cache
    if _cache is None:
        location = Path(settings.MEDIA_ROOT).parent / "cache" / "member-imports"
        _cache = FileBasedCache(str(location), {"TIMEOUT": 3600})
    return _cache


def _key(job_id: int) -> str:
    return f"member-import-{job_id}"


def read_progress(job_id: int) -> dict | None:
    return progress_cache().get(_key(job_id))


def _reporter(job_id: int):
    def report(stage: str, done: int, total: int) -> None:
        progress_cache().set(_key(job_id), {"stage": STAGES.get(stage, stage), "done": done,
                                            "total": total})

    return report


def _save(job: MemberImport, **fields) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=[*fields, "org_path"])


def _store_plan(job: MemberImport, plan: ImportPlan) -> dict:
    preview = [{"row": p.row, "action": "新增", "name": p.name, "org": p.organization.name}
               for p in plan.creates[:PREVIEW_ROWS]]
    preview += [{"row": p.row, "action": "更新", "name": p.name, "org": p.organization.name}
                for p in plan.updates[:max(0, PREVIEW_ROWS - len(preview))]]
    return {"summary": plan.summary(), "errors": [dataclasses.asdict(e) for e in plan.errors],
            "preview": preview}


def run_check(job_id: int) -> None:
    job = MemberImport.objects.select_related("organization", "created_by").get(pk=job_id)
    try:
        plan = plan_import(content=bytes(job.content), filename=job.filename,
                           organization=job.organization, acting_user=job.created_by,
                           progress=_reporter(job_id))
    except ImportFileError as exc:
        _save(job, state=ImportState.REJECTED, message=str(exc)[:300],
              finished_at=timezone.now())
        return
    state = ImportState.CHECKED if plan.ok else ImportState.REJECTED
    message = "" if plan.create_count or plan.updates or plan.error_count else "文件中没有党员数据"
    _save(job, state=state, message=message, **_store_plan(job, plan))


def run_commit(job_id: int) -> None:
    job = MemberImport.objects.select_related("organization", "created_by").get(pk=job_id)
    try:
        result = import_commit(content=bytes(job.content), filename=job.filename,
                               organization=job.organization, acting_user=job.created_by,
                               progress=_reporter(job_id))
    except ImportFileError as exc:
        _save(job, state=ImportState.REJECTED, message=str(exc)[:300],
              finished_at=timezone.now())
        return
    except ImportRejected as exc:
        _save(job, state=ImportState.REJECTED, finished_at=timezone.now(),
              message="确认时再次检查发现错误，未导入任何数据", **_store_plan(job, exc.plan))
        return
    _save(job, state=ImportState.DONE, finished_at=timezone.now(),
          message=f"已导入：新增{result.created}人，更新{result.updated}人",
          **_store_plan(job, result.plan))


def _guarded(function, job_id: int) -> None:
    try:
        function(job_id)
    except Exception:  # the page must not poll forever
        log.exception("member import %s failed", job_id)
        MemberImport.objects.filter(pk=job_id).update(
            state=ImportState.FAILED, message="系统错误，未导入任何数据，请联系管理员",
            finished_at=timezone.now())


STEPS = {"check": run_check, "commit": run_commit}


def run_step(step: str, job_id: int) -> None:
    """One step of an import, in the worker. After a write, the evidence rows of the new
    members are computed there too, not in the first request that lists 失联 members."""
    _guarded(STEPS[step], job_id)
    if step == "commit":
        run_later("paicha.evidence.gaps.catch_up")


def interrupted(step: str, job_id: int) -> None:
    """The worker died during a step (its transaction rolled back): a write can be confirmed
    again, a check needs the file uploaded again."""
    if step == "commit":
        MemberImport.objects.filter(pk=job_id, state=ImportState.IMPORTING).update(
            state=ImportState.CHECKED, message="导入过程中断，未写入任何数据，可以再次确认导入")
    else:
        MemberImport.objects.filter(pk=job_id, state=ImportState.CHECKING).update(
            state=ImportState.FAILED, finished_at=timezone.now(),
            message="检查过程中断，未导入任何数据，请重新上传")


on_interrupt("paicha.members.jobs.run_step", "paicha.members.jobs.interrupted")


def launch(function, job_id: int) -> None:
    """Run `function(job_id)` in the worker once the caller's transaction has committed
    (the worker must see the job row), or inline when so configured."""
    if not getattr(settings, "MEMBER_IMPORT_IN_BACKGROUND", True):
        function(job_id)
        return
    step = next(name for name, step_function in STEPS.items() if step_function is function)
    run_later("paicha.members.jobs.run_step", step, job_id)
