"""Any declared form as an .xlsx workbook that opens cleanly in Excel and WPS.

Merged grouped headers, thin borders on every table cell, A4 in the seed's orientation,
fit to one page wide, the header rows repeated on every printed page.

The workbook is written in openpyxl's write-only mode, row by row to the output stream: the
layout (merges, column widths, print setup, frozen header) is declared before the first row,
each row's height just before the row, and every cell copies a prepared style, so 100,000
rows take seconds and little memory.
"""

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
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
PAPERSIZE_A4 = "9"


def _text_width(text: str) -> int:
    # Excel measures columns in Latin characters; a Chinese character takes about two.
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


def _label_line(values: dict[str, str]) -> str:
    return "        ".join(f"{k}：{v}" for k, v in values.items())


class _Styles:
    """Prepared cell styles of one sheet: a cell takes a copy of one instead of building its
    font, border and alignment again."""

    def __init__(self, sheet):
        self.sheet = sheet
        self._arrays = {}

    def cell(self, value=None, *, font: Font | None = None, border: Border | None = None,
             alignment: Alignment | None = None) -> WriteOnlyCell:
        key = (font, border, alignment)
        if key not in self._arrays:
            prototype = WriteOnlyCell(self.sheet)
            if font is not None:
                prototype.font = font
            if border is not None:
                prototype.border = border
            if alignment is not None:
                prototype.alignment = alignment
            self._arrays[key] = prototype._style
        cell = WriteOnlyCell(self.sheet, value)
        cell._style = type(self._arrays[key])(self._arrays[key])
        return cell


def write_xlsx(result: FormResult, out, *, exported_by: str = "") -> None:
    """Write the form as .xlsx to the binary stream `out` (a file, a response, a buffer)."""
    form = result.form
    columns = form.columns
    width = len(columns)
    last_col = get_column_letter(width)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(result.title[:31])
    styles = _Styles(sheet)
    merged = sheet.merged_cells

    def merge_across(row: int) -> None:
        merged.add(f"A{row}:{last_col}{row}")

    # Everything that precedes the rows in the file is declared first.
    top = 3
    cells, depth = header_grid(columns)
    header_rows = depth + int(any(c.letter for c in columns))
    first_data = top + header_rows
    for i, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = column.width
    sheet.freeze_panes = f"A{first_data}"
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)

    sheet.row_dimensions[1].height = 30
    sheet.append([styles.cell(result.title, font=Font(name=FONT, size=16, bold=True),
                              alignment=CENTER)])
    merge_across(1)
    sheet.append([styles.cell(_label_line(result.header), font=Font(name=FONT, size=11))])
    merge_across(2)

    grid: list[list] = [[None] * width for _ in range(header_rows)]
    heights = [0.0] * header_rows
    for cell in cells:
        grid[cell.row][cell.col] = cell.text
        if cell.rowspan > 1 or cell.colspan > 1:
            merged.add(f"{get_column_letter(1 + cell.col)}{top + cell.row}:"
                       f"{get_column_letter(cell.col + cell.colspan)}"
                       f"{top + cell.row + cell.rowspan - 1}")
        span_width = sum(columns[c].width for c in range(cell.col, cell.col + cell.colspan))
        # A cell spanning several rows shares its lines among them.
        lines = -(-_lines(cell.text, span_width) // cell.rowspan)
        heights[cell.row] = max(heights[cell.row], _height(lines))
    if header_rows > depth:
        grid[depth] = [column.letter for column in columns]
    bold = Font(name=FONT, size=10, bold=True)
    for r, values in enumerate(grid):
        if heights[r]:
            sheet.row_dimensions[top + r].height = heights[r]
        sheet.append([styles.cell(v, font=bold if v is not None else None, border=BORDER,
                                  alignment=CENTER) for v in values])

    body = Font(name=FONT, size=10)
    aligns = [CENTER if column.kind != "text" else LEFT for column in columns]
    widths = [column.width for column in columns]
    row = first_data
    dimensions = sheet.row_dimensions
    for values in _padded(result.iter_display_rows(), width, form.min_rows):
        dimensions[row].height = _height(max(_lines(v, widths[c]) for c, v in enumerate(values)))
        sheet.append([styles.cell(safe_cell(v), font=body, border=BORDER, alignment=aligns[c])
                      for c, v in enumerate(values)])
        del dimensions[row]  # written with its row; keep memory flat
        row += 1
    last_table_row = row - 1

    row = last_table_row + 1
    if result.footer:
        sheet.append([styles.cell(_label_line(result.footer), font=Font(name=FONT, size=11))])
        merge_across(row)
        row += 1
    if form.notes:
        sheet.append([])
        row += 1
        if form.notes_title:
            sheet.append([styles.cell(form.notes_title, font=Font(name=FONT, size=11, bold=True))])
            merge_across(row)
            row += 1
        for line in form.notes.strip().splitlines():
            sheet.row_dimensions[row].height = max(15, 15 * (len(line) // (width * 6) + 1))
            sheet.append([styles.cell(line, font=Font(name=FONT, size=9), alignment=LEFT)])
            merge_across(row)
            row += 1

    sheet.page_setup.paperSize = PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if form.landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_area = f"A1:{last_col}{last_table_row + 1}"
    sheet.print_title_rows = f"{top}:{top + header_rows - 1}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    if exported_by:
        sheet.oddFooter.left.text = exported_by
        sheet.oddFooter.right.text = "第 &P 页 共 &N 页"
    workbook.save(out)


def _padded(rows, width: int, min_rows: int):
    """The data rows, then blank rows up to the seed's `min_rows`."""
    count = 0
    for values in rows:
        count += 1
        yield values
    for _ in range(max(0, min_rows - count)):
        yield [""] * width


def render_xlsx(result: FormResult, *, exported_by: str = "") -> bytes:
    buffer = io.BytesIO()
    write_xlsx(result, buffer, exported_by=exported_by)
    return buffer.getvalue()
