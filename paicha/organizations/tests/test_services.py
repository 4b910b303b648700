import pytest
from django.core.exceptions import ValidationError

from paicha.audit.models import AuditEntry
from paicha.conftest import make_member, make_org
from paicha.members.models import Member
from paicha.organizations import services
from paicha.organizations.models import Organization


def test_create_gives_each_child_the_next_path_segment(tree):
    third = make_org(tree.college_a, "001001003", "第三支部")
    assert third.path.startswith(tree.college_a.path)
    assert third.depth == tree.college_a.depth + 1
    assert third.path > tree.branch_a2.path


def test_duplicate_code_is_refused_with_the_holder_named(tree):
    with pytest.raises(ValidationError) as exc:
        make_org(tree.college_b, "001001001", "重复")
    assert "文学院教工第一党支部" in str(exc.value)


def test_rename_is_kept_in_history(tree, personas):
    services.org_update(
        org=tree.branch_a1, name="文学院教工党支部", acting_user=personas["department"]
    )
    entry = AuditEntry.objects.filter(
        model="organizations.Organization", object_id=str(tree.branch_a1.pk), action="update"
    ).get()
    assert entry.changes["组织名称"] == ["文学院教工第一党支部", "文学院教工党支部"]


def test_move_carries_subtree_and_members(tree, personas):
    member = make_member(tree.branch_a1)
    services.org_move(
        org=tree.college_a, new_parent=tree.college_b, acting_user=personas["department"]
    )
    tree.college_a.refresh_from_db()
    branch = Organization.objects.get(code="001001001")
    assert tree.college_a.parent == tree.college_b
    assert branch.path.startswith(tree.college_b.path)
    assert branch.depth == 3
    assert Member.objects.get(pk=member.pk).org_path == branch.path
    assert Member.objects.in_subtree(tree.college_b).filter(pk=member.pk).exists()
    assert AuditEntry.objects.filter(action="move", object_id=str(tree.college_a.pk)).exists()


def test_move_under_own_descendant_is_refused(tree):
    with pytest.raises(ValidationError, match="下级"):
        services.org_move(
            org=tree.college_a, new_parent=tree.branch_a1, acting_user=tree.department
        )


def test_merge_moves_members_and_keeps_the_merged_branch(tree, personas):
    member = make_member(tree.branch_a2)
    services.org_merge(
        source=tree.branch_a2, target=tree.branch_a1, acting_user=personas["department"]
    )
    tree.branch_a2.refresh_from_db()
    member.refresh_from_db()
    assert member.organization == tree.branch_a1
    assert member.org_path == tree.branch_a1.path
    assert not tree.branch_a2.is_active
    assert tree.branch_a2.merged_into == tree.branch_a1
    with pytest.raises(ValidationError):
        services.org_merge(
            source=tree.branch_a2, target=tree.branch_a1, acting_user=tree.department
        )
