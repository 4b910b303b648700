"""Background work: the queue in the database, the worker, its heartbeat, jobs interrupted by
a dead worker, file jobs with progress, download and retry, and the housekeeping."""

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from paicha.core import jobs
from paicha.core.models import BackgroundJob, JobState, WorkerHeartbeat
from paicha.members.models import ImportState, Member, MemberImport
from paicha.workspace import housekeeping

BUILT = "paicha.workspace.tests.test_jobs.build_numbers"
CALLS = []


def build_numbers(job, progress):
    """A file builder as the exports declare them: reads job.params, reports progress."""
    count = job.params["count"]
    for done in range(0, count + 1, 50):
        progress("写入", done, count)
    if job.params.get("fail"):
        raise RuntimeError("disk full")
    return f"numbers-{count}.txt", "\n".join(str(i) for i in range(count)).encode()


def remember(value):
    CALLS.append(value)


def _worker_batch():
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_file_job_builds_the_file_and_only_its_creator_gets_it(
    tree, personas, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    job = jobs.file_job_start(
        acting_user=personas["reviewer_a"], builder=BUILT, title="数字表", params={"count": 120}
    )
    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.filename) == ("done", 120, 120, "numbers-120.txt")
    client = client_for(personas["reviewer_a"])
    page = client.get(jobs.job_url(job)).content.decode()
    assert "文件已生成：numbers-120.txt" in page
    response = client.get(reverse("job_download", args=[job.pk]))
    assert b"".join(response.streaming_content).decode().split("\n")[-1] == "119"
    other = client_for(personas["department"])
    assert other.get(jobs.job_url(job)).status_code == 404
    assert other.get(reverse("job_download", args=[job.pk])).status_code == 404


def test_a_failed_file_job_says_so_and_can_be_retried(
    tree, personas, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    job = jobs.file_job_start(
        acting_user=personas["reviewer_a"],
        builder=BUILT,
        title="数字表",
        params={"count": 10, "fail": True},
    )
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "可以重试" in job.message and not job.file
    client = client_for(personas["reviewer_a"])
    assert "重试" in client.get(jobs.job_url(job)).content.decode()
    BackgroundJob.objects.filter(pk=job.pk).update(params={"count": 10})
    client.post(reverse("job_retry", args=[job.pk]))
    job.refresh_from_db()
    assert (job.state, job.attempts, job.filename) == ("done", 2, "numbers-10.txt")


def test_only_functions_of_the_product_can_be_queued(db):
    with pytest.raises(ValueError):
        jobs.run_later("os.system", "true")


@pytest.mark.django_db(transaction=True)
def test_work_waits_in_the_database_until_the_worker_runs_it(settings):
    settings.TASKS_INLINE = False
    CALLS.clear()
    with transaction.atomic():
        jobs.run_later("paicha.workspace.tests.test_jobs.remember", 7)
        assert not DBTaskResult.objects.exists()  # queued only once the caller commits
    queued = DBTaskResult.objects.get()
    assert queued.status == TaskResultStatus.READY and CALLS == []
    _worker_batch()
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL and CALLS == [7]
    assert WorkerHeartbeat.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_member_import_runs_in_the_worker_and_catches_up_the_evidence(
    tree, personas, client_for, settings
):
    from paicha.evidence.models import GapWatermark
    from paicha.members.tests.test_import_views import upload
    from paicha.members.tests.test_importing import good_rows, xlsx

    settings.TASKS_INLINE = False
    settings.MEMBER_IMPORT_IN_BACKGROUND = True
    client = client_for(personas["worker_a1"])
    upload(client, xlsx(good_rows()), tree.branch_a1)
    job = MemberImport.objects.get()
    assert job.state == ImportState.CHECKING  # the request only queued the check
    _worker_batch()
    job.refresh_from_db()
    assert job.state == ImportState.CHECKED
    client.post(reverse("members:import_confirm", args=[job.pk]))
    assert not Member.objects.exists()
    _worker_batch()
    job.refresh_from_db()
    assert job.state == ImportState.DONE and Member.objects.count() == 2
    newest = max(Member.objects.values_list("id", flat=True))
    assert GapWatermark.objects.get(pk=1).members_up_to == newest


@pytest.mark.django_db(transaction=True)
def test_a_dead_workers_jobs_end_as_failed_and_can_be_retried(tree, personas, settings, tmp_path):
    """A worker killed mid-job left its rows 'running'; its transaction was rolled back.
    The next worker to start ends them as failed (retryable): the file job and the import."""
    settings.MEDIA_ROOT = str(tmp_path)
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.WORKER_HEARTBEAT_STALE_SECONDS + 5)
    WorkerHeartbeat.objects.create(worker="dead", started_at=stale, seen_at=stale)
    WorkerHeartbeat.objects.create(worker="alive", started_at=now, seen_at=now)
    dead_job = BackgroundJob.objects.create(
        kind=BUILT,
        title="t",
        params={"count": 5},
        created_by=personas["reviewer_a"],
        state=JobState.RUNNING,
        worker="dead",
    )
    live_job = BackgroundJob.objects.create(
        kind=BUILT,
        title="t",
        params={"count": 5},
        created_by=personas["reviewer_a"],
        state=JobState.RUNNING,
        worker="alive",
    )
    imported = MemberImport.objects.create(
        organization=tree.branch_a1,
        filename="a.xlsx",
        content=b"x",
        created_by=personas["worker_a1"],
        state=ImportState.IMPORTING,
    )
    settings.TASKS_INLINE = False
    with transaction.atomic():
        jobs.run_later("paicha.members.jobs.run_import_job", imported.pk)
    DBTaskResult.objects.update(
        status=TaskResultStatus.RUNNING, worker_ids=["dead"], started_at=stale
    )

    assert jobs.reap_stale(now=now) == 1
    dead_job.refresh_from_db()
    live_job.refresh_from_db()
    imported.refresh_from_db()
    assert dead_job.state == JobState.FAILED and "中断" in dead_job.message
    assert live_job.state == JobState.RUNNING
    assert imported.state == ImportState.FAILED and imported.message
    assert DBTaskResult.objects.get().status == TaskResultStatus.FAILED

    settings.TASKS_INLINE = True
    jobs.file_job_retry(acting_user=personas["reviewer_a"], job=dead_job)
    dead_job.refresh_from_db()
    assert dead_job.state == JobState.DONE and dead_job.filename == "numbers-5.txt"


