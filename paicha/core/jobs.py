"""Background work: what runs in `paicha worker` rather than in a web request.

Two ways in:

* `run_later("paicha.app.module.function", *args)` runs a function of the product in the
  worker once the caller's transaction has committed (imports, the evidence catch-up,
  housekeeping). The arguments are JSON values (ids, not objects). The function makes its own
  writes atomic: a worker killed half-way leaves the database as it was.
* A *file job* prepares a file a user waits for (a large export): a view calls
  `file_job_start(acting_user=..., builder="paicha.app.module.build", title=..., params=...)`
  and redirects to `job_url(job)`; the page shows the progress and offers the file when it
  is ready, or the reason and a retry button when it failed.

The queue is django-tasks with its database backend (a table of the product's own database,
SQLite or PostgreSQL), so nothing else has to be installed or run besides the worker.
With settings.TASKS_INLINE (the tests) everything runs at once in the caller's process.
"""

from __future__ import annotations

import contextvars
import datetime
import logging
import os
import socket
import time
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from .models import BackgroundJob, JobState, WorkerHeartbeat

log = logging.getLogger(__name__)

# The worker running this process's task, set by `paicha worker` (empty inline).
CURRENT_WORKER = {"id": ""}


# ----------------------------------------------------------------------------- calls


def _resolve(path: str) -> Callable:
    if not path.startswith("paicha."):
        raise ValueError(f"not a function of the product: {path}")
    return import_string(path)


@task()
def call(path: str, args: list) -> None:
    """The one task of the queue: run a function of the product by its dotted path."""
    _resolve(path)(*args)


def run_later(path: str, *args, once: bool = False) -> None:
    """Run `path(*args)` in the worker after the current transaction commits (at once with
    settings.TASKS_INLINE). With `once`, nothing is queued while the same call still waits."""
    _resolve(path)  # a wrong path fails here, in the caller, not later in the worker
    if settings.TASKS_INLINE:
        _resolve(path)(*args)
        return

    def enqueue():
        if once and _waiting(path, list(args)):
            return
        call.enqueue(path, list(args))

    transaction.on_commit(enqueue)


def _waiting(path: str, args: list) -> bool:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, args_kwargs__args=[path, args]
    ).exists()


# ----------------------------------------------------------------------------- file jobs


def file_job_start(*, acting_user, builder: str, title: str, params: dict) -> BackgroundJob:
    """Queue the file `builder(job, progress) -> (filename, content: bytes)` for the user.

    `builder` is the dotted path of a function of the product; it reads its parameters from
    `job.params` and the user from `job.created_by`, calls `progress(stage, done, total)` now
    and then, and only reads the database. Redirect the user to `job_url(job)`."""
    _resolve(builder)
    job = BackgroundJob.objects.create(
        kind=builder, title=title[:200], params=params, created_by=acting_user
    )
    run_later("paicha.core.jobs.run_file_job", job.pk)
    return job


def file_job_retry(*, acting_user, job: BackgroundJob) -> BackgroundJob:
    """Queue a failed job again (its creator only)."""
    if job.created_by_id != acting_user.pk or job.state != JobState.FAILED:
        raise ValueError("只有失败的任务可以重试")
    BackgroundJob.objects.filter(pk=job.pk).update(
        state=JobState.QUEUED, message="", done=0, total=0, stage="", finished_at=None
    )
    run_later("paicha.core.jobs.run_file_job", job.pk)
    job.refresh_from_db()
    return job


def job_url(job: BackgroundJob) -> str:
    return reverse("job_detail", args=[job.pk])


class JobRefused(Exception):
    """A builder's refusal with a reason for the user (no longer allowed, nothing to build)."""


# The progress callback of the file job this thread is building (None outside a job).
_CURRENT_PROGRESS: contextvars.ContextVar[Callable | None] = contextvars.ContextVar(
    "paicha_job_progress", default=None
)


def report_progress(stage: str, done: int, total: int) -> None:
    """Tell the file job being built how far it is (nothing happens outside a job): code deep
    inside a builder (a renderer writing rows) reports without being handed the callback."""
    progress = _CURRENT_PROGRESS.get()
    if progress is not None:
        progress(stage, done, total)


def _progress(job_id: int) -> Callable:
    last = [0.0]

    def progress(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] < 1 and done < total:
            return
        last[0] = now
        BackgroundJob.objects.filter(pk=job_id).update(stage=stage[:40], done=done, total=total)

    return progress


