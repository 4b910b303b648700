"""Large exports go through the worker: the job page, then the same file as the direct download
(scoped, masked, audited), for its creator only; a failed or interrupted build can be retried."""

import datetime
import io
import re
import zipfile
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from paicha.audit.models import AuditEntry
from paicha.conftest import make_member
from paicha.core import jobs
from paicha.core.models import BackgroundJob, JobState, WorkerHeartbeat

# The minute in "导出：… 2026年12月02日 07:41" may turn between the two downloads.
_MINUTE = re.compile(r"\d{4}年\d{2}月\d{2}日 \d{2}:\d{2}")
_CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+')


def _parts(content: bytes, fmt: str) -> dict[str, str]:
    """What a file says, part by part, without the zip's dates and the export minute."""
    if fmt == "print":
        return {"page": _CSRF.sub(r"\1", _MINUTE.sub("M", content.decode()))}
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        return {
            name: _MINUTE.sub("M", package.read(name).decode("utf-8", "surrogateescape"))
            for name in package.namelist()
            if name != "docProps/core.xml"
        }


@pytest.fixture
def roster(tree, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    make_member(tree.branch_a1, "张三", id_number="430102199005170012")
    make_member(tree.branch_a2, "李四")
    make_member(tree.branch_b1, "王五")
    make_member(tree.other_branch, "赵六")  # outside the university: in no file
    return tree


def _form_url(org, fmt):
    return (
        reverse("reports:form", args=["branch-roster"])
        + f"?org={org.code}&date=2026-11-01&format={fmt}"
    )


def _direct_then_queued(client, url, settings):
    settings.EXPORT_IN_BACKGROUND_ABOVE = 1000
    direct = client.get(url)
    assert direct.status_code == 200
    settings.EXPORT_IN_BACKGROUND_ABOVE = 1  # the university's three members are "large"
    queued = client.get(url)
    job = BackgroundJob.objects.latest("id")
    assert queued.status_code == 302 and queued["Location"] == jobs.job_url(job)
    return direct, job


def _job_file(client, job) -> bytes:
    response = client.get(reverse("job_download", args=[job.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "print"])
@pytest.mark.parametrize("persona", ["department", "auditor"])  # the auditor sees masked ids
def test_a_large_form_export_is_built_by_the_worker_as_the_direct_download(
    roster, personas, client_for, settings, fmt, persona
):
    client = client_for(personas[persona])
    direct, job = _direct_then_queued(client, _form_url(roster.root, fmt), settings)
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.created_by == personas[persona]
    assert job.title == "支 部 党 员 名 册（中共测试大学委员会）"
    page = client.get(jobs.job_url(job)).content.decode()
    assert f"文件已生成：{job.filename}" in page
    assert ("打开打印页" in page) == (fmt == "print")
    content = _job_file(client, job)
    assert _parts(content, fmt) == _parts(direct.content, fmt)
    text = "".join(_parts(content, fmt).values())
    assert "张三" in text and "王五" in text and "赵六" not in text
    if persona == "auditor":
        assert "430102199005170012" not in text and "430102********0012" in text
    else:
        assert "430102199005170012" in text
    if fmt != "print":
        assert job.filename == f"支部党员名册_001_20261101.{fmt}"
        assert unquote(direct["Content-Disposition"].split("''")[1]) == job.filename
    # Audited as the direct download: one entry each, the same note and organization.
    entries = list(AuditEntry.objects.filter(action="export").order_by("id"))
    assert len(entries) == 2 and entries[0].note == entries[1].note
    assert entries[1].actor == personas[persona] and entries[1].object_id == str(roster.root.pk)


def test_a_large_list_export_is_built_by_the_worker_as_the_direct_download(
    roster, personas, client_for, settings
):
    client = client_for(personas["reviewer_a"])
    url = reverse("evidence:dues") + f"?org={roster.college_a.code}&format=xlsx"
    direct, job = _direct_then_queued(client, url, settings)
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.title == "党费交纳情况（文学院党委）"
    content = _job_file(client, job)
    assert _parts(content, "xlsx") == _parts(direct.content, "xlsx")
    names = [
        row[1]
        for row in load_workbook(io.BytesIO(content)).active.iter_rows(min_row=5, values_only=True)
        if row[1]
    ]
    assert names == ["张三", "李四"]
    assert job.filename == unquote(direct["Content-Disposition"].split("''")[1])
    assert job.filename.startswith("党费交纳情况_文学院党委")


def test_only_the_user_who_asked_gets_the_job_and_its_file(roster, personas, client_for, settings):
    client = client_for(personas["department"])
    _, job = _direct_then_queued(client, _form_url(roster.root, "xlsx"), settings)
    for other in ("auditor", "reviewer_a", "outsider"):
        client = client_for(personas[other])
        assert client.get(jobs.job_url(job)).status_code == 404
        assert client.get(reverse("job_download", args=[job.pk])).status_code == 404
        assert client.get(reverse("job_progress", args=[job.pk])).status_code == 404
        assert client.post(reverse("job_retry", args=[job.pk])).status_code == 404


def test_small_exports_stay_direct_and_no_job_is_made(roster, personas, client_for, settings):
    settings.EXPORT_IN_BACKGROUND_ABOVE = 2  # branch A1 has one member
    client = client_for(personas["worker_a1"])
    response = client.get(_form_url(roster.branch_a1, "xlsx"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/")
    assert not BackgroundJob.objects.exists()


def test_a_build_that_fails_half_way_leaves_the_job_failed_and_retryable(
    roster, personas, client_for, settings, monkeypatch
):
    from paicha.reports import views

    real = views.RENDERERS["xlsx"]

    def breaks_after_the_header(result, **kwargs):
        raise OSError("磁盘已满")

    monkeypatch.setitem(views.RENDERERS, "xlsx", breaks_after_the_header)
    client = client_for(personas["department"])
    settings.EXPORT_IN_BACKGROUND_ABOVE = 1
    client.get(_form_url(roster.root, "xlsx"))
    job = BackgroundJob.objects.get()
    assert job.state == JobState.FAILED and "可以重试" in job.message and not job.file
    assert client.get(reverse("job_download", args=[job.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action="export").exists()  # nothing was handed out
    assert "job-retry" in client.get(jobs.job_url(job)).content.decode()

    monkeypatch.setitem(views.RENDERERS, "xlsx", real)
    client.post(reverse("job_retry", args=[job.pk]))
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.DONE, 2)
    settings.EXPORT_IN_BACKGROUND_ABOVE = 1000
    direct = client.get(_form_url(roster.root, "xlsx"))
    assert _parts(_job_file(client, job), "xlsx") == _parts(direct.content, "xlsx")


def test_an_export_whose_worker_died_ends_failed_and_is_built_on_retry(
    roster, personas, client_for, settings
):
    """The worker was killed while building: the job stayed 'running' under a worker that no
    longer beats. The next worker ends it as failed; the user's retry builds the file."""
    settings.TASKS_INLINE = False
    settings.EXPORT_IN_BACKGROUND_ABOVE = 1
    client = client_for(personas["department"])
    client.get(_form_url(roster.root, "docx"))
    job = BackgroundJob.objects.get()
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.WORKER_HEARTBEAT_STALE_SECONDS + 5)
    WorkerHeartbeat.objects.create(worker="killed", started_at=stale, seen_at=stale)
    BackgroundJob.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING, worker="killed", stage="写入行", done=1, total=3
    )
    assert jobs.reap_stale(now=now) == 1
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "中断" in job.message and not job.file

    settings.TASKS_INLINE = True
    client.post(reverse("job_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.filename.endswith(".docx")
    assert "王五" in "".join(_parts(_job_file(client, job), "docx").values())


def test_a_job_whose_creator_was_deactivated_is_refused_with_a_reason(
    roster, personas, client_for, settings
):
    settings.TASKS_INLINE = False
    settings.EXPORT_IN_BACKGROUND_ABOVE = 1
    user = personas["department"]
    client_for(user).get(_form_url(roster.root, "xlsx"))
    job = BackgroundJob.objects.get()
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    jobs.run_file_job(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.message == "提交导出的账号已停用，未生成文件"
    assert not AuditEntry.objects.filter(action="export").exists()


def test_the_member_roster_export_above_the_threshold_of_rows_is_built_by_the_worker(
    roster, personas, client_for, settings
):
    client = client_for(personas["auditor"])
    url = reverse("members:export") + f"?org={roster.college_a.code}"
    settings.EXPORT_IN_BACKGROUND_ABOVE = 2  # the college has two members: sent at once
    direct = client.get(url)
    assert direct.status_code == 200 and not BackgroundJob.objects.exists()
    settings.EXPORT_IN_BACKGROUND_ABOVE = 1
    queued = client.get(url)
    job = BackgroundJob.objects.get()
    assert queued["Location"] == jobs.job_url(job) and job.title == "党员名册（文学院党委）"

    def cells(content):
        return [
            [c for c in row if not str(c or "").startswith("导出时间")]
            for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)
        ]

    content = _job_file(client, job)
    assert cells(content) == cells(direct.content)
    text = str(cells(content))
    assert "张三" in text and "李四" in text and "430102199005170012" not in text
    assert job.filename.startswith("党员名册_001001_")
    assert AuditEntry.objects.filter(action="export", note="党员名册（筛选导出，2人）").count() == 2
