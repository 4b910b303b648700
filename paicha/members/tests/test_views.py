import pytest
from django.urls import reverse

from paicha.conftest import make_member
from paicha.members.models import Member

from .conftest import valid_fields


def form_data(org, **overrides):
    data = {
        k: (v.isoformat() if hasattr(v, "isoformat") else v)
        for k, v in valid_fields(**overrides).items()
    }
    data["organization"] = org.pk
    return data


# Pages about one member of branch A1; people outside the subtree get 403/404.
MEMBER_PAGES = {
    "detail": lambda m: reverse("members:detail", args=[m.pk]),
    "edit": lambda m: reverse("members:edit", args=[m.pk]),
}


@pytest.mark.parametrize("page", sorted(MEMBER_PAGES))
@pytest.mark.parametrize("persona", ["worker_b1", "outsider"])
def test_outsiders_get_nothing(tree, personas, client_for, page, persona):
    member = make_member(tree.branch_a1, "王秘密")
    client = client_for(personas[persona])
    for method in ("get", "post"):
        response = getattr(client, method)(MEMBER_PAGES[page](member))
        assert response.status_code in (403, 404)
        assert "王秘密" not in response.content.decode()


def test_auditor_may_read_but_not_edit_or_create(tree, personas, client_for):
    member = make_member(tree.branch_a1, "王可见", mobile="13800138000")
    client = client_for(personas["auditor"])
    body = client.get(MEMBER_PAGES["detail"](member)).content.decode()
    assert "王可见" in body and "138****8000" in body and member.id_number not in body
    assert client.get(MEMBER_PAGES["edit"](member)).status_code == 403
    assert client.post(reverse("members:create"), form_data(tree.branch_a1)).status_code == 403


def test_worker_registers_a_member_through_the_form(tree, personas, client_for):
    client = client_for(personas["worker_a1"])
    page = client.get(reverse("members:create")).content.decode()
    assert "基本情况" in page and "党籍情况" in page and "身份证号码" in page
    response = client.post(
        reverse("members:create"),
        form_data(tree.branch_a1, id_number=valid_fields()["id_number"].lower()),
    )
    member = Member.objects.get()
    assert response.status_code == 302 and response.url == member.get_absolute_url()
    detail = client.get(member.get_absolute_url()).content.decode()
    assert "变更历史" in detail and "新增" in detail and "1990年5月17日" in detail


def test_form_shows_each_error_on_its_field(tree, personas, client_for):
    client = client_for(personas["worker_a1"])
    response = client.post(
        reverse("members:create"),
        form_data(
            tree.branch_a1,
            gender="F",
            mobile="2380013800",
            household_register="长" * 33,
            join_date="",
        ),
    )
    body = response.content.decode()
    assert response.status_code == 200 and not Member.objects.exists()
    assert "与身份证号码第17位不一致" in body
    assert "以1开头的11位数字" in body
    assert "32" in body and "这个字段是必填项" in body


def test_form_reports_one_person_two_registrations_outside_the_scope(tree, personas, client_for):
    make_member(tree.other_branch, "外单位人", id_number=valid_fields()["id_number"])
    client = client_for(personas["worker_a1"])
    body = client.post(reverse("members:create"), form_data(tree.branch_a1)).content.decode()
    assert "另一单位党支部" in body and "文学院教工第一党支部" in body and "一人两籍" in body
    assert "外单位人" not in body
    assert Member.objects.count() == 1


def test_form_cannot_place_a_member_outside_the_scope(tree, personas, client_for):
    client = client_for(personas["worker_a1"])
    response = client.post(reverse("members:create"), form_data(tree.branch_b1))
    assert response.status_code == 200 and not Member.objects.exists()


