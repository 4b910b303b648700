"""Re-importing stored members: only those whose values the file changes are written."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from paicha.audit.models import AuditEntry
from paicha.codes import Gender
from paicha.members.idcard import make_id_number
from paicha.members.importing import import_commit
from paicha.members.models import Member
from paicha.members.signals import members_changed_in_bulk

ID_ZHANG = make_id_number("430102", datetime.date(1985, 3, 9), 1, Gender.MALE)
ID_WANG = make_id_number("430102", datetime.date(1990, 7, 1), 2, Gender.FEMALE)
LONG_AGO = datetime.datetime(2020, 1, 1, 8, 0, tzinfo=datetime.UTC)


def roster(*, wang_name="王芳", wang_unit="理学院", wang_dues="12.50") -> bytes:
    return (
        "姓名,身份证号码,入党时间,转正时间,工作单位,每月党费\n"
        f"张伟,{ID_ZHANG},2008-06-01,2009-06-01,文学院,20.00\n"
        f"{wang_name},{ID_WANG},2012-03-01,2013-03-01,{wang_unit},{wang_dues}\n"
    ).encode()


def commit(tree, user, content):
    return import_commit(
        content=content, filename="名册.csv", organization=tree.branch_a1, acting_user=user
    )


@pytest.fixture
def stored(tree, personas):
    """Both members imported once, their last change set back to a known moment."""
    commit(tree, personas["worker_a1"], roster())
    Member.objects.update(updated_at=LONG_AGO)
    AuditEntry.objects.all().delete()
    return {m.id_number: m.pk for m in Member.objects.all()}


@pytest.fixture
def changed_in_bulk():
    sent = []

    def receive(sender, member_ids, **kwargs):
        sent.append(sorted(member_ids))

    members_changed_in_bulk.connect(receive, dispatch_uid="test_import_updates")
    yield sent
    members_changed_in_bulk.disconnect(dispatch_uid="test_import_updates")


def test_reimport_of_the_same_file_writes_no_member(tree, personas, stored, changed_in_bulk):
    result = commit(tree, personas["worker_a1"], roster())

    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert list(Member.objects.values_list("updated_at", flat=True)) == [LONG_AGO, LONG_AGO]
    assert changed_in_bulk == []
    entry = AuditEntry.objects.get(action="import")
    assert entry.note == "导入党员名册“名册.csv”：新增0人，更新0人，2人与名册一致未改动"
    assert entry.changes["更新"] == ["", 0] and entry.changes["未改动"] == ["", 2]
    assert not AuditEntry.objects.filter(model="members.Member").exists()


def test_reimport_writes_only_the_member_the_file_changes(tree, personas, stored, changed_in_bulk):
    before = timezone.now()
    result = commit(
        tree, personas["worker_a1"], roster(wang_name="王娟", wang_unit="化学院", wang_dues="15")
    )

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    zhang = Member.objects.get(id_number=ID_ZHANG)
    wang = Member.objects.get(id_number=ID_WANG)
    assert (zhang.name, zhang.work_unit, zhang.updated_at) == ("张伟", "文学院", LONG_AGO)
    assert (wang.name, wang.name_initials, wang.work_unit, wang.monthly_dues) == (
        "王娟",
        "wj",
        "化学院",
        Decimal("15.00"),
    )
    assert wang.updated_at >= before
    assert wang.join_date == datetime.date(2012, 3, 1)  # a field the file repeats stays
    assert changed_in_bulk == [[stored[ID_WANG]]]
    entry = AuditEntry.objects.get(action="import")
    assert entry.note == "导入党员名册“名册.csv”：新增0人，更新1人，1人与名册一致未改动"
    assert entry.changes["更新"] == ["", 1]


def test_members_changing_different_fields_are_written_each_with_their_own(tree, personas, stored):
    # 张伟's stored unit differs from the file; 王芳's dues do: each gets only its own change.
    Member.objects.filter(id_number=ID_ZHANG).update(work_unit="旧单位", mobile="13800138000")
    Member.objects.filter(id_number=ID_WANG).update(monthly_dues=Decimal("1.00"))

    result = commit(tree, personas["worker_a1"], roster())

    assert (result.updated, result.unchanged) == (2, 0)
    zhang = Member.objects.get(id_number=ID_ZHANG)
    wang = Member.objects.get(id_number=ID_WANG)
    assert (zhang.work_unit, zhang.mobile, zhang.monthly_dues) == (
        "文学院",
        "13800138000",
        Decimal("20.00"),
    )
    assert (wang.work_unit, wang.monthly_dues) == ("理学院", Decimal("12.50"))


def test_job_message_names_the_members_left_as_they_were(tree, personas, stored):
    from paicha.members.jobs import _commit
    from paicha.members.models import MemberImport

    job = MemberImport.objects.create(
        organization=tree.branch_a1,
        created_by=personas["worker_a1"],
        filename="名册.csv",
        content=roster(wang_unit="化学院"),
    )
    outcome = _commit(job, lambda stage, done, total: None)

    assert outcome.message == "已导入：新增0人，更新1人，1人与名册一致未改动"
    assert (outcome.stored["summary"]["update"], outcome.stored["summary"]["unchanged"]) == (1, 1)


def test_command_counts_the_members_changed_and_those_left_as_they_were(
    tree, stored, tmp_path, capsys
):
    path = tmp_path / "名册.csv"
    path.write_bytes(roster(wang_unit="化学院"))
    call_command("import-members", str(path), org="001001001", dry_run=True)
    assert "检查通过（未写入）：将新增 0 人，更新 1 人，1 人与名册一致未改动（读取 2 行）" in (
        capsys.readouterr().out
    )

    call_command("import-members", str(path), org="001001001")

    assert "导入完成：新增 0 人，更新 1 人，1 人与名册一致未改动（读取 2 行）" in (
        capsys.readouterr().out
    )


def test_check_preview_says_which_stored_members_the_file_changes(tree, personas, stored):
    from paicha.members.importing import plan_import
    from paicha.members.jobs import _store_plan

    plan = plan_import(
        content=roster(wang_unit="化学院"),
        filename="名册.csv",
        organization=tree.branch_a1,
        acting_user=personas["worker_a1"],
    )
    preview = [(p["name"], p["action"]) for p in _store_plan(plan)["preview"]]
    assert preview == [("张伟", "未改动"), ("王芳", "更新")]
