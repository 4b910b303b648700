import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from paicha.accounts.models import User
from paicha.audit.models import AuditEntry


def test_department_creates_an_account_in_its_subtree(tree, personas, client_for):
    client = client_for(personas["department"])
    response = client.post(
        reverse("user_create"),
        {
            "username": "zb_new",
            "full_name": "新同志",
            "organization": tree.branch_b1.code,
            "role": "branch_worker",
            "password": "Strong-pass-2016",
        },
    )
    assert response.status_code == 302
    account = User.objects.get(username="zb_new")
    assert account.organization == tree.branch_b1 and account.check_password("Strong-pass-2016")
    assert AuditEntry.objects.filter(
        model="accounts.User", object_id=str(account.pk), action="create"
    ).exists()


def test_account_outside_the_subtree_is_refused_with_the_field_named(tree, personas, client_for):
    client = client_for(personas["department"])
    response = client.post(
        reverse("user_create"),
        {
            "username": "x1",
            "organization": tree.other_branch.code,
            "role": "branch_worker",
            "password": "Strong-pass-2016",
        },
    )
    assert "在您的管理范围内没有代码为 900001" in response.content.decode()
    assert not User.objects.filter(username="x1").exists()


def test_weak_password_and_duplicate_username_are_explained(tree, personas, client_for):
    client = client_for(personas["department"])
    body = client.post(
        reverse("user_create"),
        {
            "username": "worker_a1",
            "organization": tree.branch_a1.code,
            "role": "branch_worker",
            "password": "Strong-pass-2016",
        },
    ).content.decode()
    assert "用户名 worker_a1 已被使用" in body
    body = client.post(
        reverse("user_create"),
        {
            "username": "weak",
            "organization": tree.branch_a1.code,
            "role": "branch_worker",
            "password": "12345678",
        },
    ).content.decode()
    assert not User.objects.filter(username="weak").exists() and "密码" in body


@pytest.mark.parametrize("persona", ["worker_a1", "reviewer_a", "auditor", "outsider"])
def test_only_the_department_manages_accounts(tree, personas, client_for, persona):
    client = client_for(personas[persona])
    assert client.get(reverse("user_list")).status_code == 403
    target = personas["worker_a1"]
    assert client.post(
        reverse("user_edit", args=[target.pk]), {"role": "org_department"}
    ).status_code in (403, 404)
    target.refresh_from_db()
    assert target.role == "branch_worker"


def test_department_of_another_tree_cannot_see_these_accounts(tree, personas, client_for):
    other = User.objects.create_user(
        "dept2", password="x-Secret-9", organization=tree.other_root, role="org_department"
    )
    client = client_for(other)
    assert "worker_a1" not in client.get(reverse("user_list")).content.decode()
    assert client.get(reverse("user_edit", args=[personas["worker_a1"].pk])).status_code == 404


def test_reset_password_and_unlock(tree, personas, client_for):
    client = client_for(personas["department"])
    target = personas["worker_a1"]
    AccessAttempt.objects.create(
        username=target.username, ip_address="127.0.0.1", user_agent="t", failures_since_start=9
    )
    client.post(reverse("user_edit", args=[target.pk]), {"unlock": "1"})
    assert not AccessAttempt.objects.filter(username=target.username).exists()
    client.post(reverse("user_edit", args=[target.pk]), {"password": "Another-pass-77"})
    target.refresh_from_db()
    assert target.check_password("Another-pass-77")


def test_department_cannot_deactivate_itself(tree, personas, client_for):
    me = personas["department"]
    body = (
        client_for(me)
        .post(
            reverse("user_edit", args=[me.pk]),
            {"organization": tree.root.code, "role": "org_department"},
        )
        .content.decode()
    )
    me.refresh_from_db()
    assert me.is_active and "不能停用自己的账号" in body
