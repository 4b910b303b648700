"""Browser journey: the department starts a campaign from the seed 003 template; two branches
tick their first step and submit the 经查找取得联系党员登记表; the committee returns one, which is
resubmitted, and accepts both; the department's board shows the branch that did nothing in red."""

import pytest

from paicha.campaigns.models import Submission
from paicha.conftest import make_user
from paicha.core.browser import login
from paicha.organizations.permissions import Role

pytestmark = pytest.mark.browser
PASSWORD = "Secret-pass-1"
FORM = "经查找取得联系党员登记表"


def _logout(page):
    page.click("#user-menu")
    page.click("#logout")
    page.wait_for_selector("#id_username")


def _tick_and_submit(page, live_server, username, campaign_url):
    login(page, live_server, username, PASSWORD)
    page.goto(campaign_url)
    page.click("#step-1 >> text=登记完成")
    page.fill("#id_done_on", "2016-02-20")
    page.fill("#id_evidence", "支部排查小组完成摸底")
    page.click("#submit")
    page.wait_for_selector("#step-1 >> text=完成")
    page.click(f"#my-forms tr:has-text('{FORM}') >> text=填报")
    page.click("#submit")
    page.wait_for_selector("#versions")
    assert "已上报待审核" in page.inner_text("h1")
    _logout(page)


def _review(page, live_server, campaign_url, *, reason=""):
    page.goto(campaign_url + "submissions/")
    page.click("#waiting a")
    if reason:
        page.fill("#id_return_reason", reason)
        page.click("#return")
    else:
        page.click("#accept")
    page.wait_for_selector("#versions")


def test_campaign_from_template_to_accepted_submissions_and_a_late_branch(
    transactional_db, tree, live_server, page
):
    make_user("zzb", tree.root, Role.ORG_DEPARTMENT)
    make_user("xy_a", tree.college_a, Role.COMMITTEE_REVIEWER)
    make_user("zb_a1", tree.branch_a1, Role.BRANCH_WORKER)
    make_user("zb_a2", tree.branch_a2, Role.BRANCH_WORKER)

    login(page, live_server, "zzb", PASSWORD)
    page.goto(live_server.url + "/campaigns/new/")
    page.select_option("#id_template", "province-steps")
    page.fill("#id_name", "党员组织关系集中排查")
    page.fill("#id_doc_number", "湘组〔2016〕4号")
    page.fill("#id_start", "2016-01-27")
    page.click("#submit")
    page.wait_for_selector("#my-forms")
    campaign_url = page.url
    assert "湘组〔2016〕4号" in page.inner_text("h1")
    _logout(page)

    _tick_and_submit(page, live_server, "zb_a1", campaign_url)
    _tick_and_submit(page, live_server, "zb_a2", campaign_url)

    login(page, live_server, "xy_a", PASSWORD)
    _review(page, live_server, campaign_url, reason="请补充填报联系电话")
    _logout(page)

    returned = Submission.objects.get(status="returned")
    login(page, live_server, returned.submitted_by.username, PASSWORD)
    page.goto(campaign_url)
    assert "已退回" in page.inner_text("#my-forms")
    page.click(f"#my-forms tr:has-text('{FORM}') >> text=填报")
    page.click("#submit")
    page.wait_for_selector("#versions")
    assert "第2版" in page.inner_text("h1")
    _logout(page)

    login(page, live_server, "xy_a", PASSWORD)
    _review(page, live_server, campaign_url)
    _review(page, live_server, campaign_url)
    page.goto(campaign_url)
    page.click("#step-2 >> text=登记完成")  # the committee's own step of 集中摸排
    page.fill("#id_done_on", "2016-02-25")
    page.click("#submit")
    page.wait_for_selector("#step-2 >> text=完成")
    page.goto(campaign_url + "submissions/")
    assert "没有" in page.inner_text("#waiting")
    _logout(page)
    assert Submission.objects.filter(status="accepted").count() == 2
    assert Submission.objects.count() == 3

    login(page, live_server, "zzb", PASSWORD)
    page.goto(campaign_url + "board/?date=2016-04-10")
    assert "late" in page.get_attribute("tr[data-org='001002']", "class")
    assert "late" not in page.get_attribute("tr[data-org='001001']", "class")
    page.click("tr[data-org='001002'] a")
    page.wait_for_selector("tr[data-org='001002001']")
    assert "table-danger" in page.get_attribute("tr[data-org='001002001']", "class")
