"""Any declared form as a .docx table (landscape A4 where the seed is wide)."""

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from paicha.core.cells import safe_cell

from ..declarations import FormResult, header_grid


def new_document(*, landscape: bool) -> Document:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    style = document.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    return document


def add_title(document, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(16)


def to_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_docx(result: FormResult, *, exported_by: str = "") -> bytes:
    form = result.form
    document = new_document(landscape=form.landscape)
    add_title(document, result.title)
    document.add_paragraph("        ".join(f"{k}：{v}" for k, v in result.header.items()))
    cells, depth = header_grid(form.columns)
    letters = any(c.letter for c in form.columns)
    data = result.display_rows()
    padded = data + [[""] * len(form.columns)] * max(0, form.min_rows - len(data))
    table = document.add_table(rows=depth + int(letters) + len(padded), cols=len(form.columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell in cells:
        target = table.cell(cell.row, cell.col)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(table.cell(cell.row + cell.rowspan - 1,
                                             cell.col + cell.colspan - 1))
        target.text = cell.text
    if letters:
        for i, column in enumerate(form.columns):
            table.cell(depth, i).text = column.letter
    for r, values in enumerate(padded, start=depth + int(letters)):
        for c, value in enumerate(values):
            table.cell(r, c).text = "" if value is None else safe_cell(str(value))
    if result.footer:
        document.add_paragraph("        ".join(f"{k}：{v}" for k, v in result.footer.items()))
    if form.notes:
        if form.notes_title:
            document.add_paragraph().add_run(form.notes_title).bold = True
        for line in form.notes.strip().splitlines():
            document.add_paragraph(line).runs[0].font.size = Pt(9)
    if exported_by:
        document.sections[0].footer.paragraphs[0].text = exported_by
    return to_bytes(document)
