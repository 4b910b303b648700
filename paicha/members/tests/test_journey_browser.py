"""Browser journey: a branch worker fills the downloaded template, uploads it with an error,
reads the error, fixes the file, imports it and finds the members in the roster."""

import datetime

import openpyxl
import pytest

from paicha.codes import Gender
from paicha.conftest import make_user
from paicha.core.browser import login
from paicha.members.idcard import make_id_number
from paicha.members.models import Member
from paicha.organizations.permissions import Role

pytestmark = pytest.mark.browser

ID_OK = make_id_number("430102", datetime.date(1988, 4, 2), 5, Gender.FEMALE)
ID_2 = make_id_number("430104", datetime.date(1979, 12, 24), 6, Gender.MALE)
BROKEN_ID = ID_2[:17] + ("0" if ID_2[17] != "0" else "1")


def fill(template_path, target, id_2):
    wb = openpyxl.load_workbook(template_path)
    ws = wb["支部党员名册"]
    rows = [
        [
            1,
            "周  敏",
            "女",
            "汉族",
            "湖南长沙",
            "1988.04",
            "大学本科",
            ID_OK,
            "2010年6月",
            "2011年6月",
            "文学院",
            "13912345678",
            "",
        ],
        [
            2,
            "吴强",
            "男",
            "土家族",
            "湖南湘西",
            "1979年12月",
            "研究生",
            id_2,
            "2016.09",
            "",
            "文学院",
            "",
            "预备党员",
        ],
    ]
    for r, row in enumerate(rows, start=4):  # typed under the header, as a worker would
        for c, value in enumerate(row, start=1):
            ws.cell(r, c, value)
    wb.save(target)


def test_worker_imports_a_roster_after_fixing_it(
    transactional_db, tree, live_server, page, tmp_path
):
    make_user("zb_import", tree.branch_a1, Role.BRANCH_WORKER)
    login(page, live_server, "zb_import", "Secret-pass-1")
    page.click("text=导入名册")
    page.wait_for_selector("#import-form")

    with page.expect_download() as download:
        page.click("#template-link")
    template = tmp_path / "模板.xlsx"
    download.value.save_as(template)

    broken = tmp_path / "名册.xlsx"
    fill(template, broken, BROKEN_ID)
    page.set_input_files("#id_file", str(broken))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#import-errors")
    errors = page.inner_text("#import-errors")
    assert "第5行" in errors and "身份证号码" in errors and "校验位错误" in errors
    assert "没有导入任何数据" in page.inner_text("main")
    assert page.locator("#confirm-import").count() == 0
    assert not Member.objects.exists()

    fixed = tmp_path / "名册（改）.xlsx"
    fill(template, fixed, ID_2)
    page.goto(live_server.url + "/members/import/")
    page.set_input_files("#id_file", str(fixed))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#confirm-import")
    assert "将新增 2 人" in page.inner_text("#import-summary")
    page.click("#confirm-import")
    page.wait_for_selector("#show-members")
    assert "导入完成" in page.inner_text("#import-state")

    page.click("#show-members")
    page.wait_for_selector("#roster")
    roster = page.inner_text("#roster")
    assert "周敏" in roster and "吴强" in roster and "预备党员" in roster
    page.click("text=吴强")
    page.wait_for_selector("#history")
    assert "1979年12月24日" in page.inner_text("main")
    # Let the sidebar's htmx request finish before the test database is flushed.
    page.wait_for_load_state("networkidle")
