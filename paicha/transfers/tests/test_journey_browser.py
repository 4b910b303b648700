"""Browser journey: branch A1 sends a member to branch B1 inside the system, B1 accepts, the
member moves and A1's open-receipt list empties; a letter to an outside organization stays
open past its deadline and shows up as overdue."""

import datetime

import pytest
from django.utils import timezone

from paicha.conftest import make_user
from paicha.core.browser import login
from paicha.organizations.permissions import Role

from .conftest import make_member

pytestmark = pytest.mark.browser


def _logout(page):
    page.click("#user-menu")
    page.click("#logout")
    page.wait_for_selector("#id_username")


def test_transfer_inside_the_system_and_an_overdue_outside_letter(
    transactional_db, tree, live_server, page
):
    make_user("zb_a1", tree.branch_a1, Role.BRANCH_WORKER)
    make_user("zb_b1", tree.branch_b1, Role.BRANCH_WORKER)
    make_member(tree.branch_a1, "孔调动", mobile="13800000011")
    make_member(tree.branch_a1, "曹外出", mobile="13800000012")

    login(page, live_server, "zb_a1", "Secret-pass-1")
    page.click("text=组织关系转接")
    page.click("#new-out")
    page.fill("#pick-q", "孔调动")
    page.click("#pick-search")
    page.click("#pick-results >> text=孔调动")
    page.fill("#id_letter_number", "文〔2026〕1号")
    page.fill("#id_counterpart_code", tree.branch_b1.code)
    page.select_option("#id_province_scope", "within")
    page.select_option("#id_permanence", "permanent")
    page.fill("#id_destination", "理学院")
    page.click("#submit")
    page.wait_for_selector("#state")
    assert "待回执" in page.inner_text("#state")
    page.goto(live_server.url + "/transfers/")
    assert "孔调动" in page.inner_text("#transfer-table")

    # A letter to an outside organization, dated long enough ago to be past its deadline.
    page.goto(live_server.url + "/transfers/new/?q=曹外出")
    page.click("#pick-results >> text=曹外出")
    old = timezone.localdate() - datetime.timedelta(days=200)
    page.fill("#id_letter_date", old.isoformat())
    page.fill("#id_counterpart_name", "中共深圳市南山区委组织部")
    page.select_option("#id_province_scope", "outside")
    page.select_option("#id_permanence", "permanent")
    page.click("#submit")
    page.wait_for_selector("#state")
    assert "逾期未回执" in page.inner_text("#state")
    _logout(page)

    login(page, live_server, "zb_b1", "Secret-pass-1")
    page.goto(live_server.url + "/transfers/incoming/")
    assert "孔调动" in page.inner_text("#incoming-table")
    page.click("#incoming-table a.btn-party")
    page.click("#submit")
    page.wait_for_selector("text=回执已同时登记")
    page.goto(live_server.url + "/members/")
    assert "孔调动" in page.inner_text("main")
    _logout(page)

    login(page, live_server, "zb_a1", "Secret-pass-1")
    page.goto(live_server.url + "/transfers/")
    table = page.inner_text("#transfer-table")
    assert "孔调动" not in table and "曹外出" in table
    page.goto(live_server.url + "/members/")
    assert "孔调动" not in page.inner_text("main")
    page.goto(live_server.url + "/transfers/?tab=overdue")
    overdue = page.inner_text("#transfer-table")
    assert "曹外出" in overdue and "逾期未回执" in overdue and "孔调动" not in overdue
