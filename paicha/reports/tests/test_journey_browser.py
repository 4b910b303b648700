"""Browser journey: a committee reviewer opens 附件5 for its subtree, follows a number to the
members behind it, downloads the .xlsx and opens the print view."""

import datetime

import pytest
from openpyxl import load_workbook

from paicha.codes import CaseOutcome
from paicha.conftest import make_member, make_user
from paicha.core.browser import login
from paicha.organizations.permissions import Role

from .test_lost_forms import make_case

pytestmark = pytest.mark.browser


def test_reviewer_follows_attachment5_to_members_and_downloads(
    transactional_db, tree, live_server, page
):
    make_user("rev_a", tree.college_a, Role.COMMITTEE_REVIEWER)
    # In the branch since 2010 with no evidence of contact: lost all through 2016.
    since = {"branch_entry_date": datetime.date(2010, 1, 1)}
    make_case(make_member(tree.branch_a1, "仍失联甲", **since))
    make_case(
        make_member(tree.branch_a2, "已联系乙", **since),
        outcome=CaseOutcome.REGAINED,
        outcome_on=datetime.date(2016, 5, 1),
    )
    make_case(make_member(tree.branch_b1, "外院丙", **since))
    login(page, live_server, "rev_a", "Secret-pass-1")

    page.goto(
        f"{live_server.url}/reports/attachment5-by-unit/?org={tree.college_a.code}&date=2016-09-20"
    )
    table = page.inner_text("table.official-form")
    assert "超过六个月未与党组织联系的党员总数" in table and "合计" in table
    assert "理学院" not in table
    page.click(f"table.official-form tr:has-text('{tree.branch_a1.name}') td:nth-child(25) a")
    page.wait_for_selector("text=共 1 人")
    assert "仍失联甲" in page.inner_text("main") and "已联系乙" not in page.inner_text("main")

    page.go_back()
    with page.expect_download() as download_info:
        page.click("#download-xlsx")
    with open(download_info.value.path(), "rb") as downloaded:  # no extension: a file object
        sheet = load_workbook(downloaded).active
    assert sheet["A1"].value == "与党组织失去联系党员规范管理和组织处置有关情况统计表"

    with page.context.expect_page() as print_info:
        page.click("#print-view")
    printed = print_info.value
    printed.wait_for_load_state()
    assert "填报单位（盖章）" in printed.inner_text("body")
