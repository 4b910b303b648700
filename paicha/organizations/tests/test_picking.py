"""The organization picker: its tree and search stay inside the user's subtree, and the choice
made on one page (?org=) is the default of the next."""

import pytest
from django.test import Client


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _pick(client, **params):
    response = client.get("/orgs/pick/", params)
    assert response.status_code == 200
    return response.json()["results"]


def test_the_tree_starts_at_the_users_own_organization_and_opens_one_level_at_a_time(
    personas, tree
):
    client = _client(personas["reviewer_a"])
    assert _pick(client) == [{"code": "001001", "name": "文学院党委", "has_children": True}]
    assert _pick(client, parent="001001") == [
        {"code": "001001001", "name": "文学院教工第一党支部", "has_children": False},
        {"code": "001001002", "name": "文学院学生党支部", "has_children": False},
    ]


def test_the_tree_refuses_a_node_outside_the_users_subtree(personas, tree):
    client = _client(personas["reviewer_a"])
    assert client.get("/orgs/pick/", {"parent": "001002"}).status_code == 404
    assert client.get("/orgs/pick/", {"parent": "001"}).status_code == 404
    assert client.post("/orgs/pick/").status_code == 405


def test_search_by_name_code_and_pinyin_initials_within_the_subtree(personas, tree):
    client = _client(personas["department"])
    by_initials = _pick(client, q="wxyxs")  # 文学院学生党支部
    assert by_initials == [
        {
            "code": "001001002",
            "name": "文学院学生党支部",
            "trail": "中共测试大学委员会 / 文学院党委",
        }
    ]
    assert [r["code"] for r in _pick(client, q="教工")] == ["001001001", "001002001"]
    assert [r["code"] for r in _pick(client, q="001002")] == ["001002", "001002001"]
    # A college's reviewer finds only his college's: not 理学院, nor the other unit's branch.
    reviewer = _client(personas["reviewer_a"])
    assert [r["code"] for r in _pick(reviewer, q="教工")] == ["001001001"]
    assert _pick(reviewer, q="lxy") == []
    assert _pick(_client(personas["department"]), q="lydw") == []  # 另一单位党委: another tree


def test_an_inactive_organization_is_not_offered(personas, tree):
    type(tree.branch_a2).objects.filter(pk=tree.branch_a2.pk).update(is_active=False)
    client = _client(personas["reviewer_a"])
    assert [r["code"] for r in _pick(client, parent="001001")] == ["001001001"]
    assert _pick(client, q="学生") == []


@pytest.mark.django_db
def test_the_chosen_organization_is_remembered_across_pages_and_the_url_wins(personas, tree):
    client = _client(personas["department"])
    assert client.get("/evidence/lost/", {"org": "001001"}).context["org"] == tree.college_a
    # Another page, no ?org=: the one chosen last.
    assert client.get("/evidence/dashboard/").context["org"] == tree.college_a
    assert client.get("/reports/attachment5/").context["org"] == tree.college_a
    # ?org= wins and becomes the one remembered.
    assert client.get("/evidence/uncontrolled/", {"org": "001002"}).context["org"] == tree.college_b
    assert client.get("/evidence/lost/").context["org"] == tree.college_b
    # A code outside the scope is refused and not remembered.
    assert client.get("/evidence/lost/", {"org": "002"}).status_code == 404
    assert client.get("/evidence/lost/").context["org"] == tree.college_b
    # Another user's session starts from his own organization.
    assert _client(personas["reviewer_a"]).get("/evidence/lost/").context["org"] == tree.college_a
