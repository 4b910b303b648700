"""`paicha worker`: run the background work (imports, large exports, the evidence catch-up).

django-tasks' database worker, plus a heartbeat that /healthz reads, the ending of jobs left
running by a worker that died, and the daily housekeeping (purging old import files and
finished task rows).
"""

import datetime
import logging
import threading

from django.db import DatabaseError, close_old_connections, connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker

from paicha.core import jobs

log = logging.getLogger("paicha.worker")
BEAT_SECONDS = 10
HOUSEKEEPING_EVERY = datetime.timedelta(hours=6)


class _Beat(threading.Thread):
    def __init__(self, worker: str):
        super().__init__(name="worker-heartbeat", daemon=True)
        self.worker = worker
        self.started_at = timezone.now()
        self.stopping = threading.Event()
        self.last_housekeeping = None

    def run(self) -> None:
        # The worker beat once before starting this thread: the next beat is due in BEAT_SECONDS
        # (a short `--batch` run ends before, and never writes from two connections at once).
        while not self.stopping.wait(BEAT_SECONDS):
            now = timezone.now()
            try:
                close_old_connections()
                jobs.heartbeat(self.worker, started_at=self.started_at, now=now)
                if (
                    self.last_housekeeping is None
                    or now - self.last_housekeeping > HOUSEKEEPING_EVERY
                ):
                    jobs.run_later("paicha.workspace.housekeeping.run")
                    self.last_housekeeping = now
            except DatabaseError:
                # SQLite busy under a long import write: the next beat will get through.
                log.info("heartbeat skipped: the database is busy")
        connections.close_all()


class Command(DBWorkerCommand):
    help = "处理后台任务（导入、大型导出、失联数据更新），由 make run 一并启动"

    def handle(self, *args, **options):
        worker = options.get("worker_id") or jobs.worker_id()
        options["worker_id"] = worker[:64]
        jobs.CURRENT_WORKER["id"] = options["worker_id"]
        # This worker is alive before it ends the jobs of the dead ones.
        jobs.heartbeat(options["worker_id"], started_at=timezone.now(), now=timezone.now())
        ended = jobs.reap_stale(now=timezone.now())
        if ended:
            log.warning("%s interrupted jobs marked as failed", ended)
        beat = _Beat(options["worker_id"])
        beat.start()
        try:
            super().handle(*args, **options)
        finally:
            beat.stopping.set()


__all__ = ["Command", "Worker"]