def test_edit_changes_only_what_changed_and_history_shows_it(tree, personas, client_for):
    client = client_for(personas["worker_a1"])
    client.post(reverse("members:create"), form_data(tree.branch_a1))
    member = Member.objects.get()
    response = client.post(
        reverse("members:edit", args=[member.pk]), form_data(tree.branch_a1, work_unit="文学院讲师")
    )
    assert response.status_code == 302
    body = client.get(member.get_absolute_url()).content.decode()
    assert "修改" in body and "文学院讲师" in body


def test_member_page_lists_records_of_other_apps_that_exist(tree, personas, client_for):
    import datetime

    from paicha.members.selectors import member_related_sections

    member = make_member(tree.branch_a1, "有记录")
    sections = member_related_sections(member)
    titles = {s["app"] for s in sections}
    assert titles <= {"evidence", "transfers", "cases"}
    body = client_for(personas["worker_a1"]).get(member.get_absolute_url()).content.decode()
    for section in sections:  # none has rows yet: each is named once, as having none
        assert section["title"] in body
    from paicha.evidence.models import ContactRecord

    channel = ContactRecord._meta.get_field("channel").choices[0][0]
    ContactRecord.objects.create(
        member=member,
        organization=member.organization,
        date=datetime.date(2016, 9, 1),
        channel=channel,
        by_whom="支部书记",
    )
    body = client_for(personas["worker_a1"]).get(member.get_absolute_url()).content.decode()
    assert 'id="section-contactrecord"' in body


def test_big_scopes_type_the_organization_code(tree, personas, client_for, monkeypatch):
    from paicha.members import forms

    monkeypatch.setattr(forms, "ORG_SELECT_LIMIT", 2)
    client = client_for(personas["reviewer_a"])
    page = client.get(reverse("members:create")).content.decode()
    assert 'placeholder="党组织代码"' in page
    data = form_data(tree.branch_a1)
    data["organization"] = tree.branch_a2.code
    response = client.post(reverse("members:create"), data)
    assert response.status_code == 302
    assert Member.objects.get().organization == tree.branch_a2
    edit = client.get(reverse("members:edit", args=[Member.objects.get().pk])).content.decode()
    assert f'value="{tree.branch_a2.code}"' in edit


def _action_links(body: str) -> dict[str, str]:
    import re

    bar = body.split('id="member-actions"', 1)[1].split("</nav>", 1)[0]
    return {
        label: url.replace("&amp;", "&")
        for url, label in re.findall(r'href="([^"]+)">([^<]+)</a>', bar)
    }


def test_member_page_leads_to_every_record_of_him_with_him_filled_in(tree, personas, client_for):
    member = make_member(tree.branch_a1, "王办理")
    client = client_for(personas["worker_a1"])
    links = _action_links(client.get(reverse("members:detail", args=[member.pk])).content.decode())
    assert list(links) == [
        "联系证据",
        "登记表（打印）",
        "登记表（Word）",
        "登记联系情况",
        "登记党费",
        "转出组织关系",
        "登记外出流动",
        "出国（境）",
        "立案查找",
    ]
    for label, url in links.items():
        response = client.get(url)
        assert response.status_code == 200, (label, url, response.status_code)
        if label != "登记表（Word）":
            assert "王办理" in response.content.decode(), label
    assert links["登记表（Word）"].endswith("?format=docx")
    assert client.get(links["登记表（Word）"])["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )


def test_readers_and_members_off_the_roster_get_no_edit_actions(tree, personas, client_for):
    from paicha.codes import MemberStatus

    member = make_member(tree.branch_a1, "王只读")
    links = _action_links(
        client_for(personas["auditor"])
        .get(reverse("members:detail", args=[member.pk]))
        .content.decode()
    )
    assert list(links) == ["联系证据", "登记表（打印）", "登记表（Word）"]
    Member.objects.filter(pk=member.pk).update(status=MemberStatus.TRANSFERRED_OUT)
    links = _action_links(
        client_for(personas["worker_a1"])
        .get(reverse("members:detail", args=[member.pk]))
        .content.decode()
    )
    assert "转出组织关系" not in links and "登记表（打印）" in links
