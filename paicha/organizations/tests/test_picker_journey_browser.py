"""Browser journey: a college's reviewer chooses a branch on the 失联 list from the tree, finds
another by its pinyin initials on a report, and the choice follows him to the dashboard."""

import pytest

from paicha.conftest import make_user
from paicha.core.browser import login
from paicha.organizations.permissions import Role

pytestmark = pytest.mark.browser


def test_choose_an_organization_from_the_tree_and_by_search(
    transactional_db, tree, live_server, page
):
    make_user("xy_a", tree.college_a, Role.COMMITTEE_REVIEWER)
    login(page, live_server, "xy_a", "Secret-pass-1")

    page.goto(live_server.url + "/evidence/lost/")
    page.click("#asof-form .org-picker-toggle")
    page.wait_for_selector("#asof-form .org-picker-choice[data-code='001001']")
    # Only his college's tree: 理学院 and the other unit are not offered.
    assert "理学院" not in page.inner_text("#asof-form .org-picker-panel")
    page.click("#asof-form .org-picker-expand")
    page.click("#asof-form .org-picker-choice[data-code='001001002']")
    assert page.input_value("#id_org") == "001001002"
    assert page.inner_text("#asof-form .org-picker-name") == "文学院学生党支部"
    page.click("#asof-submit")
    page.wait_for_url("**org=001001002**")
    assert "文学院学生党支部" in page.inner_text("h1")

    # The report opens on the organization chosen last, without ?org=.
    page.goto(live_server.url + "/reports/attachment5/")
    assert page.input_value("#f-org") == "001001002"
    page.click(".org-picker-toggle")
    page.fill(".org-picker-search", "wxyjg")  # 文学院教工第一党支部
    page.wait_for_selector(".org-picker-choice[data-code='001001001']")
    assert page.locator(".org-picker-choice").count() == 1
    page.click(".org-picker-choice[data-code='001001001']")
    assert page.input_value("#f-org") == "001001001"
    page.click("form button.btn-party")
    page.wait_for_url("**org=001001001**")

    page.goto(live_server.url + "/evidence/dashboard/")
    assert "文学院教工第一党支部" in page.inner_text("h1")
