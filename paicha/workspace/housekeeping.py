"""Housekeeping the worker runs a few times a day: uploaded import files are kept for
settings.IMPORT_FILES_KEEP_DAYS, prepared downloads and finished queue rows for a week."""

import datetime
import logging

from django.conf import settings
from django.utils import timezone

from paicha.core.models import BackgroundJob

log = logging.getLogger(__name__)
DOWNLOADS_KEEP = datetime.timedelta(days=7)


def purge_import_files(*, now: datetime.datetime) -> int:
    """Empty the stored file of every roster import older than the retention that is no longer
    running; its summary, errors and result stay. Returns how many were purged."""
    from paicha.members.models import RUNNING_IMPORT_STATES, ImportState, MemberImport

    cutoff = now - datetime.timedelta(days=settings.IMPORT_FILES_KEEP_DAYS)
    old = (
        MemberImport.objects.filter(created_at__lt=cutoff)
        .exclude(state__in=RUNNING_IMPORT_STATES)
        .exclude(content=b"")
    )
    # A file checked but never confirmed cannot be confirmed once it is gone.
    old.filter(state=ImportState.CHECKED).update(
        state=ImportState.REJECTED,
        finished_at=now,
        message="上传的文件已超过保存期限被清除，未导入任何数据，请重新上传",
    )
    return old.update(content=b"")


def purge_downloads(*, now: datetime.datetime) -> int:
    old = BackgroundJob.objects.filter(created_at__lt=now - DOWNLOADS_KEEP)
    old = old.exclude(state__in=["queued", "running"])
    count = 0
    for job in old:
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    return count


def purge_task_rows(*, now: datetime.datetime) -> int:
    from django_tasks_db.models import DBTaskResult

    deleted, _ = (
        DBTaskResult.objects.finished().filter(finished_at__lt=now - DOWNLOADS_KEEP).delete()
    )
    return deleted


def run() -> None:
    now = timezone.now()
    counts = (purge_import_files(now=now), purge_downloads(now=now), purge_task_rows(now=now))
    log.info("housekeeping: %s import files, %s downloads, %s task rows purged", *counts)
