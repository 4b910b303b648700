"""Browser journey: every working list downloads as .xlsx from its own page, with the rows the
user sees on screen (all pages, the same scope), audited, identity masked for roles without
the right to see it."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from paicha.audit.models import AuditEntry
from paicha.conftest import make_member, make_user
from paicha.core.browser import login
from paicha.evidence.tests.conftest import attend, pay
from paicha.organizations.permissions import Role

pytestmark = pytest.mark.browser
PASSWORD = "Secret-pass-1"


def _download(page, selector="#export-xlsx"):
    with page.expect_download() as info:
        page.click(selector)
    with open(info.value.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def _table(rows, first_header="序号"):
    start = next(i for i, r in enumerate(rows) if r and r[0] == first_header)
    header = rows[start]
    body = [r for r in rows[start + 1 :] if r and isinstance(r[0], int)]
    return header, body


def test_working_lists_export_what_the_user_sees(transactional_db, tree, live_server, page):
    make_user("zb_a1", tree.branch_a1, Role.BRANCH_WORKER)
    make_user("sj", tree.root, Role.AUDITOR)
    today = timezone.localdate()
    long_ago = today - datetime.timedelta(days=900)
    lost_a = make_member(
        tree.branch_a1, "王失联", branch_entry_date=long_ago, id_number="430102198001011237"
    )
    pay(lost_a, today - datetime.timedelta(days=400))
    kept = make_member(tree.branch_a1, "李在岗", branch_entry_date=long_ago)
    attend(kept, today - datetime.timedelta(days=10))
    make_member(tree.branch_b1, "赵外院", branch_entry_date=long_ago)

    login(page, live_server, "zb_a1", PASSWORD)
    page.click("#menu-lost")
    rows = _download(page)
    assert rows[0][0] == "失联党员名单"
    header, body = _table(rows)
    assert header[:5] == ("序号", "姓名", "身份证号码", "所在党支部", "情况")
    assert [(r[1], r[2], r[4]) for r in body] == [("王失联", "430102198001011237", "待查找")]
    assert any("导出：zb_a1" in str(r[0]) for r in rows if r and r[0])

    page.click("#menu-meetings")
    header, body = _table(_download(page))
    assert header[1:4] == ("日期", "党组织", "形式") and len(body) == 1
    assert body[0][5] == 1  # 出席

    page.goto(live_server.url + "/evidence/dues/?arrears=1")
    header, body = _table(_download(page))
    assert {r[1] for r in body} == {"王失联", "李在岗"}  # in arrears, and of branch A1 only

    page.goto(live_server.url + "/cases/")
    header, body = _table(_download(page))
    assert header[1] == "姓名" and body == []
    page.goto(live_server.url + "/transfers/?tab=overdue")
    rows = _download(page)
    assert rows[0][0] == "组织关系转接（逾期未回执）"
    assert AuditEntry.objects.filter(action="export", actor__username="zb_a1").count() == 5

    # The auditor sees the whole tree but no identity numbers.
    page.click("#user-menu")
    page.click("#logout")
    login(page, live_server, "sj", PASSWORD)
    page.click("#menu-lost")
    header, body = _table(_download(page))
    names = {r[1]: r[2] for r in body}
    assert set(names) == {"王失联", "赵外院"}
    assert names["王失联"] == "430102********1237"
