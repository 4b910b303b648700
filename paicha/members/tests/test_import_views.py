import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from paicha.audit.models import AuditEntry
from paicha.members import jobs
from paicha.members.models import ImportState, Member, MemberImport

from .test_importing import good_rows, xlsx


def upload(client, content, org, name="名册.xlsx"):
    return client.post(
        reverse("members:import"),
        {"organization": org.pk, "file": SimpleUploadedFile(name, content)},
    )


def test_template_download_is_audited(tree, personas, client_for):
    response = client_for(personas["worker_a1"]).get(reverse("members:import_template"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[3]][:3] == ["序号", "姓 名", "性别"]
    assert AuditEntry.objects.filter(action="export", note="党员名册导入模板").exists()


def test_upload_check_then_confirm(tree, personas, client_for):
    client = client_for(personas["worker_a1"])
    response = upload(client, xlsx(good_rows()), tree.branch_a1)
    job = MemberImport.objects.get()
    assert response.url == job.get_absolute_url() and job.state == ImportState.CHECKED
    assert not Member.objects.exists()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "将新增 <strong>2</strong> 人" in page and "张伟" in page and "确认导入" in page
    client.post(reverse("members:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == ImportState.DONE and Member.objects.count() == 2
    assert "已导入：新增2人" in client.get(job.get_absolute_url()).content.decode()
    # A second confirmation does nothing.
    client.post(reverse("members:import_confirm", args=[job.pk]))
    assert Member.objects.count() == 2


def test_errors_are_listed_and_nothing_is_written(tree, personas, client_for):
    rows = good_rows()
    rows[3][8] = "明年"
    client = client_for(personas["worker_a1"])
    upload(client, xlsx(rows), tree.branch_a1)
    job = MemberImport.objects.get()
    assert job.state == ImportState.REJECTED
    page = client.get(job.get_absolute_url()).content.decode()
    assert "第6行" in page and "入党 时间" in page and "明年" in page and "没有导入任何数据" in page
    assert client.post(reverse("members:import_confirm", args=[job.pk])).status_code == 302
    assert not Member.objects.exists()


def test_progress_fragment_polls_while_running_and_refreshes_when_done(tree, personas, client_for):
    client = client_for(personas["worker_a1"])
    job = MemberImport.objects.create(
        organization=tree.branch_a1,
        filename="a.xlsx",
        content=b"",
        created_by=personas["worker_a1"],
        state=ImportState.IMPORTING,
    )
    jobs._reporter(job.pk)("write", 3000, 10000)
    body = client.get(reverse("members:import_progress", args=[job.pk])).content.decode()
    assert "正在写入第 3000 / 10000 行" in body and 'aria-valuenow="30"' in body
    assert 'hx-trigger="every 1s"' in body
    MemberImport.objects.filter(pk=job.pk).update(state=ImportState.DONE)
    response = client.get(reverse("members:import_progress", args=[job.pk]))
    assert response.status_code == 204 and response["HX-Refresh"] == "true"


@pytest.mark.parametrize("persona", ["worker_b1", "outsider"])
def test_outsiders_cannot_see_or_confirm_an_import(tree, personas, client_for, persona):
    upload(client_for(personas["worker_a1"]), xlsx(good_rows()), tree.branch_a1)
    job = MemberImport.objects.get()
    client = client_for(personas[persona])
    for name in ("import_detail", "import_progress", "import_confirm"):
        for method in ("get", "post"):
            response = getattr(client, method)(reverse(f"members:{name}", args=[job.pk]))
            # Confirming is POST only: a GET is refused before the job is even looked up.
            refused = (403, 404, 405) if (name, method) == ("import_confirm", "get") else (403, 404)
            assert response.status_code in refused, (name, method)
    assert "张伟" not in client.get(reverse("members:import")).content.decode()
    assert not Member.objects.exists()


def test_worker_cannot_upload_into_another_branch(tree, personas, client_for):
    response = upload(client_for(personas["worker_a1"]), xlsx(good_rows()), tree.branch_b1)
    assert response.status_code == 200 and not MemberImport.objects.exists()


def test_auditor_cannot_import(tree, personas, client_for):
    client = client_for(personas["auditor"])
    assert client.get(reverse("members:import")).status_code == 403
    assert client.get(reverse("members:import_template")).status_code == 403
