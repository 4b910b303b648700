"""Any declared form as an .xlsx workbook that opens cleanly in Excel and WPS.

Merged grouped headers, thin borders on every table cell, A4 in the seed's orientation,
fit to one page wide, the header rows repeated on every printed page.

The body is written in one pass, streamed: openpyxl lays out the sheet (title, merged headers,
footer and 填表说明 below the body, widths, print setup) around one styled pattern row; the
saved package is then copied to the output with the pattern repeated for every data row as
text, each cell keeping its column's style and each row its fitted height. A form of 100,000
rows costs the same per row as one of ten and never sits in memory as cell objects.
"""

import io
import re
import zipfile
from decimal import Decimal
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from paicha.core.cells import safe_cell

from ..declarations import FormResult, header_grid, padded_rows
from .memo import remembering_text

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
FONT = "宋体"
SHEET_PART = "xl/worksheets/sheet1.xml"
# Characters XML 1.0 cannot carry (openpyxl refuses them); the writer drops them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BATCH = 500


def _text_width(text: str) -> int:
    # Excel measures columns in Latin characters; a Chinese character takes about two.
    if text.isascii():  # identity numbers, phones, dates: one each, counted at C speed
        return len(text)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _lines(value, width: float) -> int:
    """How many lines `value` wraps to in a cell `width` characters wide."""
    if value is None or value == "":
        return 1
    text = str(value)
    usable = int(max(1.0, width - 1))
    if "\n" not in text and len(text) * 2 <= usable:
        return 1  # short enough whatever its characters
    return sum(max(1, -(-_text_width(part) // usable)) for part in text.split("\n"))


def _height(lines: int, line_height: float = 13.5) -> float:
    return lines * line_height + 4


def _fit_height(sheet, row: int, lines: int) -> None:
    sheet.row_dimensions[row].height = max(sheet.row_dimensions[row].height or 0, _height(lines))


def _label_line(values: dict[str, str]) -> str:
    return "        ".join(f"{k}：{v}" for k, v in values.items())


def cell_xml(ref: str, style: str, value) -> str:
    """One cell as openpyxl writes it: numbers as numbers, text inline, empty cells styled."""
    return f'<c r="{ref}"{style}{_cell_content(value)}'


def _cell_content(value) -> str:
    """A cell's XML after its reference and style."""
    if value is None:
        return ' t="n"></c>'
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return f' t="n"><v>{value}</v></c>'
    # Text is written inline, never as a formula, and neutralised for later copies (OWASP).
    text = _NOT_XML.sub("", safe_cell(str(value)))
    if not text:
        return ' t="inlineStr"></c>'
    space = ' xml:space="preserve"' if text.strip() and text != text.strip() else ""
    return f' t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


def _layout(result: FormResult, body_rows: int):
    """The workbook around the body: everything but the data rows, which are one styled
    pattern row at `first_data`, the rows after the body already numbered as they will be."""
    form = result.form
    columns = form.columns
    width = len(columns)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = result.title[:31]

    sheet.cell(1, 1, result.title).font = Font(name=FONT, size=16, bold=True)
    sheet.cell(1, 1).alignment = CENTER
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.row_dimensions[1].height = 30

    sheet.cell(2, 1, _label_line(result.header)).font = Font(name=FONT, size=11)
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)

    top = 3
    cells, depth = header_grid(columns)
    for cell in cells:
        target = sheet.cell(top + cell.row, 1 + cell.col, cell.text)
        if cell.rowspan > 1 or cell.colspan > 1:
            sheet.merge_cells(
                start_row=top + cell.row,
                start_column=1 + cell.col,
                end_row=top + cell.row + cell.rowspan - 1,
                end_column=cell.col + cell.colspan,
            )
        target.font = Font(name=FONT, size=10, bold=True)
        span_width = sum(columns[c].width for c in range(cell.col, cell.col + cell.colspan))
        # A cell spanning several rows shares its lines among them.
        _fit_height(sheet, top + cell.row, -(-_lines(cell.text, span_width) // cell.rowspan))
    header_rows = depth
    if any(c.letter for c in columns):
        for i, column in enumerate(columns, start=1):
            sheet.cell(top + depth, i, column.letter).font = Font(name=FONT, size=10, bold=True)
        header_rows += 1
    for row in range(top, top + header_rows):
        for col in range(1, width + 1):
            sheet.cell(row, col).border = BORDER
            sheet.cell(row, col).alignment = CENTER

    first_data = top + header_rows
    for c, column in enumerate(columns if body_rows else (), start=1):
        pattern = sheet.cell(first_data, c)
        pattern.border = BORDER
        pattern.alignment = CENTER if column.kind != "text" else LEFT
        pattern.font = Font(name=FONT, size=10)
    last_table_row = first_data + body_rows - 1

    row = last_table_row + 1
    if result.footer:
        sheet.cell(row, 1, _label_line(result.footer)).font = Font(name=FONT, size=11)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        row += 1
    if form.notes:
        row += 1
        if form.notes_title:
            sheet.cell(row, 1, form.notes_title).font = Font(name=FONT, size=11, bold=True)
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
            row += 1
        for line in form.notes.strip().splitlines():
            sheet.cell(row, 1, line).alignment = LEFT
            sheet.cell(row, 1).font = Font(name=FONT, size=9)
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
            sheet.row_dimensions[row].height = max(15, 15 * (len(line) // (width * 6) + 1))
            row += 1

    for i, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = column.width

    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if form.landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_area = f"A1:{get_column_letter(width)}{last_table_row + 1}"
    sheet.print_title_rows = f"{top}:{top + header_rows - 1}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.freeze_panes = sheet.cell(first_data, 1)
    return workbook, first_data


def write_xlsx(result: FormResult, out, *, exported_by: str = "") -> None:
    """Write the form as .xlsx to the binary stream `out` (a file, a response, a buffer)."""
    form = result.form
    columns = form.columns
    width = len(columns)
    body_rows = max(len(result.rows), form.min_rows)
    workbook, first_data = _layout(result, body_rows)
    if exported_by:
        workbook.active.oddFooter.left.text = exported_by
        workbook.active.oddFooter.right.text = "第 &P 页 共 &N 页"
    skeleton = io.BytesIO()
    workbook.save(skeleton)

    letters = [get_column_letter(c) for c in range(1, width + 1)]
    widths = [column.width for column in columns]
    with (
        zipfile.ZipFile(skeleton) as package,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in package.infolist():
            if info.filename != SHEET_PART or not body_rows:
                target.writestr(info, package.read(info))
                continue
            xml = package.read(info).decode()
            start = xml.index(f'<row r="{first_data}"')
            end = xml.index("</row>", start) + len("</row>")
            styles = dict(re.findall(r'<c r="([A-Z]+)\d+"( s="\d+")?', xml[start:end]))
            # Each cell is `<c r="` letter row `"` style content, as cell_xml writes it.
            openings = [f'<c r="{letter}' for letter in letters]
            styled = [f'"{styles.get(letter, "")}' for letter in letters]
            # Per column, a value's (XML, lines it wraps to), remembered for repeated texts.
            cells_of = [
                remembering_text(lambda v, w=w: (_cell_content(v), _lines(v, w))) for w in widths
            ]
            with target.open(SHEET_PART, "w", force_zip64=True) as part:
                part.write(xml[:start].encode())
                batch: list[str] = []
                for r, values in enumerate(
                    padded_rows(result.iter_display_rows(), width, form.min_rows), start=first_data
                ):
                    cells = [cell_of(v) for cell_of, v in zip(cells_of, values)]
                    height = _height(max([lines for _, lines in cells]))
                    batch.append(f'<row r="{r}" ht="{height:g}" customHeight="1">')
                    batch.extend(
                        [
                            f"{opening}{r}{style}{content}"
                            for opening, style, (content, _) in zip(openings, styled, cells)
                        ]
                    )
                    batch.append("</row>")
                    if len(batch) >= _BATCH * (width + 2):
                        part.write("".join(batch).encode())
                        batch.clear()
                part.write(("".join(batch) + xml[end:]).encode())


def render_xlsx(result: FormResult, *, exported_by: str = "") -> bytes:
    buffer = io.BytesIO()
    write_xlsx(result, buffer, exported_by=exported_by)
    return buffer.getvalue()
