"""The account services refuse a manager outside the account's subtree and a user without
MANAGE_USERS, before they change anything."""

import pytest
from django.core.exceptions import PermissionDenied

from paicha.accounts import services
from paicha.accounts.models import User
from paicha.audit.models import AuditEntry
from paicha.conftest import make_user
from paicha.organizations.permissions import Role


@pytest.mark.parametrize(
    "who, message",
    [
        ("department of another tree", "不在您的管理范围内"),
        ("reviewer of college A", "您的角色没有此项操作权限"),
    ],
)
def test_account_services_refuse_outsiders_and_users_without_the_permission(
    tree, personas, who, message
):
    user = (
        personas["reviewer_a"]
        if who == "reviewer of college A"
        else make_user("dept_x", tree.other_root, Role.ORG_DEPARTMENT)
    )
    account = personas["worker_a1"]
    audit_rows = AuditEntry.objects.count()
    calls = {
        "修改": lambda: services.user_update(acting_user=user, account=account, full_name="改名"),
        "重置密码": lambda: services.user_set_password(
            acting_user=user, account=account, password="Another-pass-2016"
        ),
        "解除锁定": lambda: services.user_unlock(acting_user=user, account=account),
    }
    for what, call in calls.items():
        with pytest.raises(PermissionDenied, match=message):
            call()
            pytest.fail(f"{what}：未被拒绝")
    if who == "reviewer of college A":
        with pytest.raises(PermissionDenied, match=message):
            services.user_create(
                acting_user=user,
                username="new_a1",
                password="Strong-pass-2016",
                organization=tree.branch_a1,
                role=Role.BRANCH_WORKER,
            )
    account.refresh_from_db()
    assert account.full_name == "worker_a1" and account.check_password("Secret-pass-1")
    assert not User.objects.filter(username="new_a1").exists()
    assert AuditEntry.objects.count() == audit_rows
