"""The roster of a subtree, filtered, as .xlsx (not the official 支部党员名册: see the forms app).

Written with openpyxl's write-only mode, row by row from a server-side iterator, so memory stays
flat. Roles without Perm.VIEW_IDENTITY get 身份证号码 and phones masked; every file says who
exported it and when.
"""

import datetime
import io

from paicha.core.cells import safe_cell
from paicha.core.dates import format_cn_date

from .models import Member
from .selectors import display_value

EXPORT_MAX_ROWS = 200_000
EXPORT_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "native_place",
    "birth_date",
    "id_number",
    "mobile",
    "other_contacts",
    "household_register",
    "residence",
    "marital_status",
    "school",
    "education",
    "degree",
    "work_start_date",
    "work_unit",
    "join_date",
    "join_org_name",
    "full_date",
    "organization",
    "branch_entry_date",
    "party_post",
    "monthly_dues",
    "member_type",
    "sector",
    "person_category",
    "student_level",
    "in_hardship",
    "retired",
    "flowing",
    "flow_destination",
    "employed_reported",
    "reported_community",
    "pocket",
    "religious",
    "status",
    "remarks",
)


def export_roster(
    members,
    *,
    title: str,
    filters_text: str,
    exported_by: str,
    exported_at: datetime.datetime,
    show_identity: bool,
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("党员名册")
    for index, name in enumerate(("序号", *EXPORT_FIELDS)):
        width = 20 if name in ("id_number", "work_unit", "residence", "organization") else 11
        ws.column_dimensions[_letter(index)].width = width if name != "序号" else 6
    heading = WriteOnlyCell(ws, title)
    heading.font = Font(size=14, bold=True)
    ws.append([heading])
    ws.append([safe_cell(f"筛选条件：{filters_text}")])
    ws.append(
        [
            f"导出人：{exported_by}　导出时间：{format_cn_date(exported_at.date())} "
            f"{exported_at:%H:%M}"
            + ("" if show_identity else "　（身份证号码、联系方式已按权限隐藏部分内容）")
        ]
    )
    bold = Font(bold=True)
    header = []
    for label in ("序号", *(str(Member._meta.get_field(n).verbose_name) for n in EXPORT_FIELDS)):
        cell = WriteOnlyCell(ws, label)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    count = 0
    for count, member in enumerate(
        members.select_related("organization").iterator(chunk_size=2000), start=1
    ):
        row = [count]
        for name in EXPORT_FIELDS:
            row.append(safe_cell(display_value(member, name, show_identity=show_identity)))
        ws.append(row)
    ws.append([])
    ws.append(
        [
            f"共 {count} 人。导出人：{exported_by}，导出时间：{format_cn_date(exported_at.date())} "
            f"{exported_at:%H:%M}。本表含党员个人信息，严禁向社会公布、不得在网络发布。"
        ]
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


__all__ = ["EXPORT_FIELDS", "EXPORT_MAX_ROWS", "export_roster"]
