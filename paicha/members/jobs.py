"""Running a roster import outside the request: check, then (after confirmation) write.

A job's life: created CHECKING (upload) → `run_import_job` → CHECKED or REJECTED; confirmed
→ IMPORTING → `run_import_job` → DONE or REJECTED; any failure → FAILED, which can be retried
(`import_retry`, back to CHECKING). `run_import_job(job_id)` is the one entry point: a request
queues it for `paicha worker` (`launch`) and returns at once.

The step writes its progress, with the time, to a small file cache, readable from every
process and writable while the import's transaction holds SQLite's write lock: that is the
job's heartbeat. A job whose process died (a restart, an OOM kill) stops beating; once
`LEASE_SECONDS` pass without a beat, the page that polls it (or any caller of
`expire_if_stale`) marks it FAILED — its transaction died with it, so nothing was written —
and offers to run it again. Tests and the command line run inline
(settings.MEMBER_IMPORT_IN_BACKGROUND = False).
"""

import dataclasses
import logging
import time
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
                                            "total": total, "at": time.time()})

    return report


LEASE_SECONDS = 120  # a step reports at least every 5,000 rows, i.e. every few seconds
STUCK_MESSAGE = "导入过程意外中断（服务器重启或进程被终止），未导入任何数据：可以重新检查后再导入"


def last_beat(job: MemberImport) -> float:
    """When the job last showed it is alive (epoch seconds)."""
    beats = [(job.started_at or job.created_at).timestamp()]
    if (progress := read_progress(job.pk)) and "at" in progress:
        beats.append(progress["at"])
    return max(beats)


def expire_if_stale(job: MemberImport, *, now: float, lease: float = LEASE_SECONDS) -> bool:
    """Mark a running job whose heartbeat stopped FAILED; True if it was."""
    if not job.running or now - last_beat(job) <= lease:
        return False
    changed = MemberImport.objects.filter(pk=job.pk, state=job.state).update(
        state=ImportState.FAILED, message=STUCK_MESSAGE, finished_at=timezone.now())
    if changed:
        log.warning("member import %s stopped beating in state %s: marked failed", job.pk,
                    job.state)
        job.state, job.message = ImportState.FAILED, STUCK_MESSAGE
    return bool(changed)


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


def run_import_job(job_id: int) -> None:
    """Run the job's pending step to its end: the check of a CHECKING job, the write of an
    IMPORTING one; anything else is left alone. It never leaves the job running: an error
    marks it FAILED (nothing was written: the write is one transaction)."""
    job = MemberImport.objects.filter(pk=job_id).only("state").first()
    step = {ImportState.CHECKING: (run_check, "check"),
            ImportState.IMPORTING: (run_commit, "write")}.get(job.state if job else None)
    if step is None:
        return
    function, stage = step
    MemberImport.objects.filter(pk=job_id).update(started_at=timezone.now())
    _reporter(job_id)(stage, 0, 0)
    try:
        function(job_id)
    except Exception:  # the page must not poll forever
        log.exception("member import %s failed", job_id)
        MemberImport.objects.filter(pk=job_id).update(
            state=ImportState.FAILED, message="系统错误，未导入任何数据：可以重新检查，仍不成功请联系管理员",
            finished_at=timezone.now())
        return
    if stage == "write":
        # The new members' evidence rows are computed in the worker too, not in the first
        # request that lists 失联 members.
        run_later("paicha.evidence.gaps.catch_up")


def interrupted(job_id: int) -> None:
    """The worker died during a step (its transaction rolled back): the job ends FAILED and
    can be checked again."""
    MemberImport.objects.filter(
        pk=job_id, state__in=(ImportState.CHECKING, ImportState.IMPORTING)).update(
        state=ImportState.FAILED, message=STUCK_MESSAGE, finished_at=timezone.now())


on_interrupt("paicha.members.jobs.run_import_job", "paicha.members.jobs.interrupted")


def import_retry(*, job: MemberImport, acting_user) -> None:
    """A FAILED job checked again from its stored file (the user confirms again after)."""
    if job.state != ImportState.FAILED:
        raise ValueError("只有导入失败的文件可以重新检查")
    _save(job, state=ImportState.CHECKING, message="", summary={}, errors=[], preview=[],
          finished_at=None, started_at=None)
    progress_cache().delete(_key(job.pk))
    launch(job.pk)


def launch(job_id: int) -> None:
    """Run the job's pending step in the worker once the caller's transaction has committed
    (the worker must see the job row), or inline when so configured."""
    if getattr(settings, "MEMBER_IMPORT_IN_BACKGROUND", True):
        run_later("paicha.members.jobs.run_import_job", job_id)
    else:
        run_import_job(job_id)
