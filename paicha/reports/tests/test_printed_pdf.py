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
from paicha.core.documents import get_document, to_docx
from paicha.reports.declarations import get_form
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
    """{file name: [text of each page]} after LibreOffice converted each file to PDF, read back
    by poppler's pdftotext keeping the layout (one printed line per text line)."""
    soffice = _soffice()
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        if os.environ.get("PAICHA_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("未找到 pdftotext（Debian 包 poppler-utils）")
        pytest.skip("未找到 pdftotext（Debian 包 poppler-utils）")
    paths = []
    for name, content in files.items():
        # branch-roster.xlsx → branch-roster_xlsx.xlsx: the .xlsx and the .docx of a form
        # become two PDFs, not one overwriting the other.
        stem, suffix = name.rsplit(".", 1)
        path = tmp_path / f"{stem}_{suffix}.{suffix}"
        path.write_bytes(content)
        paths.append(str(path))
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            *paths,
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    pages = {}
    for name in files:
        pdf = tmp_path / "pdf" / (name.replace(".", "_") + ".pdf")
        text = subprocess.run(
            [pdftotext, "-layout", "-enc", "UTF-8", str(pdf), "-"],
            check=True,
            capture_output=True,
            timeout=120,
        ).stdout.decode()
        # pdftotext ends every page with a form feed.
        pages[name] = text.split("\f")[:-1]
    return pages


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


# The header's one-line titles, on one printed line (出生年月, 入党时间 take two).
ROSTER_HEADER = "序号姓名性别民族籍贯"
STAMP = "导出：测试员2016年9月20日"


def printed_forms(tree, tmp_path):
    members = [
        make_member(
            tree.branch_a1,
            f"党员{i:02d}号",
            join_date=datetime.date(2000, 1, 1),
            full_date=datetime.date(2001, 1, 1),
            work_unit="湖南省某某大学文学院",
        )
        for i in range(MEMBERS)
    ]
    make_case(members[0], outcome=CaseOutcome.REGAINED, outcome_on=datetime.date(2016, 5, 1))
    make_case(
        make_member(tree.branch_b1, "王五"),
        outcome=CaseOutcome.UNREACHABLE,
        outcome_on=datetime.date(2016, 6, 1),
    )
    files = {}
    for slug in (
        "branch-roster",
        "attachment3",
        "attachment5",
        "disposition-summary",
        "unreachable-register",
        "hardship-register",
        "investigation-register",
    ):
        result = get_form(slug).build(org=tree.root, as_of=FILL)
        files[f"{slug}.xlsx"] = render_xlsx(result, exported_by="导出：测试员 2016年9月20日")
        files[f"{slug}.docx"] = render_docx(result, exported_by="导出：测试员 2016年9月20日")
    files["registration.docx"] = to_docx(
        get_document("member-registration").build(members[0], as_of=FILL, mask=False),
        exported_by="导出：测试员",
    )
    return members, to_pdf_pages(files, tmp_path)


def roster_problems(name, pages, members) -> list[str]:
    problems = []
    # 46 one-line rows (45 members and 王五 of the whole university) under a two-line header:
    # two landscape pages; in the .docx the 工作单位 wraps to a second line: three.
    expected = {"branch-roster.xlsx": 2, "branch-roster.docx": 3}[name]
    table_pages = [
        p
        for p in pages
        if "党员" in squeeze(p)
        and "填表说明" not in squeeze(p)
        or re.search(r"党员\d\d号", squeeze(p))
    ]
    if len(table_pages) != expected:
        problems.append(f"{name}：名册占 {len(table_pages)} 页，应为 {expected} 页")
    for number, text in enumerate(table_pages, start=1):
        # The first header row, 序号 … 备注, on one line of every page: no title broken.
        if not any(
            ROSTER_HEADER in squeeze(line) and "身份证号码" in line and "备注" in line
            for line in text.splitlines()
        ):
            problems.append(f"{name}：第 {number} 页没有表头行")
    lines = [squeeze(line) for page in pages for line in page.splitlines()]
    for member in members:
        # One row: the name, the birth month, the 18-digit number and both dates unbroken.
        row = f"{member.name}男汉族1990年5月{member.id_number}2000年1月2001年1月"
        if not any(row in line for line in lines):
            problems.append(f"{name}：{member.name} 的一行被拆开（应有 {row}）")
    return problems


def stamp_problems(name, pages) -> list[str]:
    """The export stamp stands on a line of its own (beside the page number), below every
    row and the 备注/填表说明 of its page."""
    problems = []
    for number, page in enumerate(pages, start=1):
        lines = [squeeze(line) for line in page.splitlines()]
        at = [i for i, line in enumerate(lines) if "导出" in line]
        if not at:
            problems.append(f"{name}：第 {number} 页没有导出标记")
            continue
        rest = re.sub(r"第\d+页共\d+页", "", lines[at[-1]].replace(STAMP, ""))
        if rest:
            problems.append(f"{name}：第 {number} 页导出标记与“{rest}”重叠")
        if any(line for line in lines[at[-1] + 1 :]):
            problems.append(f"{name}：第 {number} 页导出标记下方还有内容")
    return problems


def test_printed_forms_read_back_whole(tree, tmp_path):
    members, printed = printed_forms(tree, tmp_path)
    problems = []
    for name in ("branch-roster.xlsx", "branch-roster.docx"):
        problems += roster_problems(name, printed[name], members)
        problems += stamp_problems(name, printed[name])

    for name in (
        "attachment3.xlsx",
        "attachment3.docx",
        "attachment5.xlsx",
        "attachment5.docx",
        "disposition-summary.xlsx",
    ):
        pages = [p for p in printed[name] if squeeze(p)]
        # The table on the first page whole, its last column's title included.
        if len(pages) > 2:
            problems.append(f"{name}：{len(pages)} 页，应在一页内（说明可续一页）")
        # (附件5 and the 汇总表 print their column letters A … X under the titles.)
        last = "党组织类别" if "attachment3" in name else "UVWX"
        if last not in squeeze(pages[0]):
            problems.append(f"{name}：第一页缺“{last}”列")

    for name in ("attachment5.xlsx", "attachment5.docx"):
        lines = [squeeze(line) for line in printed[name][0].splitlines()]
        # The 统计时间 period: each of its dates on one line.
        for date in ("2016年1月1日", "2016年9月20日"):
            if not any(date in line for line in lines):
                problems.append(f"{name}：统计时间中的 {date} 被拆开")
    for name in ("unreachable-register.xlsx", "unreachable-register.docx"):
        if "王五" not in squeeze("".join(printed[name])):
            problems.append(f"{name}：缺少王五")

    pages = [squeeze(p) for p in printed["registration.docx"]]
    title = "中国共产党党员基本情况登记表"
    # 一式二份: the form twice, each followed by its 19 填表说明 items.
    copies = [i for i, p in enumerate(pages) if title in p and f"《{title}》" not in p]
    notes = [
        i for i, p in enumerate(pages) if "19、有关该党员其他需要补充的情况在备注栏中注明。" in p
    ]
    if len(copies) != 2 or len(notes) != 2 or not copies[0] < notes[0] < copies[1] < notes[1]:
        problems.append(f"registration.docx：登记表页 {copies}，填表说明页 {notes}")
    assert not problems, "\n".join(problems)
