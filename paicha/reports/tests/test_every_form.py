"""Every declared form, rendered every way, opens in a second reader (and in LibreOffice,
where it is installed: CI installs it)."""

import datetime
import io
import os
import shutil
import subprocess

import pytest
from docx import Document
from python_calamine import CalamineWorkbook

from paicha.codes import CaseOutcome
from paicha.conftest import make_member
from paicha.core.documents import all_documents, to_docx
from paicha.reports.declarations import all_forms
from paicha.reports.renderers.docx import render_docx
from paicha.reports.renderers.xlsx import render_xlsx

from .test_lost_forms import make_case

FILL = datetime.date(2016, 9, 20)
SLUGS = sorted(f.slug for f in all_forms())


@pytest.fixture
def some_data(tree):
    member = make_member(
        tree.branch_a1,
        "张三",
        join_date=datetime.date(2000, 1, 1),
        full_date=datetime.date(2001, 1, 1),
        person_category="staff",
    )
    make_case(
        make_member(tree.branch_a1, "李四"),
        outcome=CaseOutcome.REGAINED,
        outcome_on=datetime.date(2016, 5, 1),
    )
    make_case(
        make_member(tree.branch_b1, "王五"),
        outcome=CaseOutcome.UNREACHABLE,
        outcome_on=datetime.date(2016, 6, 1),
    )
    return member


def _files(tree, some_data) -> dict[str, bytes]:
    files = {}
    for form in all_forms():
        result = form.build(org=tree.root, as_of=FILL)
        files[f"{form.slug}.xlsx"] = render_xlsx(result, exported_by="导出：测试")
        files[f"{form.slug}-table.docx"] = render_docx(result, exported_by="导出：测试")
    for document in all_documents():
        obj = document.model.objects.order_by("pk").first()
        files[f"doc-{document.slug}.docx"] = to_docx(
            document.build(obj, as_of=FILL, mask=False), exported_by="导出：测试"
        )
    return files


def test_every_file_opens_in_a_second_reader(tree, some_data):
    files = _files(tree, some_data)
    assert {f"{s}.xlsx" for s in SLUGS} <= set(files)
    for name, content in files.items():
        if name.endswith(".xlsx"):
            rows = (
                CalamineWorkbook.from_filelike(io.BytesIO(content))
                .get_sheet_by_index(0)
                .to_python()
            )
            assert rows and rows[0][0], name
        else:
            assert Document(io.BytesIO(content)).tables, name


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def test_every_file_converts_to_pdf_in_libreoffice(tree, some_data, tmp_path):
    soffice = _soffice()
    if soffice is None:
        if os.environ.get("PAICHA_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("未找到 LibreOffice（soffice）")
        pytest.skip("未找到 LibreOffice（soffice）：跳过 PDF 转换检查")
    names = []
    for name, content in _files(tree, some_data).items():
        (tmp_path / name).write_bytes(content)
        names.append(str(tmp_path / name))
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            *names,
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    for name in names:
        pdf = tmp_path / "pdf" / (os.path.basename(name).rsplit(".", 1)[0] + ".pdf")
        assert pdf.exists() and pdf.stat().st_size > 1000, name
