"""The roster import's rules that do not depend on who runs it: 一人两籍 named with both
branches, no member moved between branches, the declared evidence columns, and a job that
died mid-way ends as failed and can be checked again."""

import datetime
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from paicha.conftest import make_member
from paicha.core.tests import hostile
from paicha.members import jobs
from paicha.members.importing import ImportRejected, import_commit, plan_import
from paicha.members.models import ImportState, Member, MemberImport

from .test_import_views import upload
from .test_importing import ID1, ROSTER, good_rows, xlsx


def test_command_without_user_refuses_a_person_of_another_branch_naming_both(
    tree, tmp_path, capsys
):
    other = make_member(
        tree.branch_b1,
        "外支部人",
        birth=datetime.date(1985, 3, 9),
        id_number=ID1,
        work_unit="理学院",
    )
    path = tmp_path / "名册.xlsx"
    path.write_bytes(xlsx(good_rows()))
    for dry_run in (True, False):
        with pytest.raises(CommandError, match="共 1 处错误"):
            call_command("import-members", str(path), org="001001001", dry_run=dry_run)
        err = capsys.readouterr().err
        assert "第4行" in err and "一人两籍" in err
        assert "理学院教工党支部" in err and "文学院教工第一党支部" in err
    other.refresh_from_db()
    assert (other.organization_id, other.work_unit) == (tree.branch_b1.pk, "理学院")
    assert Member.objects.count() == 1


def test_department_importing_into_one_branch_refuses_a_member_of_a_sibling(tree, personas):
    make_member(tree.branch_a2, "学生支部人", birth=datetime.date(1985, 3, 9), id_number=ID1)
    plan = plan_import(
        content=xlsx(good_rows()),
        filename="名册.xlsx",
        organization=tree.branch_a1,
        acting_user=personas["department"],
    )
    (error,) = plan.errors
    assert error.row == 4 and "文学院学生党支部" in error.message and "一人两籍" in error.message


def test_an_import_into_a_committee_updates_its_branches_members_in_place(tree, personas):
    member = make_member(
        tree.branch_a2,
        "张伟",
        birth=datetime.date(1985, 3, 9),
        id_number=ID1,
        join_date=datetime.date(2008, 6, 1),
        full_date=datetime.date(2009, 6, 1),
    )
    rows = good_rows()
    rows[1][10] = "新单位"
    result = import_commit(
        content=xlsx(rows),
        filename="名册.xlsx",
        organization=tree.college_a,
        acting_user=personas["department"],
    )
    assert result.updated == 1
    member.refresh_from_db()
    assert member.organization_id == tree.branch_a2.pk and member.work_unit == "新单位"


def test_an_org_code_column_cannot_move_a_member_to_another_branch(tree, personas):
    member = make_member(
        tree.branch_a2,
        "张伟",
        birth=datetime.date(1985, 3, 9),
        id_number=ID1,
        join_date=datetime.date(2008, 6, 1),
        full_date=datetime.date(2009, 6, 1),
    )
    rows = [[*good_rows()[0], "所在党组织代码"], [*good_rows()[1], tree.branch_a1.code]]
    with pytest.raises(ImportRejected) as exc:
        import_commit(
            content=xlsx(rows),
            filename="名册.xlsx",
            organization=tree.college_a,
            acting_user=personas["department"],
        )
    (error,) = exc.value.plan.errors
    assert error.column == "所在党组织代码" and "文学院学生党支部" in error.message
    assert "组织关系转接" in error.message
    member.refresh_from_db()
    assert member.organization_id == tree.branch_a2.pk


def roster_with_evidence(org_life, dues):
    rows = good_rows()
    rows[0] = [*ROSTER, "最近一次参加组织生活时间", "最近一次交纳党费时间"]
    rows[1] = [*rows[1], org_life, dues]
    rows[3] = [*rows[3], "", ""]
    return xlsx(rows)


def test_declared_evidence_columns_are_stored_and_checked_against_joining(tree, personas):
    result = import_commit(
        content=roster_with_evidence("2016.03", "2016年5月20日"),
        filename="名册.xlsx",
        organization=tree.branch_a1,
        acting_user=personas["worker_a1"],
    )
    assert result.created == 2 and result.plan.warnings == []
    zhang = Member.objects.get(name="张伟")
    assert (zhang.declared_last_org_life, zhang.declared_last_dues) == (
        datetime.date(2016, 3, 1),
        datetime.date(2016, 5, 20),
    )
    assert Member.objects.get(name="李娜").declared_last_dues is None
    plan = plan_import(
        content=roster_with_evidence("2007-01-01", ""),
        filename="名册.xlsx",
        organization=tree.branch_a1,
        acting_user=personas["worker_a1"],
    )
    (error,) = plan.errors
    assert error.column == "最近一次参加组织生活时间"
    assert "不能早于入党时间2008年6月1日" in error.message


