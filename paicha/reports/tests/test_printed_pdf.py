"""Every form as a user with WPS or Office sees it: rendered by LibreOffice to PDF, then read
back — the page count, the table header on every page, and no cell's text split across lines.

LibreOffice is required where PAICHA_REQUIRE_LIBREOFFICE=1 (CI); elsewhere the test is skipped
when it is not installed.
"""

import datetime
import os
import re
import shutil
import subprocess

import pytest

from paicha.codes import CaseOutcome
from paicha.conftest import make_member
from paicha.reports.declarations import get_form
from paicha.reports.documents import get_document, to_docx
from paicha.reports.renderers.docx import render_docx
from paicha.reports.renderers.xlsx import render_xlsx

from .test_lost_forms import make_case

FILL = datetime.date(2016, 9, 20)
MEMBERS = 45  # enough for the roster to run over two A4 pages


def _soffice():
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("PAICHA_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("未找到 LibreOffice（soffice）")
        pytest.skip("未找到 LibreOffice（soffice）")
    return found


def to_pdf_pages(files: dict[str, bytes], tmp_path) -> dict[str, list[str]]:
    """{file name: [text of each page]} after LibreOffice converted each file to PDF."""
    from pypdf import PdfReader

    soffice = _soffice()
    paths = []
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
        paths.append(str(tmp_path / name))
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), *paths],
                   check=True, capture_output=True, timeout=600)
    pages = {}
    for name in files:
        pdf = tmp_path / "pdf" / (name.rsplit(".", 1)[0] + ".pdf")
        pages[name] = [page.extract_text() or "" for page in PdfReader(str(pdf)).pages]
    return pages


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def printed(tree, tmp_path):
    members = [make_member(tree.branch_a1, f"党员{i:02d}号", join_date=datetime.date(2000, 1, 1),
                           full_date=datetime.date(2001, 1, 1), work_unit="湖南省某某大学文学院")
               for i in range(MEMBERS)]
    make_case(members[0], outcome=CaseOutcome.REGAINED, outcome_on=datetime.date(2016, 5, 1))
    make_case(make_member(tree.branch_b1, "王五"), outcome=CaseOutcome.UNREACHABLE,
              outcome_on=datetime.date(2016, 6, 1))
    files = {}
    for slug in ("branch-roster", "attachment3", "attachment5", "disposition-summary",
                 "unreachable-register", "hardship-register", "investigation-register"):
        result = get_form(slug).build(org=tree.root, as_of=FILL)
        files[f"{slug}.xlsx"] = render_xlsx(result, exported_by="导出：测试员 2016年9月20日")
        files[f"{slug}.docx"] = render_docx(result, exported_by="导出：测试员 2016年9月20日")
    files["registration.docx"] = to_docx(get_document("member-registration").build(
        members[0], as_of=FILL, mask=False), exported_by="导出：测试员")
    return {"members": members, "pages": to_pdf_pages(files, tmp_path)}


def test_the_roster_repeats_its_header_on_every_page_and_splits_no_cell(printed):
    for name in ("branch-roster.xlsx", "branch-roster.docx"):
        pages = printed["pages"][name]
        table_pages = [p for p in pages if "党员" in p]
        assert len(table_pages) >= 2, name
        for number, text in enumerate(table_pages, start=1):
            # The first header row (序号 … 备注) stands on every page.
            assert "序号" in text and "身份证号码" in text and "备注" in text, (name, number)
        lines = [line for page in pages for line in page.splitlines()]
        for member in printed["members"]:
            # Each cell's text on one line: the name, the 18-digit number, the unit.
            assert any(member.name in line for line in lines), (name, member.name)
            assert any(member.id_number in line for line in lines), (name, member.id_number)
        assert sum(squeeze(p).count("党员") for p in pages) >= MEMBERS


def test_wide_statistics_fit_one_page(printed):
    for name in ("attachment3.xlsx", "attachment3.docx", "attachment5.xlsx",
                 "attachment5.docx", "disposition-summary.xlsx"):
        pages = [p for p in printed["pages"][name] if squeeze(p)]
        # The table is on the first page whole: its last column's title included.
        assert len(pages) <= 2, (name, len(pages))
        first = squeeze(pages[0])
        assert ("党组织类别" in first) if "attachment3" in name else ("确认已死亡的人数" in first)


def test_numbers_and_dates_never_break_inside_a_cell(printed):
    for name in ("attachment5.xlsx", "attachment5.docx"):
        lines = printed["pages"][name][0].splitlines()
        # 统计时间 on one line.
        assert any("2016年9月20日" in line for line in lines), name
    for name in ("unreachable-register.xlsx", "unreachable-register.docx"):
        text = "\n".join(printed["pages"][name])
        assert "王五" in text, name


def test_the_export_stamp_covers_no_row(printed):
    for name in ("branch-roster.xlsx", "branch-roster.docx"):
        pages = printed["pages"][name]
        last = pages[-1] if "导出" in pages[-1] else next(p for p in pages if "导出" in p)
        stamp_line = next(line for line in last.splitlines() if "导出" in line)
        # The stamp stands on a line of its own, never inside a row's text.
        assert "党员" not in stamp_line, (name, stamp_line)


def test_registration_prints_two_copies_each_with_its_notes(printed):
    pages = printed["pages"]["registration.docx"]
    text = [squeeze(p) for p in pages]
    assert sum("中国共产党党员基本情况登记表" in t and "身份证号码" in t for t in text) == 2
    assert sum("19、有关该党员其他需要补充的情况在备注栏中注明。" in t for t in text) == 2
