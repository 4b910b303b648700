"""Every organization service refuses a user outside the subtree and a user without
MANAGE_ORGS, before it changes anything."""

import pytest
from django.core.exceptions import PermissionDenied

from paicha.audit.models import AuditEntry
from paicha.codes import OrgCategory, OrgKind
from paicha.conftest import make_user
from paicha.organizations import services
from paicha.organizations.models import Organization
from paicha.organizations.permissions import Role


@pytest.mark.parametrize(
    "who, message",
    [
        ("reviewer of another tree", "不在您的管理范围内"),
        ("reviewer of college A", "不在您的管理范围内"),
        ("worker of branch B1", "您的角色没有此项操作权限"),
    ],
)
def test_organization_services_refuse_outsiders_and_users_without_the_permission(
    tree, personas, who, message
):
    user = {
        "reviewer of another tree": make_user(
            "reviewer_x", tree.other_root, Role.COMMITTEE_REVIEWER
        ),
        "reviewer of college A": personas["reviewer_a"],
        "worker of branch B1": personas["worker_b1"],
    }[who]
    paths = dict(Organization.objects.values_list("code", "path"))
    audit_rows = AuditEntry.objects.count()
    calls = {
        "新建": lambda: services.org_create(
            parent=tree.college_b,
            code="001002009",
            name="新支部",
            kind=OrgKind.BRANCH,
            category=OrgCategory.SCHOOL,
            acting_user=user,
        ),
        "修改": lambda: services.org_update(org=tree.college_b, name="改名", acting_user=user),
        "调整隶属关系": lambda: services.org_move(
            org=tree.branch_b1, new_parent=tree.college_a, acting_user=user
        ),
        "合并": lambda: services.org_merge(
            source=tree.branch_b1, target=tree.branch_a1, acting_user=user
        ),
    }
    for what, call in calls.items():
        with pytest.raises(PermissionDenied, match=message):
            call()
            pytest.fail(f"{what}：未被拒绝")
    assert dict(Organization.objects.values_list("code", "path")) == paths
    assert Organization.objects.get(code="001002").name == "理学院党委"
    assert Organization.objects.get(code="001002001").is_active
    assert AuditEntry.objects.count() == audit_rows


def test_a_user_cannot_move_or_merge_the_organization_of_his_own_account(tree, personas):
    reviewer = personas["reviewer_a"]
    with pytest.raises(PermissionDenied, match="不能调整本级党组织自身的隶属关系"):
        services.org_move(org=tree.college_a, new_parent=tree.branch_a1, acting_user=reviewer)
    with pytest.raises(PermissionDenied, match="不能调整本级党组织自身的隶属关系"):
        services.org_merge(source=tree.college_a, target=tree.branch_a1, acting_user=reviewer)
    tree.college_a.refresh_from_db()
    assert tree.college_a.parent == tree.root and tree.college_a.is_active
