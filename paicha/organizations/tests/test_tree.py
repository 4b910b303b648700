import pytest
from django.db import connection

from paicha.conftest import make_member
from paicha.members.models import Member
from paicha.organizations.models import Organization
from paicha.organizations.tree import decode_segment, encode_segment, subtree_q


def test_segments_round_trip_and_sort_in_number_order():
    numbers = [0, 1, 9, 10, 35, 36, 1295, 1296, 36**4 - 1]
    segments = [encode_segment(n) for n in numbers]
    assert [decode_segment(s) for s in segments] == numbers
    assert segments == sorted(segments)
    with pytest.raises(ValueError):
        encode_segment(36**4)


def test_subtree_holds_exactly_the_descendants(tree):
    names = set(Organization.objects.subtree(tree.college_a).values_list("code", flat=True))
    assert names == {"001001", "001001001", "001001002"}
    assert Organization.objects.subtree(tree.root).count() == 6
    assert not Organization.objects.subtree(tree.college_b).filter(code="001001001").exists()


def test_sibling_with_longer_code_is_not_in_subtree(tree):
    # Paths are fixed-width, so "A" followed by more segments never collides with "A0".
    from paicha.conftest import make_org

    for n in range(12):
        make_org(tree.root, f"001{n + 10:03d}", f"学院{n}")
    college_a_codes = set(
        Organization.objects.subtree(tree.college_a).values_list("code", flat=True)
    )
    assert college_a_codes == {"001001", "001001001", "001001002"}


def test_members_carry_their_organization_path(tree):
    member = make_member(tree.branch_a1)
    assert member.org_path == tree.branch_a1.path
    assert list(Member.objects.in_subtree(tree.college_a)) == [member]
    assert not Member.objects.in_subtree(tree.college_b).exists()


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Tiny test tables make a sequential scan cheaper; forbid it to show the index
            # can serve the range at all (at scale the planner picks it by itself).
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())


@pytest.mark.django_db(transaction=False)
def test_subtree_queries_use_the_path_indexes(tree):
    member_plan = _plan(Member.objects.filter(subtree_q(tree.college_a.path)).values("id"))
    org_plan = _plan(Organization.objects.subtree(tree.college_a).values("id"))
    print(member_plan, org_plan, sep="\n")
    if connection.vendor == "postgresql":
        assert "Index" in member_plan and "org_path" in member_plan
        assert "Index" in org_plan
    else:
        assert "SEARCH" in member_plan and "org_path" in member_plan
        assert "SEARCH" in org_plan and "INDEX" in org_plan
    assert "SCAN members_member" not in member_plan
