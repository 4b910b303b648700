"""The permission matrix: every organization page and download, for every persona.

A page joins this matrix when it is added: `OBJECT_PAGES` lists URL builders for pages about
one object of branch A1 (or college A); a persona outside that subtree must get 404 or 403.
"""

import pytest
from django.urls import reverse

from paicha.conftest import make_member

OBJECT_PAGES = {
    "org_detail": lambda t, m: reverse("organizations:detail", args=[t.branch_a1.code]),
    "org_children": lambda t, m: reverse("organizations:tree_children", args=[t.branch_a1.code]),
    "org_edit": lambda t, m: reverse("organizations:edit", args=[t.branch_a1.code]),
    "org_create": lambda t, m: reverse("organizations:create", args=[t.college_a.code]),
    "org_move": lambda t, m: reverse("organizations:move", args=[t.branch_a1.code]),
    "org_merge": lambda t, m: reverse("organizations:merge", args=[t.branch_a1.code]),
    "member_detail": lambda t, m: reverse("members:detail", args=[m.pk]),
}
# Who may open pages about branch A1, by persona.
INSIDE = {"worker_a1", "reviewer_a", "department", "auditor"}
OUTSIDE = {"worker_b1", "outsider"}


@pytest.mark.parametrize("page", sorted(OBJECT_PAGES))
@pytest.mark.parametrize("persona", sorted(OUTSIDE))
def test_outsider_of_the_subtree_gets_nothing(tree, personas, client_for, page, persona):
    member = make_member(tree.branch_a1, "王秘密")
    client = client_for(personas[persona])
    for method in ("get", "post"):
        response = getattr(client, method)(OBJECT_PAGES[page](tree, member))
        assert response.status_code in (403, 404), (page, persona, method)
        assert "王秘密" not in response.content.decode()


@pytest.mark.parametrize("persona", sorted(INSIDE))
def test_insiders_can_read_the_branch_and_member(tree, personas, client_for, persona):
    member = make_member(tree.branch_a1, "王可见")
    client = client_for(personas[persona])
    assert client.get(OBJECT_PAGES["org_detail"](tree, member)).status_code == 200
    response = client.get(OBJECT_PAGES["member_detail"](tree, member))
    assert response.status_code == 200 and "王可见" in response.content.decode()


@pytest.mark.parametrize("persona", ["worker_a1", "auditor"])
def test_roles_without_manage_orgs_cannot_change_organizations(tree, personas, client_for, persona):
    client = client_for(personas[persona])
    response = client.post(OBJECT_PAGES["org_edit"](tree, None), {"name": "改名"})
    assert response.status_code == 403
    tree.branch_a1.refresh_from_db()
    assert tree.branch_a1.name == "文学院教工第一党支部"


def test_lists_and_search_show_only_the_own_subtree(tree, personas, client_for):
    make_member(tree.branch_a1, "张甲")
    make_member(tree.branch_b1, "张乙")
    make_member(tree.other_branch, "张丙")
    client = client_for(personas["worker_a1"])
    for url in (reverse("members:list"), reverse("search") + "?q=张", reverse("search") + "?q=zy"):
        body = client.get(url).content.decode()
        assert "张乙" not in body and "张丙" not in body, url
    assert "张甲" in client.get(reverse("search") + "?q=zj").content.decode()
    dept_body = client_for(personas["department"]).get(reverse("search") + "?q=张").content.decode()
    assert "张甲" in dept_body and "张乙" in dept_body and "张丙" not in dept_body


def test_user_without_organization_sees_nothing(db, client_for, tree):
    from paicha.accounts.models import User

    make_member(tree.branch_a1, "张甲")
    user = User.objects.create_user("lost", password="x-Secret-9")
    client = client_for(user)
    assert "张甲" not in client.get(reverse("search") + "?q=张").content.decode()
