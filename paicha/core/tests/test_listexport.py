import datetime
import io
from decimal import Decimal

from openpyxl import load_workbook

from paicha.core.listexport import Column, render_list_xlsx

COLUMNS = [
    Column("姓名", lambda m: m["name"]),
    Column("身份证号码", lambda m: m["id_number"], sensitive=True),
    Column("联系电话", lambda m: m["mobile"], sensitive=True),
    Column("每月党费", lambda m: m["dues"]),
    Column("欠交月数", lambda m: m["months"]),
    Column("最近联系", lambda m: m["contact"]),
    Column("备注", lambda m: m["remarks"]),
]
ROWS = [
    {
        "name": "王<五>&",
        "id_number": "430102199005170011",
        "mobile": "13900139000",
        "dues": Decimal("12.50"),
        "months": 3,
        "contact": datetime.date(2016, 9, 20),
        "remarks": " 外出流动\n深圳",
    },
    {
        "name": "赵六",
        "id_number": "",
        "mobile": None,
        "dues": None,
        "months": 0,
        "contact": None,
        "remarks": "出国（境）",
    },
]


def _sheet(*, show_identity: bool):
    content = render_list_xlsx(
        title="党费交纳情况",
        subtitle="党组织：文学院党委",
        columns=COLUMNS,
        rows=iter(ROWS),
        exported_by="导出：auditor",
        show_identity=show_identity,
    )
    return load_workbook(io.BytesIO(content)).active


def _row(sheet, number):
    return [sheet.cell(number, c).value for c in range(1, 9)]


def test_list_rows_read_back_numbered_masked_and_counted():
    sheet = _sheet(show_identity=False)
    assert sheet["A1"].value == "党费交纳情况" and sheet["A1"].font.b
    assert sheet["A3"].value == "导出：auditor（身份证号码、联系电话已按权限隐藏部分内容）"
    assert _row(sheet, 4) == [
        "序号",
        "姓名",
        "身份证号码",
        "联系电话",
        "每月党费",
        "欠交月数",
        "最近联系",
        "备注",
    ]
    assert _row(sheet, 5) == [
        1,
        "王<五>&",
        "430102********0011",
        "139****9000",
        "12.50",
        3,
        "2016年9月20日",
        " 外出流动\n深圳",
    ]
    assert _row(sheet, 6) == [2, "赵六", None, None, None, 0, None, "出国（境）"]
    assert _row(sheet, 7) == [None] * 8
    assert sheet["A8"].value == "共 2 条。本表含党员个人信息，严禁向社会公布、不得在网络发布。"
    assert sheet.max_row == 8


def test_list_rows_show_identities_to_those_who_may_see_them():
    sheet = _sheet(show_identity=True)
    assert sheet["A3"].value == "导出：auditor"
    assert _row(sheet, 5)[2:4] == ["430102199005170011", "13900139000"]


def test_list_cells_that_a_spreadsheet_would_evaluate_are_written_as_text():
    hostile = {
        "name": "=cmd|' /C calc'!A0",
        "id_number": "",
        "mobile": "+8613900139000",
        "dues": None,
        "months": 1,
        "contact": None,
        "remarks": '@HYPERLINK("http://e.x/","点")',
    }
    content = render_list_xlsx(
        title="失联党员名单",
        subtitle="党组织：文学院党委",
        columns=COLUMNS,
        rows=iter([hostile]),
        exported_by="导出：zzb",
        show_identity=True,
    )
    sheet = load_workbook(io.BytesIO(content)).active
    cells = [sheet.cell(5, c) for c in range(1, 9)]
    assert [c.data_type for c in cells if c.value is not None] == ["n", "s", "s", "n", "s"]
    assert [c.value for c in cells] == [
        1,
        "'=cmd|' /C calc'!A0",
        None,
        "+8613900139000",  # a telephone number, not a formula: kept as typed
        None,
        1,
        None,
        '\'@HYPERLINK("http://e.x/","点")',
    ]