def test_without_evidence_columns_or_records_the_check_warns_what_the_lost_list_shows(
    tree, personas, client_for
):
    client = client_for(personas["worker_a1"])
    upload(client, xlsx(good_rows()), tree.branch_a1)
    job = MemberImport.objects.get()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "data-import-warning" in page and "无记录待核实" in page and "失联党员" in page
    # With the columns, no warning.
    upload(client, roster_with_evidence("2016.03", ""), tree.branch_a1)
    job = MemberImport.objects.latest("id")
    assert job.summary["warnings"] == []


def test_a_job_whose_process_died_ends_failed_and_can_be_checked_again(tree, personas, client_for):
    client = client_for(personas["worker_a1"])
    long_ago = timezone.now() - datetime.timedelta(seconds=jobs.LEASE_SECONDS + 60)
    job = MemberImport.objects.create(
        organization=tree.branch_a1,
        filename="名册.xlsx",
        content=xlsx(good_rows()),
        created_by=personas["worker_a1"],
        state=ImportState.IMPORTING,
        started_at=long_ago,
    )
    MemberImport.objects.filter(pk=job.pk).update(created_at=long_ago)
    # A live job (recent heartbeat) is left alone.
    jobs._reporter(job.pk)("write", 10, 100)
    assert not jobs.expire_if_stale(job, now=time.time())
    # Its beats stop: the poll marks it failed and the page stops polling.
    assert jobs.expire_if_stale(job, now=time.time() + jobs.LEASE_SECONDS + 1)
    job.refresh_from_db()
    assert job.state == ImportState.FAILED and "意外中断" in job.message
    response = client.get(reverse("members:import_progress", args=[job.pk]))
    assert response.status_code == 204
    page = client.get(job.get_absolute_url()).content.decode()
    assert "导入失败" in page and "重新检查这个文件" in page and "every 1s" not in page
    assert client.get(reverse("members:import_retry", args=[job.pk])).status_code == 405
    client.post(reverse("members:import_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == ImportState.CHECKED and job.summary["create"] == 2
    assert not Member.objects.exists()


def test_a_job_never_seen_alive_expires_from_its_upload_time(tree, personas, client_for):
    client = client_for(personas["worker_a1"])
    job = MemberImport.objects.create(
        organization=tree.branch_a1,
        filename="名册.xlsx",
        content=b"",
        created_by=personas["worker_a1"],
        state=ImportState.CHECKING,
    )
    MemberImport.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    client.get(job.get_absolute_url())
    job.refresh_from_db()
    assert job.state == ImportState.FAILED


@pytest.mark.parametrize(
    "content, name, expected",
    [
        (hostile.far_cell_xlsx(["姓名", "身份证号码", "入党时间"]), "名册.xlsx", "XFD1048576"),
        (hostile.zip_bomb_xlsx(900), "名册.xlsx", "解压后有 900 MB"),
        (b'a,b\n"' + b"x" * 1_200_000 + b'"\n', "名册.csv", "超过了 32,767 个字符"),
        (b"%PDF-1.4 x", "名册.xlsx", "PDF 文档"),
    ],
)
def test_hostile_uploads_end_rejected_with_the_reason(
    tree, personas, client_for, content, name, expected
):
    client = client_for(personas["worker_a1"])
    upload(client, content, tree.branch_a1, name=name)
    job = MemberImport.objects.get()
    assert job.state == ImportState.REJECTED and expected in job.message
    assert expected in client.get(job.get_absolute_url()).content.decode()
    assert not Member.objects.exists()


def test_an_oversize_upload_is_refused_on_the_form(tree, personas, client_for, settings):
    settings.IMPORT_MAX_BYTES = 1024
    response = upload(
        client_for(personas["worker_a1"]), b"a," * 1000, tree.branch_a1, name="名册.csv"
    )
    assert "超过了" in response.content.decode() and not MemberImport.objects.exists()


def test_an_oversize_file_is_refused_on_the_command_line(tree, tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 1024
    path = tmp_path / "名册.csv"
    path.write_bytes(b"a," * 1000)
    with pytest.raises(CommandError, match="超过了"):
        call_command("import-members", str(path), org="001001001")