def run_file_job(job_id: int) -> None:
    """Build the file of one job (in the worker). The job's row changes only at its start and
    its end (and its progress); a failure is recorded with a Chinese reason."""
    claimed = BackgroundJob.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=timezone.now(), worker=CURRENT_WORKER["id"], message=""
    )
    if not claimed:
        return  # already done, or taken by another worker
    job = BackgroundJob.objects.select_related("created_by").get(pk=job_id)
    BackgroundJob.objects.filter(pk=job_id).update(attempts=job.attempts + 1)
    progress = _progress(job_id)
    token = _CURRENT_PROGRESS.set(progress)
    try:
        filename, content = _resolve(job.kind)(job, progress)
    except JobRefused as exc:
        BackgroundJob.objects.filter(pk=job_id).update(
            state=JobState.FAILED, finished_at=timezone.now(), message=str(exc)[:300]
        )
        return
    except Exception:
        log.exception("file job %s (%s) failed", job_id, job.kind)
        BackgroundJob.objects.filter(pk=job_id).update(
            state=JobState.FAILED,
            finished_at=timezone.now(),
            message="生成文件时发生系统错误，可以重试；如果仍然失败，请联系系统管理员",
        )
        return
    finally:
        _CURRENT_PROGRESS.reset(token)
    total = BackgroundJob.objects.filter(pk=job_id).values_list("total", flat=True)[0] or 1
    with transaction.atomic():
        job.file.save(filename, ContentFile(content), save=False)
        BackgroundJob.objects.filter(pk=job_id).update(
            state=JobState.DONE,
            finished_at=timezone.now(),
            file=job.file.name,
            filename=filename,
            done=total,
            total=total,
        )


# ----------------------------------------------------------------------------- the worker


def worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}"


def heartbeat(worker: str, *, started_at: datetime.datetime, now: datetime.datetime) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker=worker,
        defaults={
            "host": socket.gethostname()[:100],
            "pid": os.getpid(),
            "started_at": started_at,
            "seen_at": now,
        },
    )


def worker_alive(*, now: datetime.datetime) -> bool:
    since = now - datetime.timedelta(seconds=settings.WORKER_HEARTBEAT_STALE_SECONDS)
    return WorkerHeartbeat.objects.filter(seen_at__gte=since).exists()


def reap_stale(*, now: datetime.datetime) -> int:
    """Jobs left running by a worker that stopped beating (killed, machine restarted) end as
    failed, retryable; their database work was rolled back with the worker's transaction.
    Returns how many jobs were ended."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    since = now - datetime.timedelta(seconds=settings.WORKER_HEARTBEAT_STALE_SECONDS)
    alive = set(WorkerHeartbeat.objects.filter(seen_at__gte=since).values_list("worker", flat=True))
    ended = 0
    for job in BackgroundJob.objects.filter(state=JobState.RUNNING).exclude(worker__in=alive):
        ended += BackgroundJob.objects.filter(pk=job.pk, state=JobState.RUNNING).update(
            state=JobState.FAILED, finished_at=now, message="处理进程意外中断，未生成文件，可以重试"
        )
    for result in DBTaskResult.objects.running():
        if not set(result.worker_ids[-1:]) & alive:
            DBTaskResult.objects.filter(pk=result.pk).update(
                status=TaskResultStatus.FAILED, finished_at=now
            )
            _task_interrupted(result.args_kwargs.get("args") or [], now=now)
    WorkerHeartbeat.objects.filter(seen_at__lt=now - datetime.timedelta(days=1)).delete()
    return ended


# Functions run through `call` whose first argument is a job of theirs to mark as failed
# when the worker running them died: "<path of the function>": "<path of the marker>".
INTERRUPT_HANDLERS: dict[str, str] = {}


def on_interrupt(function_path: str, handler_path: str) -> None:
    INTERRUPT_HANDLERS[function_path] = handler_path


def _task_interrupted(args: list, *, now: datetime.datetime) -> None:
    if len(args) != 2 or not isinstance(args[1], list):
        return
    _resolve(args[0])  # importing its module registers its handler
    handler = INTERRUPT_HANDLERS.get(args[0])
    if handler:
        _resolve(handler)(*args[1])
