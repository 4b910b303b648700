import datetime

import pytest
from django.urls import reverse

from paicha.codes import Gender, MemberType
from paicha.conftest import make_member
from paicha.members.models import Member
from paicha.members.quality import members_failing, quality_by_branch

AS_OF = datetime.date(2016, 9, 20)


def complete(org, name, **extra):
    fields = dict(
        join_date=datetime.date(2010, 1, 1),
        full_date=datetime.date(2011, 1, 1),
        mobile="13800138000",
        native_place="湖南长沙",
        education="2",
        work_unit="文学院",
        household_register="长沙市",
        residence="岳麓区",
        monthly_dues="2.00",
        branch_entry_date=datetime.date(2012, 1, 1),
    )
    fields.update(extra)
    return make_member(org, name, **fields)


def test_checks_count_by_branch_and_list_the_members(tree):
    complete(tree.branch_a1, "齐全")
    complete(tree.branch_a1, "缺手机", mobile="")
    complete(
        tree.branch_a2,
        "预备超期",
        member_type=MemberType.PROBATIONARY,
        full_date=None,
        join_date=datetime.date(2015, 1, 1),
    )
    wrong = complete(tree.branch_a2, "性别错")
    Member.objects.filter(pk=wrong.pk).update(gender=Gender.FEMALE)
    birth = complete(tree.branch_a2, "生日错")
    Member.objects.filter(pk=birth.pk).update(birth_date=datetime.date(1990, 5, 18))
    complete(tree.branch_b1, "外院缺手机", mobile="")
    checks, rows = quality_by_branch(Member.objects.in_subtree(tree.college_a), as_of=AS_OF)
    by_org = {r["organization"]: r for r in rows}
    assert set(by_org) == {tree.branch_a1.pk, tree.branch_a2.pk}
    assert by_org[tree.branch_a1.pk]["mobile"] == 1 and by_org[tree.branch_a1.pk]["total"] == 2
    a2 = by_org[tree.branch_a2.pk]
    assert (a2["probation_over"], a2["id_gender"], a2["id_birth"], a2["mobile"]) == (1, 1, 1, 0)
    check, failing = members_failing(
        Member.objects.in_subtree(tree.college_a), "id_gender", as_of=AS_OF
    )
    assert [m.name for m in failing] == ["性别错"] and check.field == "gender"


def test_page_links_each_member_to_the_edit_page(tree, personas, client_for):
    member = complete(tree.branch_a1, "缺籍贯", native_place="")
    client = client_for(personas["reviewer_a"])
    page = client.get(reverse("members:quality")).content.decode()
    assert "文学院教工第一党支部" in page and "缺籍贯" in page
    assert "check=native_place" in page
    listing = client.get(
        reverse("members:quality"), {"org": tree.branch_a1.code, "check": "native_place"}
    ).content.decode()
    assert reverse("members:edit", args=[member.pk]) + "#id_native_place" in listing


@pytest.mark.parametrize("persona", ["worker_b1", "outsider"])
def test_other_subtrees_get_nothing(tree, personas, client_for, persona):
    complete(tree.branch_a1, "王秘密", native_place="")
    client = client_for(personas[persona])
    for params in (
        {"org": tree.branch_a1.code},
        {"org": tree.branch_a1.code, "check": "native_place"},
    ):
        response = client.get(reverse("members:quality"), params)
        assert response.status_code == 404 and "王秘密" not in response.content.decode()
    own = client.get(reverse("members:quality")).content.decode()
    assert "王秘密" not in own and "文学院" not in own


def test_page_works_while_queries_are_logged(tree, personas, client_for, settings):
    """With SQL logging on (DEBUG, or a logging setting), the queries are still printable."""
    from django.db import connection

    complete(tree.branch_a1, "生日对")
    client = client_for(personas["reviewer_a"])
    connection.force_debug_cursor = True
    try:
        response = client.get(reverse("members:quality"))
    finally:
        connection.force_debug_cursor = False
    assert response.status_code == 200 and "文学院教工第一党支部" in response.content.decode()
