"""Browser journey through the small things that lead new users astray: the 失联 list explains
its rule with Chinese dates and its own boundary convention even in an English browser; a
member's change history names every record and says 是/否; the 流动党员 tab opens without an
error; typed dates such as 2016年9月 are read as the imports read them; the import's target is
chosen when there is only one."""

import datetime

import pytest
from django.utils import timezone

from paicha.conftest import make_member, make_user
from paicha.core.browser import login
from paicha.evidence.tests.conftest import attend, pay
from paicha.organizations.permissions import Role

pytestmark = pytest.mark.browser
PASSWORD = "Secret-pass-1"


def test_details_that_lead_new_users_astray(transactional_db, tree, live_server, browser):
    make_user("zb_a1", tree.branch_a1, Role.BRANCH_WORKER)
    today = timezone.localdate()
    someone = make_member(
        tree.branch_a1, "王某", branch_entry_date=today - datetime.timedelta(days=900)
    )
    pay(someone, today - datetime.timedelta(days=400))
    attend(someone, today - datetime.timedelta(days=300))

    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        login(page, live_server, "zb_a1", PASSWORD)
        page.goto(live_server.url + "/evidence/lost/")
        rule = page.inner_text("#lost-rule")
        assert "2016年3月20日" in rule and "March" not in rule
        # The list and its explanation follow one convention (the rule the list computes).
        assert "6个月以上" in rule and "2016年9月20日起列入" in rule

        # The member's history: no "EvidenceGap object (N)", no raw True/False or ID.
        page.goto(live_server.url + someone.get_absolute_url())
        history = page.inner_text("#audit-entries")
        assert "王某" in history
        assert "object (" not in history
        assert "True" not in history and "False" not in history
        assert "ID：" not in history

        # The 流动党员 tab opens straight from the menu with no "required" error.
        page.goto(live_server.url + "/")
        page.click("#sidebar >> text=流动党员")
        assert page.locator(".invalid-feedback").count() == 0
        # A date typed the way the roster files write it.
        page.fill("#id_as_of", "2016年9月")
        page.click("form button:has-text('查看')")
        assert "填表日期：2016年9月1日" in page.inner_text("main")

        # The roster import: the branch worker's one organization is already chosen.
        page.goto(live_server.url + "/members/import/")
        options = page.eval_on_selector_all(
            "#id_organization option", "os => os.map(o => o.textContent)"
        )
        assert "---------" not in options and len(options) == 1
    finally:
        context.close()
