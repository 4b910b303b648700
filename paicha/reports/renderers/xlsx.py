"""Any declared form as an .xlsx workbook that opens cleanly in Excel and WPS.

Merged grouped headers, thin borders on every table cell, A4 in the seed's orientation,
fit to one page wide, the header rows repeated on every printed page.
"""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from paicha.core.cells import safe_cell

from ..declarations import FormResult, header_grid

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
FONT = "宋体"


def _text_width(text: str) -> int:
    # Excel measures columns in Latin characters; a Chinese character takes about two.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _lines(value, width: float) -> int:
    """How many lines `value` wraps to in a cell `width` characters wide."""
    if value is None or value == "":
        return 1
    usable = max(1.0, width - 1)
    return sum(max(1, -(-_text_width(part) // int(usable))) for part in str(value).split("\n"))


def _fit_height(sheet, row: int, lines: int, line_height: float = 13.5) -> None:
    sheet.row_dimensions[row].height = max(sheet.row_dimensions[row].height or 0,
                                           lines * line_height + 4)


def _label_line(values: dict[str, str]) -> str:
    return "        ".join(f"{k}：{v}" for k, v in values.items())


def render_xlsx(result: FormResult, *, exported_by: str = "") -> bytes:
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
            sheet.merge_cells(start_row=top + cell.row, start_column=1 + cell.col,
                              end_row=top + cell.row + cell.rowspan - 1,
                              end_column=cell.col + cell.colspan)
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
    data = result.display_rows()
    padded = data + [[""] * width] * max(0, form.min_rows - len(data))
    for r, values in enumerate(padded):
        for c, value in enumerate(values):
            cell = sheet.cell(first_data + r, 1 + c, safe_cell(value))
            cell.border = BORDER
            cell.alignment = CENTER if columns[c].kind != "text" else LEFT
            cell.font = Font(name=FONT, size=10)
        _fit_height(sheet, first_data + r,
                    max(_lines(v, columns[c].width) for c, v in enumerate(values)))
    last_table_row = first_data + len(padded) - 1

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
    if exported_by:
        sheet.oddFooter.left.text = exported_by
        sheet.oddFooter.right.text = "第 &P 页 共 &N 页"
    sheet.freeze_panes = sheet.cell(first_data, 1)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
