"""Any declared form as a .docx table (landscape A4 where the seed is wide)."""

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

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


# Usable width of an A4 page between 1.5 cm margins, and about how wide one of the
# declarations' width units (a Latin character, half a Chinese one) prints at 10.5 pt.
USABLE_CM = {True: 29.7 - 3.0, False: 21.0 - 3.0}
UNIT_CM = 0.2
KEEP_KINDS = ("int", "date", "month", "seq")


def _row_property(row, name: str) -> None:
    """Mark a table row: w:tblHeader (repeat on every page), w:cantSplit (never split)."""
    from docx.oxml import OxmlElement

    properties = row._tr.get_or_add_trPr()
    element = OxmlElement(f"w:{name}")
    element.set(qn("w:val"), "true")
    properties.append(element)


def _layout(table, columns, *, landscape: bool, header_rows: int) -> float:
    """Fixed column widths in proportion to the declaration's, scaled to the page; header
    rows repeat on every page, no row splits; returns the font size the table needs."""
    total = sum(c.width for c in columns)
    usable = USABLE_CM[landscape]
    table.autofit = False
    table._tbl.tblPr.append(_fixed_layout())
    for row_number, row in enumerate(table.rows):
        if row_number < header_rows:
            _row_property(row, "tblHeader")
        _row_property(row, "cantSplit")
        for cell, column in zip(row.cells, columns, strict=False):
            cell.width = Cm(usable * column.width / total)
    return max(6.0, min(10.5, 10.5 * usable / (total * UNIT_CM)))


def _fixed_layout():
    from docx.oxml import OxmlElement

    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    return layout


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
            table.cell(r, c).text = "" if value is None else str(value)
    size = _layout(table, form.columns, landscape=form.landscape, header_rows=depth + int(letters))
    keep = [c.kind in KEEP_KINDS or c.sensitive for c in form.columns]
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            for paragraph in cell.paragraphs:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                for run in paragraph.runs:
                    run.font.size = Pt(size)
            # A number, date or identity number never breaks inside its cell.
            if r >= depth + int(letters) and keep[c]:
                from docx.oxml import OxmlElement

                cell._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))
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