def test_healthz_needs_the_database_and_a_live_worker(client, db, settings):
    assert client.get("/healthz").status_code == 503
    assert client.get("/healthz").json() == {"status": "error", "database": "ok", "worker": "stale"}
    now = timezone.now()
    jobs.heartbeat("w1", started_at=now, now=now)
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["worker"] == "ok"
    old = now - datetime.timedelta(seconds=settings.WORKER_HEARTBEAT_STALE_SECONDS + 1)
    WorkerHeartbeat.objects.update(seen_at=old)
    assert client.get("/healthz").status_code == 503


def test_housekeeping_purges_old_import_files_but_keeps_their_results(tree, personas, settings):
    settings.IMPORT_FILES_KEEP_DAYS = 30
    now = timezone.now()

    def make(state, days_old):
        job = MemberImport.objects.create(
            organization=tree.branch_a1,
            filename="a.xlsx",
            content=b"roster",
            created_by=personas["worker_a1"],
            state=state,
            summary={"create": 3},
        )
        MemberImport.objects.filter(pk=job.pk).update(
            created_at=now - datetime.timedelta(days=days_old)
        )
        return job

    old_done, old_checked = make(ImportState.DONE, 31), make(ImportState.CHECKED, 40)
    old_running, recent = make(ImportState.IMPORTING, 31), make(ImportState.DONE, 29)
    assert housekeeping.purge_import_files(now=now) == 2
    contents = {j.pk: (bytes(j.content), j.state, j.summary) for j in MemberImport.objects.all()}
    assert contents[old_done.pk] == (b"", ImportState.DONE, {"create": 3})
    assert contents[old_checked.pk][:2] == (b"", ImportState.REJECTED)
    assert contents[old_running.pk][0] == b"roster" and contents[recent.pk][0] == b"roster"


@pytest.mark.django_db(transaction=True)
def test_a_page_asks_the_worker_to_catch_up_once_and_does_not_wait(tree, settings):
    """Members written in bulk (no signal) wait for the catch-up; the 失联 list queues it for
    the worker once, however many pages ask, and the worker computes their rows.

    On both databases: the in-memory SQLite of the tests answers "table is locked" at once
    (it does not wait as a database file does) when two connections write together; the
    worker's heartbeat thread first writes BEAT_SECONDS after the worker's own first beat, so
    a short batch never writes from two connections.
    """
    from paicha.conftest import make_member
    from paicha.evidence.gaps import catch_up, catch_up_soon
    from paicha.evidence.models import EvidenceGap, GapWatermark
    from paicha.evidence.selectors import lost_members

    make_member(tree.branch_a1, "张已算")
    catch_up()
    settings.TASKS_INLINE = False
    newcomer = make_member(tree.branch_a1, "李新人", join_date=datetime.date(2010, 1, 1))
    EvidenceGap.objects.filter(member=newcomer).delete()  # as a COPY import leaves him
    lost_members(Member.objects.all(), as_of=datetime.date(2016, 9, 20))
    catch_up_soon()
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1
    _worker_batch()
    assert GapWatermark.objects.get(pk=1).members_up_to == newcomer.pk
    lost = lost_members(Member.objects.all(), as_of=datetime.date(2016, 9, 20))
    assert [m.name for m in lost] == ["李新人"]
