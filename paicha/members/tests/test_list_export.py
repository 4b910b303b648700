import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from paicha.audit.models import AuditEntry
from paicha.codes import Gender
from paicha.conftest import make_member
from paicha.members.selectors import keyset_page, member_roster


def test_filters_combine_and_stay_in_scope(tree, personas, client_for):
    make_member(tree.branch_a1, "张甲", gender=Gender.FEMALE, ethnicity="06", flowing=True)
    make_member(tree.branch_a1, "张乙", gender=Gender.MALE)
    make_member(tree.branch_b1, "张丙", gender=Gender.FEMALE)
    client = client_for(personas["reviewer_a"])
    body = client.get(reverse("members:list"), {"gender": "F"}).content.decode()
    assert "张甲" in body and "张乙" not in body and "张丙" not in body
    body = client.get(
        reverse("members:list"), {"ethnicity": "minority", "flag": "flowing", "q": "zj"}
    ).content.decode()
    assert "张甲" in body and "张乙" not in body
    body = client.get(reverse("members:list"), {"org": tree.branch_b1.code}).content.decode()
    assert "张丙" not in body and "不在您的管理范围内" in body


def test_keyset_pages_walk_the_whole_roster_once(tree, personas):
    for i in range(7):
        make_member(tree.branch_a1, f"同名{i % 3}")
    for i in range(4):
        make_member(tree.branch_a2, f"学生{i}")
    members, _ = member_roster(personas["reviewer_a"], {})
    seen, after = [], None
    while True:
        rows, after = keyset_page(members, after=after, size=3)
        seen += [m.pk for m in rows]
        if after is None:
            break
    assert seen == list(members.values_list("pk", flat=True)) and len(seen) == 11


def test_list_pages_by_cursor(tree, personas, client_for):
    for i in range(55):
        make_member(tree.branch_a1, f"党员{i:02d}")
    client = client_for(personas["worker_a1"])
    first = client.get(reverse("members:list"))
    assert first.context["next_cursor"] and len(first.context["members"]) == 50
    second = client.get(reverse("members:list"), {"after": first.context["next_cursor"]})
    assert [m.name for m in second.context["members"]] == [f"党员{i}" for i in range(50, 55)]
    assert second.context["next_cursor"] is None
    assert client.get(reverse("members:list"), {"after": "garbage"}).status_code == 200


def test_export_masks_identity_for_the_auditor_and_says_who(tree, personas, client_for):
    member = make_member(
        tree.branch_a1,
        "王导出",
        mobile="13800138000",
        join_date=datetime.date(2010, 1, 1),
        full_date=datetime.date(2011, 1, 1),
    )
    make_member(tree.branch_b1, "李外支")
    for persona, visible in (("auditor", False), ("reviewer_a", True)):
        response = client_for(personas[persona]).get(
            reverse("members:export"), {"org": tree.college_a.code}
        )
        assert response.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        text = "\n".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)
        assert "王导出" in text and "李外支" not in text
        assert f"导出人：{persona}" in text and "导出时间：" in text
        assert (member.id_number in text) is visible and ("13800138000" in text) is visible
        assert "2010年1月1日" in text
    entries = AuditEntry.objects.filter(action="export")
    assert entries.count() == 2 and "1人" in entries.first().note


@pytest.mark.parametrize("persona", ["worker_b1", "outsider"])
def test_export_of_another_subtree_is_refused(tree, personas, client_for, persona):
    make_member(tree.branch_a1, "王秘密")
    client = client_for(personas[persona])
    response = client.get(reverse("members:export"), {"org": tree.branch_a1.code})
    assert response.status_code == 404
    own = client.get(reverse("members:export"))
    sheet = openpyxl.load_workbook(io.BytesIO(own.content)).active
    assert "王秘密" not in str(list(sheet.iter_rows(values_only=True)))
