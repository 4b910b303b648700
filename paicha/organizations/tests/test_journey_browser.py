"""Browser journey: a branch worker logs in, sees only the own branch, opens the tree, logs out."""

import pytest

from paicha.conftest import make_member, make_user
from paicha.core.browser import login
from paicha.organizations.permissions import Role

pytestmark = pytest.mark.browser


def test_branch_worker_sees_only_own_branch(transactional_db, tree, live_server, page):
    make_user("zb_a1", tree.branch_a1, Role.BRANCH_WORKER)
    make_member(tree.branch_a1, "赵本支")
    make_member(tree.branch_b1, "钱外支")
    login(page, live_server, "zb_a1", "Secret-pass-1")
    assert "文学院教工第一党支部" in page.inner_text("main")

    page.goto(live_server.url + "/orgs/")
    page.wait_for_selector("#org-tree-page a.current")
    tree_text = page.inner_text("#org-tree-page")
    assert "文学院教工第一党支部" in tree_text
    assert "理学院" not in tree_text and "文学院党委" not in tree_text

    page.goto(live_server.url + "/members/")
    roster = page.inner_text("main")
    assert "赵本支" in roster and "钱外支" not in roster

    response = page.goto(live_server.url + f"/orgs/{tree.branch_b1.code}/")
    assert response.status == 404

    page.goto(live_server.url + "/")
    page.click("#user-menu")
    page.click("#logout")
    page.wait_for_selector("#id_username")
    assert "/accounts/login/" in page.url


def test_reviewer_expands_the_tree_lazily(transactional_db, tree, live_server, page):
    make_user("rev_a", tree.college_a, Role.COMMITTEE_REVIEWER)
    login(page, live_server, "rev_a", "Secret-pass-1")
    page.goto(live_server.url + "/orgs/")
    page.wait_for_selector("#org-tree-page a.current")
    assert "文学院学生党支部" in page.inner_text("#org-tree-page")


def test_phone_layout_hides_the_menu_behind_a_button(transactional_db, tree, live_server, browser):
    make_user("zb_phone", tree.branch_a1, Role.BRANCH_WORKER)
    context = browser.new_context(viewport={"width": 390, "height": 800}, is_mobile=True)
    phone = context.new_page()
    login(phone, live_server, "zb_phone", "Secret-pass-1")
    assert not phone.is_visible("#sidebar .sidebar-nav")
    phone.click("button[aria-controls=sidebar]")
    phone.wait_for_selector("#sidebar .sidebar-nav", state="visible")
    context.close()
