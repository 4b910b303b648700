"""A working list (失联, 失控, cases, transfers, meetings, dues …) as an .xlsx workbook.

Each list view declares its columns once (`Column(title, value, sensitive=...)`) and hands the
same queryset it pages on screen, so the file holds exactly what the user may see, all pages of
it. Written in openpyxl's write-only mode, row by row; the file says who exported it, when,
and for which organization and date. Columns marked sensitive (身份证号码, phones) are masked
when the reader may not see them, as on the forms. `audit.exports.list_export_response`
sends it, audited.
"""

import dataclasses
import datetime
import io
from collections.abc import Callable, Iterable

from django.utils import timezone

from paicha.core.dates import format_cn_date
from paicha.core.jobs import report_progress
from paicha.core.privacy import mask_identity

LIST_EXPORT_MAX_ROWS = 200_000


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


def render_list_xlsx(*, title: str, subtitle: str, columns: list[Column], rows: Iterable,
                     exported_by: str, show_identity: bool) -> bytes:
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
    sheet.append([exported_by + ("" if show_identity else "（身份证号码、联系电话已按权限隐藏部分内容）")])
    bold = Font(bold=True)
    header = []
    for text in ("序号", *(c.title for c in columns)):
        cell = WriteOnlyCell(sheet, text)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for count, row in enumerate(rows, start=1):
        values = [count]
        for column in columns:
            value = cell_value(column.value(row))
            if column.sensitive and not show_identity and value:
                value = mask_identity(str(value))
            values.append(value)
        sheet.append(values)
        if not count % 2000:
            report_progress("写入行", count, 0)
        if count >= LIST_EXPORT_MAX_ROWS:
            sheet.append([f"超过{LIST_EXPORT_MAX_ROWS}行，其余未导出，请缩小范围后再导出"])
            break
    sheet.append([])
    sheet.append([f"共 {count} 条。本表含党员个人信息，严禁向社会公布、不得在网络发布。"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def wants_xlsx(request) -> bool:
    return request.GET.get("format") == "xlsx"
