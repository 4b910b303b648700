"""The 无记录待核实 list as .xlsx: every member of the subtree so marked, masked for the auditor,
the export audited; another subtree's members never in it."""

import datetime
import io

import openpyxl
from django.urls import reverse

from paicha.audit.models import AuditEntry
from paicha.conftest import make_member
from paicha.evidence import services

from .conftest import pay

D = datetime.date


def _text(response) -> str:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return "\n".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)


def test_the_unverified_list_exports_scoped_masked_and_audited(tree, personas, client_for):
    never = make_member(tree.branch_a1, "王无记录", branch_entry_date=D(2005, 1, 1))
    seen = make_member(tree.branch_a1, "王有记录", branch_entry_date=D(2005, 1, 1))
    make_member(tree.branch_b1, "李外院", branch_entry_date=D(2005, 1, 1))
    for org in (tree.branch_a1, tree.branch_b1):
        services.books_set(
            organization=org,
            opened_on=D(2016, 1, 1),
            acting_user=tree.department,
            as_of=D(2016, 1, 1),
        )
    pay(seen, D(2016, 2, 1))
    params = {
        "org": tree.college_a.code,
        "as_of": "2016-08-01",
        "list": "unverified",
        "format": "xlsx",
    }
    for persona, visible in (("reviewer_a", True), ("auditor", False)):
        response = client_for(personas[persona]).get(reverse("evidence:lost"), params)
        assert response.status_code == 200
        text = _text(response)
        assert "无记录待核实党员名单" in text and "王无记录" in text
        assert "王有记录" not in text and "李外院" not in text
        # Counted from the 建账日期 2016-01-01; 6 months on 2016-07-01, so already 失联.
        assert "2016年1月1日" in text and "2016年7月1日" in text and "已列入失联名单" in text
        assert (never.id_number in text) is visible
        assert f"导出：{persona}（" in text
    entries = AuditEntry.objects.filter(action="export")
    assert entries.count() == 2
    assert all("无记录待核实党员名单" in f"{e.object_repr}{e.note}" for e in entries)


def test_the_lost_page_offers_the_unverified_export(tree, personas, client_for):
    make_member(tree.branch_a1, "王无记录", branch_entry_date=D(2005, 1, 1))
    services.books_set(
        organization=tree.branch_a1,
        opened_on=D(2016, 1, 1),
        acting_user=tree.department,
        as_of=D(2016, 1, 1),
    )
    body = (
        client_for(personas["reviewer_a"])
        .get(reverse("evidence:lost"), {"org": tree.college_a.code, "as_of": "2016-03-01"})
        .content.decode()
    )
    assert 'id="export-unverified"' in body and "list=unverified" in body
    assert body.count('id="unverified-table"') == 1
