"""Any declared form as a .docx table (landscape A4 where the seed is wide).

The table body is written in one pass, streamed: python-docx lays out the page, the title, the
merged header rows and one row of the body as a pattern; the saved package is then copied to
the output with the pattern row repeated for every data row, each as text, so a form of
100,000 rows costs the same per row as one of ten and never sits in memory as a tree.
"""

import io
import itertools
import re
import zipfile
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from paicha.core.cells import safe_cell

from ..declarations import FormResult, header_grid, padded_rows
from .memo import remembering_text

DOCUMENT_PART = "word/document.xml"
# Characters XML 1.0 cannot carry; python-docx refuses them, the writer drops them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MARK = "\u2063PAICHA{}\u2063"
# Rows written to the package per write (bounded memory, few calls).
_BATCH = 500


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


def run_xml(value, size: float | None = None) -> str:
    """A cell's run as python-docx writes `cell.text = value` (and `run.font.size = size`):
    lines split by <w:br/>, tabs as <w:tab/>, spaces kept where they lead or trail."""
    text = "" if value is None else _NOT_XML.sub("", str(safe_cell(str(value))))
    if not text:
        return "<w:r/>"
    props = ""
    if size is not None:
        half_points = round(size * 2)
        props = f'<w:rPr><w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>'
    if "\n" not in text and "\t" not in text and text == text.strip():
        return f"<w:r>{props}<w:t>{escape(text)}</w:t></w:r>"  # one line, nothing to keep
    parts = []
    for i, line in enumerate(text.split("\n")):
        if i:
            parts.append("<w:br/>")
        for j, piece in enumerate(line.split("\t")):
            if j:
                parts.append("<w:tab/>")
            if piece:
                space = ' xml:space="preserve"' if piece != piece.strip() else ""
                parts.append(f"<w:t{space}>{escape(piece)}</w:t>")
    return "<w:r>" + props + "".join(parts) + "</w:r>"


def _row_pattern(xml: str, width: int) -> tuple[str, list[str], str]:
    """Split the saved document part around the pattern row: (before, pieces, after), where a
    row is pieces[0] + run(value 0) + pieces[1] + … + pieces[width]."""
    first = f"<w:r><w:t>{_MARK.format(0)}</w:t></w:r>"
    at = xml.index(first)
    start = xml.rindex("<w:tr>", 0, at)
    end = xml.index("</w:tr>", at) + len("</w:tr>")
    row = xml[start:end]
    pieces = []
    for c in range(width):
        head, row = row.split(f"<w:r><w:t>{_MARK.format(c)}</w:t></w:r>", 1)
        pieces.append(head)
    pieces.append(row)
    return xml[:start], pieces, xml[end:]


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


# A CJK character prints one em wide; a digit or Latin letter 0.5 em in 宋体 but up to 0.65 em
# in the fonts a reader substitutes for it (LibreOffice on Linux: DejaVu Sans), and a reader
# adds a quarter em where Chinese and Latin text meet (1990年5月). A cell adds its left and
# right margins (0.19 cm each) and a little slack for the border.
POINT_CM = 2.54 / 72
CELL_PADDING_CM = 0.45
SMALLEST_PT = 6.0
# A text cell wraps beyond this many ems; a shorter one (a name, 汉族, 正式党员) stays on a line.
SHORT_TEXT_EM = 6.0
TITLE_EM = 2.0
# Rows read to find each column's widest text: the printed formats are fixed-width (dates,
# identity numbers), so the first rows tell; a form of 100,000 rows is not read twice.
SAMPLE_ROWS = 5000


# What never breaks inside a text cell either: a date (its 至 kept with it) or a number.
_UNBROKEN = re.compile(r"\d{4}年\d{1,2}月(?:\d{1,2}日)?至?|\d[\d.,:/%-]*")
# A period prints on two lines, broken after its 至: 2016年1月1日至 / 2016年9月20日.
_PERIOD = re.compile(r"(\d{4}年\d{1,2}月(?:\d{1,2}日)?至)(\d{4}年)")


def cell_text(value) -> object:
    """A body cell's value as the .docx prints it (a period broken after its 至)."""
    if isinstance(value, str) and "至" in value:
        return _PERIOD.sub("\\1\n\\2", value)
    return value


def _em(text: str) -> float:
    wide = [ord(ch) > 0x2E80 for ch in text]
    switches = sum(1 for a, b in itertools.pairwise(wide) if a != b)
    return sum(1.0 if w else 0.65 for w in wide) + 0.25 * switches


def widest_texts(result: FormResult, keep: list[bool]) -> list[float]:
    """For each column, the ems its widest cell needs on one line: every value of a column
    that must not wrap (numbers, dates, identity numbers), a text column's up to
    SHORT_TEXT_EM (longer text wraps)."""
    # A short column title too (序号, 姓名, a line of 出生\n年月) never prints as 序/号; a long
    # one wraps as the seed's does.
    widest = [
        min(TITLE_EM, max(_em(line) for line in c.title.split("\n"))) for c in result.form.columns
    ]
    for n, values in enumerate(result.iter_display_rows()):
        if n >= SAMPLE_ROWS:
            break
        for c, value in enumerate(values):
            if value is None or value == "":
                continue
            text = str(cell_text(value))
            if len(text) * 1.25 <= widest[c]:
                continue
            if keep[c]:
                widest[c] = max(widest[c], _em(text))
                continue
            lines = min(SHORT_TEXT_EM, max(_em(line) for line in text.split("\n")))
            unbroken = max((_em(m) for m in _UNBROKEN.findall(text)), default=0.0)
            widest[c] = max(widest[c], lines, unbroken)
    return widest


