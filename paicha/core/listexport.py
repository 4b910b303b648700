"""A working list (失联, 失控, cases, transfers, meetings, dues …) as an .xlsx workbook.

Each list view declares its columns once (`Column(title, value, sensitive=...)`) and hands the
same queryset it pages on screen, so the file holds exactly what the user may see, all pages of
it. openpyxl's write-only workbook lays out the sheet and its heading rows; the rows are then
written into it in one pass, each cell as openpyxl writes it, so 100,000 rows never sit in
memory as cell objects. The file says who exported it, when, and for which organization and
date. Columns marked sensitive (身份证号码, phones) are masked when the reader may not see
them, as on the forms; a text a spreadsheet would evaluate (= + - @ …) is written behind an
apostrophe (core.cells.safe_cell), as in every other file. `audit.exports.list_export_response`
sends it, audited.
"""

import dataclasses
import datetime
import io
import re
import zipfile
from collections.abc import Callable, Iterable

from django.utils import timezone
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.compat import safe_string
from openpyxl.utils.exceptions import IllegalCharacterError

from paicha.core.cells import safe_cell
from paicha.core.dates import format_cn_date
from paicha.core.jobs import report_progress
from paicha.core.privacy import mask_identity

LIST_EXPORT_MAX_ROWS = 200_000
SHEET_PART = "xl/worksheets/sheet1.xml"
# Below the title, the subtitle, who exported it and the column titles.
FIRST_BODY_ROW = 5
_NEEDS_ESCAPE = re.compile("[&<>\r]")


@dataclasses.dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[object], object]
    width: int = 12
    sensitive: bool = False


def cell_value(value):
    """What a cell holds: dates as 2016年9月20日 text (as the lists print them), booleans as
    是/否, None as empty; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{format_cn_date(value.date())} {value:%H:%M}"
    if isinstance(value, datetime.date):
        return format_cn_date(value)
    if isinstance(value, int | float):
        return value
    return str(value)


def render_list_xlsx(
    *,
    title: str,
    subtitle: str,
    columns: list[Column],
    rows: Iterable,
    exported_by: str,
    show_identity: bool,
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.column_dimensions["A"].width = 6
    for index, column in enumerate(columns, start=2):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    heading = WriteOnlyCell(sheet, title)
    heading.font = Font(size=14, bold=True)
    sheet.append([heading])
    sheet.append([subtitle])
    sheet.append(
        [exported_by + ("" if show_identity else "（身份证号码、联系电话已按权限隐藏部分内容）")]
    )
    bold = Font(bold=True)
    header = []
    for text in ("序号", *(c.title for c in columns)):
        cell = WriteOnlyCell(sheet, text)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    skeleton = io.BytesIO()
    workbook.save(skeleton)

    # openpyxl wrote the sheet around its four heading rows; the body and the lines below it
    # are written into its sheetData as openpyxl writes unstyled cells (list_cell_xml), one pass.
    letters = [get_column_letter(index) for index in range(1, len(columns) + 2)]
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(skeleton) as package,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in package.infolist():
            if info.filename != SHEET_PART:
                target.writestr(info, package.read(info))
                continue
            xml = package.read(info).decode()
            end = xml.index("</sheetData>")
            with target.open(SHEET_PART, "w", force_zip64=True) as part:
                part.write(xml[:end].encode())
                _write_rows(part, columns, rows, letters, show_identity=show_identity)
                part.write(xml[end:].encode())
    return buffer.getvalue()


def _write_rows(
    part, columns: list[Column], rows: Iterable, letters: list[str], *, show_identity: bool
) -> None:
    """The numbered body rows, a blank row and the count line, from row FIRST_BODY_ROW."""
    batch: list[str] = []
    count = 0
    row_number = FIRST_BODY_ROW - 1
    for count, row in enumerate(rows, start=1):
        values = [count]
        for column in columns:
            value = cell_value(column.value(row))
            if column.sensitive and not show_identity and value:
                value = mask_identity(str(value))
            values.append(safe_cell(value))
        row_number = FIRST_BODY_ROW - 1 + count
        batch.append(_row_xml(row_number, values, letters))
        if not count % 2000:
            report_progress("写入行", count, 0)
            part.write("".join(batch).encode())
            batch.clear()
        if count >= LIST_EXPORT_MAX_ROWS:
            row_number += 1
            more = f"超过{LIST_EXPORT_MAX_ROWS}行，其余未导出，请缩小范围后再导出"
            batch.append(_row_xml(row_number, [more], letters))
            break
    batch.append(_row_xml(row_number + 1, [], letters))
    total = f"共 {count} 条。本表含党员个人信息，严禁向社会公布、不得在网络发布。"
    batch.append(_row_xml(row_number + 2, [total], letters))
    part.write("".join(batch).encode())


def _row_xml(number: int, values: list, letters: list[str]) -> str:
    cells = "".join(
        [list_cell_xml(f"{letter}{number}", value) for letter, value in zip(letters, values)]
    )
    return f'<row r="{number}">{cells}</row>'


def list_cell_xml(ref: str, value) -> str:
    """One unstyled cell exactly as openpyxl's write-only sheet writes a value `cell_value`
    gives: numbers as numbers, text inline (a text that starts with = as a formula and an
    error code as an error, as openpyxl takes them), characters beyond ASCII as references."""
    if not isinstance(value, str):
        return f'<c r="{ref}" t="n"><v>{safe_string(value)}</v></c>'
    text = value[:32767]  # the longest text a cell holds
    if ILLEGAL_CHARACTERS_RE.search(text):
        raise IllegalCharacterError(f"{text} cannot be used in worksheets.")
    if not text:
        return f'<c r="{ref}" t="inlineStr"></c>'
    if len(text) > 1 and text.startswith("="):
        return f'<c r="{ref}"><f>{_xml_text(text[1:])}</f><v></v></c>'
    if text in ERROR_CODES:
        return f'<c r="{ref}" t="e"><v>{_xml_text(text)}</v></c>'
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{_xml_text(text)}</t></is></c>'


def _xml_text(text: str) -> str:
    if text.isascii() and not _NEEDS_ESCAPE.search(text):
        return text
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\r", "&#13;")
        .encode("ascii", "xmlcharrefreplace")
        .decode()
    )


def wants_xlsx(request) -> bool:
    return request.GET.get("format") == "xlsx"
