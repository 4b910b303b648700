from django.urls import reverse

from paicha.audit.context import acting_as
from paicha.audit.models import AuditEntry
from paicha.conftest import make_member


def test_member_change_records_who_and_before_after(tree, personas):
    member = make_member(tree.branch_a1, "李四")
    with acting_as(personas["worker_a1"]):
        member.residence = "长沙市岳麓区"
        member.save()
    entry = AuditEntry.objects.filter(model="members.Member", action="update").get()
    assert entry.actor == personas["worker_a1"]
    assert entry.changes == {"实际居住地址": ["", "长沙市岳麓区"]}
    assert entry.member_id == member.pk and entry.org_path == tree.branch_a1.path


def test_delete_is_recorded_with_the_old_values(tree):
    member = make_member(tree.branch_a1, "李四")
    member.delete()
    entry = AuditEntry.objects.get(action="delete")
    assert entry.changes["姓名"] == ["李四", None]


def test_log_is_for_department_and_auditors_only(tree, personas, client_for):
    for name, status in (
        ("worker_a1", 403),
        ("reviewer_a", 403),
        ("auditor", 200),
        ("department", 200),
    ):
        assert client_for(personas[name]).get(reverse("audit:list")).status_code == status


def test_log_filters_by_organization_person_and_date(tree, personas, client_for):
    with acting_as(personas["worker_a1"]):
        make_member(tree.branch_a1, "李甲")
    with acting_as(personas["worker_b1"]):
        make_member(tree.branch_b1, "李乙")
    client = client_for(personas["auditor"])
    url = reverse("audit:list")
    by_org = client.get(url, {"org": tree.college_a.code}).content.decode()
    assert "李甲" in by_org and "李乙" not in by_org
    by_person = client.get(url, {"person": "worker_b1"}).content.decode()
    assert "李乙" in by_person and "李甲" not in by_person
    assert "李甲" not in client.get(url, {"from": "2999-01-01"}).content.decode()
    assert "无法识别的日期" in client.get(url, {"from": "明天"}).content.decode()


def test_auditor_of_another_tree_sees_none_of_this_log(tree, personas, client_for):
    from paicha.accounts.models import User
    from paicha.organizations.permissions import Role

    make_member(tree.branch_a1, "李甲")
    other = User.objects.create_user(
        "aud2", password="x-Secret-9", organization=tree.other_root, role=Role.AUDITOR
    )
    assert "李甲" not in client_for(other).get(reverse("audit:list")).content.decode()
