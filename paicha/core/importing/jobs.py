"""Running an import outside the request: check, then (after confirmation) write.

A job's life: created CHECKING (upload) → its kind's `run` → CHECKED or REJECTED; confirmed
→ IMPORTING → `run` → DONE or REJECTED; any failure → FAILED, which can be retried (`retry`,
back to CHECKING). A request queues `run` for `paicha worker` (`launch`) and returns at once.

The job is a row of a model with the fields of an import job (the roster's
`members.MemberImport`: organization, created_by, filename, content, state, summary, errors,
preview, message, started_at, finished_at); an `ImportJobKind` names that model and the two
steps of its import, so core knows no domain.

A step writes its progress, with the time, to a small file cache, readable from every process
and writable while the import's transaction holds SQLite's write lock: that is the job's
heartbeat. A job whose process died (a restart, an OOM kill) stops beating; once
`LEASE_SECONDS` pass without a beat, the page that polls it (or any caller of
`expire_if_stale`) marks it FAILED — its transaction died with it, so nothing was written —
and offers to run it again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache.backends.filebased import FileBasedCache
from django.utils import timezone
from django.utils.module_loading import import_string

from paicha.core.jobs import on_interrupt, run_later

from .cycle import PREVIEW_ROWS, Importer, import_commit, plan_import
from .reading import ImportFileError
from .rows import ImportRejected
from .states import RUNNING_IMPORT_STATES, ImportState

log = logging.getLogger(__name__)
STAGES = {"check": "检查", "write": "写入"}
LEASE_SECONDS = 120  # a step reports at least every 5,000 rows, i.e. every few seconds
STUCK_MESSAGE = "导入过程意外中断（服务器重启或进程被终止），未导入任何数据：可以重新检查后再导入"
FAILED_MESSAGE = "系统错误，未导入任何数据：可以重新检查，仍不成功请联系管理员"


# ---- Progress: the heartbeat -------------------------------------------------------------------

_caches: dict[str, FileBasedCache] = {}


def progress_cache(name: str) -> FileBasedCache:
    """The progress files of one kind of job, beside the media directory."""
    location = str(Path(settings.MEDIA_ROOT).parent / "cache" / name)
    if location not in _caches:
        _caches[location] = FileBasedCache(location, {"TIMEOUT": 3600})
    return _caches[location]


@dataclass(frozen=True)
class CheckOutcome:
    """What a step tells the job: whether the file may be written, what to store for the
    page (summary, errors, preview) and the message shown."""

    ok: bool
    stored: dict
    message: str = ""


@dataclass(frozen=True)
class ImportJobKind:
    """One kind of import run as a job.

    `check(job, progress)` is the dry run and `commit(job, progress)` the write; each returns
    a CheckOutcome, and may raise ImportFileError (the file refused whole) or, for the commit,
    ImportRejected whose `plan` `rejected(plan)` turns into what is stored.
    """

    model: str  # "app_label.ModelName" of the job rows
    run_path: str  # dotted path of the module function that runs a job (the worker calls it)
    name: str  # the progress files' folder and the log's word for it
    check: Callable
    commit: Callable
    rejected: Callable
    after_write: str = ""  # dotted path queued after a successful write
    in_background_setting: str = "IMPORT_IN_BACKGROUND"
    interrupted_path: str = ""

    def __post_init__(self):
        if self.interrupted_path:
            on_interrupt(self.run_path, self.interrupted_path)

    @property
    def jobs(self):
        return apps.get_model(self.model).objects

    def _key(self, job_id: int) -> str:
        return f"{self.name}-{job_id}"

    def read_progress(self, job_id: int) -> dict | None:
        return progress_cache(self.name).get(self._key(job_id))

    def reporter(self, job_id: int) -> Callable[[str, int, int], None]:
        cache, key = progress_cache(self.name), self._key(job_id)

        def report(stage: str, done: int, total: int) -> None:
            cache.set(
                key,
                {
                    "stage": STAGES.get(stage, stage),
                    "done": done,
                    "total": total,
                    "at": time.time(),
                },
            )

        return report

    def last_beat(self, job) -> float:
        """When the job last showed it is alive (epoch seconds)."""
        beats = [(job.started_at or job.created_at).timestamp()]
        if (progress := self.read_progress(job.pk)) and "at" in progress:
            beats.append(progress["at"])
        return max(beats)

    def expire_if_stale(self, job, *, now: float, lease: float = LEASE_SECONDS) -> bool:
        """Mark a running job whose heartbeat stopped FAILED; True if it was."""
        if job.state not in RUNNING_IMPORT_STATES or now - self.last_beat(job) <= lease:
            return False
        changed = self.jobs.filter(pk=job.pk, state=job.state).update(
            state=ImportState.FAILED, message=STUCK_MESSAGE, finished_at=timezone.now()
        )
        if changed:
            log.warning(
                "%s %s stopped beating in state %s: marked failed", self.name, job.pk, job.state
            )
            job.state, job.message = ImportState.FAILED, STUCK_MESSAGE
        return bool(changed)

    # ---- the steps

    def _save(self, job, **fields) -> None:
        for name, value in fields.items():
            setattr(job, name, value)
        job.save(update_fields=[*fields, "org_path"])

    def _step(self, job_id: int, function: Callable, done_state: str) -> None:
        job = self.jobs.select_related("organization", "created_by").get(pk=job_id)
        try:
            outcome = function(job, self.reporter(job_id))
        except ImportFileError as exc:
            self._save(
                job, state=ImportState.REJECTED, message=str(exc)[:300], finished_at=timezone.now()
            )
            return
        except ImportRejected as exc:
            stored = (
                self.rejected(exc.plan)
                if exc.plan is not None
                else {
                    "errors": [
                        {"row": 0, "column": "", "value": "", "message": e} for e in exc.errors
                    ]
                }
            )
            self._save(
                job,
                state=ImportState.REJECTED,
                finished_at=timezone.now(),
                message="确认时再次检查发现错误，未导入任何数据",
                **stored,
            )
            return
        fields = {
            "state": done_state if outcome.ok else ImportState.REJECTED,
            "message": outcome.message[:300],
            **outcome.stored,
        }
        if done_state == ImportState.DONE:
            fields["finished_at"] = timezone.now()
        self._save(job, **fields)

    def run(self, job_id: int) -> None:
        """Run the job's pending step to its end: the check of a CHECKING job, the write of
        an IMPORTING one; anything else is left alone. It never leaves the job running: an
        error marks it FAILED (nothing was written: the write is one transaction)."""
        job = self.jobs.filter(pk=job_id).only("state").first()
        step = {
            ImportState.CHECKING: (self.check, ImportState.CHECKED, "check"),
            ImportState.IMPORTING: (self.commit, ImportState.DONE, "write"),
        }.get(job.state if job else None)
        if step is None:
            return
        function, done_state, stage = step
        self.jobs.filter(pk=job_id).update(started_at=timezone.now())
        self.reporter(job_id)(stage, 0, 0)
        try:
            self._step(job_id, function, done_state)
        except Exception:  # the page must not poll forever
            log.exception("%s %s failed", self.name, job_id)
            self.jobs.filter(pk=job_id).update(
                state=ImportState.FAILED, message=FAILED_MESSAGE, finished_at=timezone.now()
            )
            return
        if stage == "write" and self.after_write:
            run_later(self.after_write)

    def interrupted(self, job_id: int) -> None:
        """The worker died during a step (its transaction rolled back): the job ends FAILED
        and can be checked again."""
        self.jobs.filter(pk=job_id, state__in=RUNNING_IMPORT_STATES).update(
            state=ImportState.FAILED, message=STUCK_MESSAGE, finished_at=timezone.now()
        )

    def retry(self, job) -> None:
        """A FAILED job checked again from its stored file (the user confirms again after)."""
        if job.state != ImportState.FAILED:
            raise ValueError("只有导入失败的文件可以重新检查")
        self._save(
            job,
            state=ImportState.CHECKING,
            message="",
            summary={},
            errors=[],
            preview=[],
            finished_at=None,
            started_at=None,
        )
        progress_cache(self.name).delete(self._key(job.pk))
        self.launch(job.pk)

    def launch(self, job_id: int) -> None:
        """Run the job's pending step in the worker once the caller's transaction has
        committed (the worker must see the job row), or inline when so configured."""
        if getattr(settings, self.in_background_setting, True):
            run_later(self.run_path, job_id)
        else:
            self.run(job_id)


def stored_plan(plan) -> dict:
    """What a job keeps of a core.importing.cycle.Plan for its page."""
    from dataclasses import asdict

    return {
        "summary": {
            "file": plan.filename,
            "rows": plan.rows_read,
            "create": len(plan.accepted),
            "update": 0,
            "errors": plan.error_count,
            "rows_with_errors": plan.rows_with_errors,
            "notes": plan.notes,
            "warnings": [],
        },
        "errors": [asdict(e) for e in plan.errors],
        "preview": [
            {"row": n, "action": "新增", "name": plan.importer.describe(item), "org": ""}
            for n, item in plan.accepted[:PREVIEW_ROWS]
        ],
    }


# ---- Imports declared on core.importing.cycle, run as jobs ---------------------------------------


def declaration_class(path: str) -> type[Importer]:
    """The declaration a job's `kind` names (a class of the product)."""
    if not path.startswith("paicha."):
        raise ValueError(f"not a class of the product: {path}")
    found = import_string(path)
    if not (isinstance(found, type) and issubclass(found, Importer)):
        raise TypeError(f"not an import declaration: {path}")
    return found


def declaration_of(job) -> Importer:
    return declaration_class(job.kind).from_job(job)


def check_declared(job, progress) -> CheckOutcome:
    """The dry run of a declared import's job."""
    plan = plan_import(
        declaration_of(job), content=bytes(job.content), filename=job.filename, progress=progress
    )
    message = "" if plan.accepted or plan.error_count else "文件中没有可导入的行"
    return CheckOutcome(ok=plan.ok, stored=stored_plan(plan), message=message)


def commit_declared(job, progress) -> CheckOutcome:
    declaration = declaration_of(job)
    plan = import_commit(
        declaration, content=bytes(job.content), filename=job.filename, progress=progress
    )
    return CheckOutcome(
        ok=True, stored=stored_plan(plan), message=declaration.done_message(plan.result)
    )
