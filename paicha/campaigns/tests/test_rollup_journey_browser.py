"""Browser journey: a college's reviewer opens the roll-up of his branches' 支部党员名册 and
reads it as the form's table — one row per member under 姓名, 身份证号码 …, with 填报单位 —
combined and per branch."""

import pytest
from django.urls import reverse

from paicha.core.browser import login

from .test_rollup_register import MONTH_END, _accepted_rosters

pytestmark = pytest.mark.browser


def test_the_register_rollup_reads_as_the_forms_table(
    transactional_db, tree, personas, campaign, live_server, page
):
    _accepted_rosters(campaign, tree, personas)
    login(page, live_server, "reviewer_a", "Secret-pass-1")
    page.goto(
        live_server.url
        + reverse("campaigns:rollup", args=[campaign.pk, "branch-roster", MONTH_END.isoformat()])
        + f"?org={tree.college_a.code}"
    )
    headers = page.locator("#rollup-register thead th").all_inner_texts()
    assert headers[:4] == ["填报单位", "序号", "姓 名", "性别"] and "身份证号码" in headers
    rows = page.locator("#rollup-register tbody tr")
    assert rows.count() == 3
    third = rows.nth(2).locator("td").all_inner_texts()
    assert third[:3] == ["文学院学生党支部", "3", "孙学生"]
    assert page.locator(".rollup-child").count() == 2
    child = page.locator(".rollup-child[data-org='001001002'] tbody tr")
    assert child.count() == 2 and "钱学生" in child.nth(0).inner_text()
    assert page.locator("text=项目").count() == 0