def column_widths(columns, widest: list[float], *, landscape: bool) -> tuple[list[float], float]:
    """Column widths (cm) and the font size (pt): every column at least as wide as its widest
    one-line text (`widest`, in ems), the room left shared as the declaration proportions it;
    the font shrinks (down to 6 pt) until that fits the page."""
    total = sum(c.width for c in columns)
    usable = USABLE_CM[landscape]
    declared = [usable * c.width / total for c in columns]
    size = max(SMALLEST_PT, min(10.5, 10.5 * usable / (total * UNIT_CM)))
    while True:
        need = [em * size * POINT_CM + CELL_PADDING_CM if em else 0.0 for em in widest]
        widths = [max(d, n) for d, n in zip(declared, need, strict=True)]
        excess = sum(widths) - usable
        slack = [max(0.0, d - n) for d, n in zip(declared, need, strict=True)]
        if excess <= sum(slack):
            share = excess / sum(slack) if excess > 0 else 0.0
            return [w - s * share for w, s in zip(widths, slack, strict=True)], size
        if size <= SMALLEST_PT:
            return [w * usable / sum(widths) for w in widths], size
        size = max(SMALLEST_PT, size - 0.5)


def _layout(table, widths: list[float], *, header_rows: int) -> None:
    """Fixed column widths; header rows repeat on every page, no row splits."""
    table.autofit = False
    table._tbl.tblPr.append(_fixed_layout())
    for column, width in zip(table.columns, widths, strict=False):
        column.width = Cm(width)  # the table grid, which LibreOffice and WPS lay out from
    for row_number, row in enumerate(table.rows):
        if row_number < header_rows:
            _row_property(row, "tblHeader")
        _row_property(row, "cantSplit")
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = Cm(width)


def _fixed_layout():
    from docx.oxml import OxmlElement

    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    return layout


def write_docx(result: FormResult, out, *, exported_by: str = "") -> None:
    """Write the form as .docx to the binary stream `out` (a file, a response, a buffer)."""
    form = result.form
    width = len(form.columns)
    document = new_document(landscape=form.landscape)
    add_title(document, result.title)
    document.add_paragraph("        ".join(f"{k}：{v}" for k, v in result.header.items()))
    cells, depth = header_grid(form.columns)
    letters = any(c.letter for c in form.columns)
    head = depth + int(letters)
    table = document.add_table(rows=head + 1, cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell in cells:
        target = table.cell(cell.row, cell.col)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(
                table.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1)
            )
        target.text = cell.text
    if letters:
        for i, column in enumerate(form.columns):
            table.cell(depth, i).text = column.letter
    header_rows = depth + int(letters)
    keep = [c.kind in KEEP_KINDS or c.sensitive for c in form.columns]
    widths, size = column_widths(form.columns, widest_texts(result, keep), landscape=form.landscape)
    _layout(table, widths, header_rows=header_rows)
    from docx.oxml import OxmlElement

    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            for paragraph in cell.paragraphs:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                for run in paragraph.runs:
                    run.font.size = Pt(size)
            # A number, date or identity number never breaks inside its cell.
            if r >= header_rows and keep[c]:
                cell._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))
    # The last row is the pattern every data row is written from: a bare marker run in each
    # cell's (centred) paragraph, replaced by the values row after row.
    for c, pattern_cell in enumerate(table.rows[head].cells):
        pattern_cell.paragraphs[0].add_run(_MARK.format(c))
    if result.footer:
        document.add_paragraph("        ".join(f"{k}：{v}" for k, v in result.footer.items()))
    if form.notes:
        if form.notes_title:
            document.add_paragraph().add_run(form.notes_title).bold = True
        for line in form.notes.strip().splitlines():
            document.add_paragraph(line).runs[0].font.size = Pt(9)
    if exported_by:
        document.sections[0].footer.paragraphs[0].text = exported_by

    with (
        zipfile.ZipFile(io.BytesIO(to_bytes(document))) as package,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in package.infolist():
            if info.filename != DOCUMENT_PART:
                target.writestr(info, package.read(info))
                continue
            before, pieces, after = _row_pattern(package.read(info).decode(), width)
            run = remembering_text(lambda value: run_xml(cell_text(value), size))
            row_start, cell_ends = pieces[0], pieces[1:]
            with target.open(DOCUMENT_PART, "w", force_zip64=True) as part:
                part.write(before.encode())
                batch: list[str] = []
                for values in padded_rows(result.iter_display_rows(), width, form.min_rows):
                    batch.append(row_start)
                    batch.extend([f"{run(value)}{end}" for value, end in zip(values, cell_ends)])
                    if len(batch) >= _BATCH * (width + 1):
                        part.write("".join(batch).encode())
                        batch.clear()
                part.write(("".join(batch) + after).encode())


def render_docx(result: FormResult, *, exported_by: str = "") -> bytes:
    buffer = io.BytesIO()
    write_docx(result, buffer, exported_by=exported_by)
    return buffer.getvalue()
