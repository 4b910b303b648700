import datetime
import io
import json

import pytest
from docx import Document
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from paicha.codes import MemberStatus
from paicha.conftest import make_member
from paicha.core.documents import get_document, to_docx
from paicha.reports.declarations import Column, FormDeclaration, get_form, header_grid
from paicha.reports.renderers.docx import render_docx
from paicha.reports.renderers.xlsx import render_xlsx

from .seeds import seed_cells

FILL_DATE = datetime.date(2016, 9, 20)


def test_header_grid_merges_groups_and_drops_titles_to_the_bottom():
    columns = [
        Column("a", "A总数"),
        Column("b", "总数", groups=("取得联系",)),
        Column("c", "甲", groups=("取得联系", "处置")),
        Column("d", "乙", groups=("取得联系", "处置")),
        Column("x", "死亡"),
    ]
    cells, depth = header_grid(columns)
    assert depth == 3
    as_tuples = {(c.row, c.col, c.text, c.rowspan, c.colspan) for c in cells}
    assert as_tuples == {
        (0, 0, "A总数", 3, 1),
        (0, 1, "取得联系", 1, 3),
        (0, 4, "死亡", 3, 1),
        (1, 1, "总数", 2, 1),
        (1, 2, "处置", 1, 2),
        (2, 2, "甲", 1, 1),
        (2, 3, "乙", 1, 1),
    }


@pytest.fixture
def roster_members(tree):
    a = make_member(
        tree.branch_a1,
        "张三",
        birth=datetime.date(1980, 3, 5),
        join_date=datetime.date(2005, 6, 1),
        full_date=datetime.date(2006, 6, 1),
        work_unit="文学院",
        mobile="13800138000",
        native_place="湖南长沙",
    )
    b = make_member(
        tree.branch_a1,
        "李四",
        birth=datetime.date(1990, 1, 2),
        join_date=datetime.date(2016, 1, 1),
        member_type="probationary",
        pocket=True,
    )
    make_member(
        tree.branch_a1,
        "已出党",
        status=MemberStatus.REMOVED,
        join_date=datetime.date(2001, 1, 1),
        full_date=datetime.date(2002, 1, 1),
    )
    make_member(
        tree.branch_b1,
        "外支部",
        join_date=datetime.date(2001, 1, 1),
        full_date=datetime.date(2002, 1, 1),
    )
    return a, b


def test_roster_titles_match_the_seed_character_by_character():
    expected = seed_cells("002", "支 部 党 员 名 册", "序号", "备注")
    assert [c.title for c in get_form("branch-roster").columns] == expected


def test_roster_xlsx_golden(tree, roster_members):
    result = get_form("branch-roster").build(org=tree.branch_a1, as_of=FILL_DATE)
    sheet = load_workbook(io.BytesIO(render_xlsx(result, exported_by="导出：测试"))).active
    assert sheet["A1"].value == "支 部 党 员 名 册"
    assert "A1:M1" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["A2"].value == (
        "党（工）委：文学院党委        党支部：文学院教工第一党支部        填表日期：2016年9月20日"
    )
    assert [sheet.cell(3, c).value for c in range(1, 14)] == [
        "序号",
        "姓 名",
        "性别",
        "民族",
        "籍贯",
        "出生\n年月",
        "学历",
        "身份证号码",
        "入党\n时间",
        "转正\n时间",
        "工作单位",
        "联系电话",
        "备注",
    ]
    first = [sheet.cell(4, c).value for c in range(1, 14)]
    a = roster_members[0]
    assert first == [
        1,
        "张三",
        "男",
        "汉族",
        "湖南长沙",
        "1980年3月",
        None,
        a.id_number,
        "2005年6月",
        "2006年6月",
        "文学院",
        "13800138000",
        None,
    ]
    second = [sheet.cell(5, c).value for c in range(1, 14)]
    assert second[1] == "李四" and second[9] is None
    assert "口袋" in second[12]
    assert sheet.cell(6, 2).value is None  # the removed member and the other branch are absent
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.cell(4 + 14 - 1, 1).border.left.style == "thin"  # padded to the seed's rows


def test_roster_json_keeps_numbers_as_numbers(tree, roster_members):
    data = get_form("branch-roster").build(org=tree.branch_a1, as_of=FILL_DATE).as_json()
    assert set(data) == {"title", "header", "columns", "rows", "checks", "footer", "figures"}
    assert data["rows"][0]["seq"] == 1 and data["rows"][0]["name"] == "张三"
    json.dumps(data, ensure_ascii=False)


def test_roster_as_of_an_earlier_date_leaves_out_later_arrivals(tree):
    make_member(tree.branch_a1, "新来", branch_entry_date=datetime.date(2017, 1, 1))
    rows = get_form("branch-roster").build(org=tree.branch_a1, as_of=FILL_DATE).rows
    assert rows == []


def test_masked_for_roles_without_identity_permission(tree, personas, roster_members):
    result = get_form("branch-roster").build(
        org=tree.branch_a1, as_of=FILL_DATE, user=personas["auditor"]
    )
    row = result.display_rows()[0]
    assert row[7] == roster_members[0].id_number[:6] + "********" + roster_members[0].id_number[14:]
    assert row[11] == "138****8000"


def test_second_readers_open_every_generated_file(tree, roster_members):
    result = get_form("branch-roster").build(org=tree.branch_a1, as_of=FILL_DATE)
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(render_xlsx(result)))
    rows = workbook.get_sheet_by_index(0).to_python()
    assert rows[0][0] == "支 部 党 员 名 册" and rows[3][1] == "张三"
    document = Document(io.BytesIO(render_docx(result)))
    assert document.tables[0].cell(0, 1).text == "姓 名"
    assert document.tables[0].cell(1, 1).text == "张三"


def test_registration_docx_has_two_copies_with_boxes_ticked(tree, roster_members):
    member = roster_members[0]
    content = to_docx(
        get_document("member-registration").build(member, as_of=FILL_DATE, mask=False)
    )
    document = Document(io.BytesIO(content))
    assert len(document.tables) == 2
    texts = [c.text for c in document.tables[0]._cells]
    assert "张三" in texts and member.id_number in texts
    assert any("☑正式党员" in t and "□预备党员" in t for t in texts)
    assert any("☑" not in t and "□“口袋”党员" in t for t in texts)


def test_a_documents_docx_table_merges_each_cell_over_its_declared_rows_and_columns(
    tree, roster_members
):
    declared = get_document("member-registration").build(
        roster_members[0], as_of=FILL_DATE, mask=False
    )
    document = Document(io.BytesIO(to_docx(declared)))
    merged = 0
    for page, table in zip(declared.pages, document.tables, strict=True):
        assert len(table.rows) == len(page.rows) and len(table.columns) == len(page.widths)
        taken = set()
        for r, row in enumerate(page.rows):
            c = 0
            for cell in row:
                while (r, c) in taken:
                    c += 1
                top_left = table.cell(r, c)
                bottom_right = table.cell(r + cell.rowspan - 1, c + cell.colspan - 1)
                assert bottom_right._tc is top_left._tc, (r, c)
                merged += cell.rowspan > 1 or cell.colspan > 1
                text = "\n".join(t for t, _ in cell.paras)
                assert top_left.text.rstrip("\n") == text.rstrip("\n"), (r, c)
                taken |= {
                    (r + dr, c + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan)
                }
                c += cell.colspan
    assert merged > 10  # the registration form merges across and down


class _Broken(FormDeclaration):
    slug, title, columns = "x", "x", [Column("n", "数", kind="int")]

    def rows(self, *, org, as_of):
        return [{"n": 3}]


def test_a_form_without_rows_declared_cannot_render(tree):
    with pytest.raises(NotImplementedError):
        FormDeclaration().rows(org=tree.root, as_of=FILL_DATE)
    assert _Broken().build(org=tree.root, as_of=FILL_DATE).as_json()["rows"] == [{"n": 3}]


@pytest.fixture
def masked_roster(tree):
    """Two members of one branch with the same unit (a repeated text) that needs escaping."""
    for name, mobile, id_number in (
        ("王五", "13900139000", "430102199005170011"),
        ("赵六", "13700137000", "430102199005170038"),
    ):
        make_member(
            tree.branch_a1,
            name,
            id_number=id_number,
            mobile=mobile,
            work_unit="文学院<古籍所>&资料室",
            join_date=datetime.date(2005, 6, 1),
            full_date=datetime.date(2006, 6, 1),
        )


def test_masked_roster_xlsx_reads_back_with_merges_values_and_masks(tree, personas, masked_roster):
    result = get_form("branch-roster").build(
        org=tree.branch_a1, as_of=FILL_DATE, user=personas["auditor"]
    )
    sheet = load_workbook(io.BytesIO(render_xlsx(result, exported_by="导出：auditor"))).active
    assert {"A1:M1", "A2:M2"} <= {str(r) for r in sheet.merged_cells.ranges}
    assert [sheet.cell(4, c).value for c in range(1, 14)] == [
        1,
        "王五",
        "男",
        "汉族",
        None,
        "1990年5月",
        None,
        "430102********0011",
        "2005年6月",
        "2006年6月",
        "文学院<古籍所>&资料室",
        "139****9000",
        None,
    ]
    assert [sheet.cell(5, c).value for c in (2, 8, 11, 12)] == [
        "赵六",
        "430102********0038",
        "文学院<古籍所>&资料室",
        "137****7000",
    ]
    assert sheet.cell(5, 11).alignment.horizontal == "left"
    assert sheet.cell(5, 11).border.bottom.style == "thin"
    assert sheet.oddFooter.left.text == "导出：auditor"


def test_masked_roster_docx_reads_back_with_merges_values_and_masks(tree, personas, masked_roster):
    result = get_form("branch-roster").build(
        org=tree.branch_a1, as_of=FILL_DATE, user=personas["auditor"]
    )
    document = Document(io.BytesIO(render_docx(result, exported_by="导出：auditor")))
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "序号",
        "姓 名",
        "性别",
        "民族",
        "籍贯",
        "出生\n年月",
        "学历",
        "身份证号码",
        "入党\n时间",
        "转正\n时间",
        "工作单位",
        "联系电话",
        "备注",
    ]
    assert [c.text for c in table.rows[1].cells] == [
        "1",
        "王五",
        "男",
        "汉族",
        "",
        "1990年5月",
        "",
        "430102********0011",
        "2005年6月",
        "2006年6月",
        "文学院<古籍所>&资料室",
        "139****9000",
        "",
    ]
    assert [table.rows[2].cells[c].text for c in (1, 7, 10, 11)] == [
        "赵六",
        "430102********0038",
        "文学院<古籍所>&资料室",
        "137****7000",
    ]
    assert len(table.rows) == 1 + 14  # the header and the seed's fourteen rows
    assert document.sections[0].footer.paragraphs[0].text == "导出：auditor"


def test_masked_roster_print_view_reads_back_escaped_and_masked(
    tree, personas, client_for, masked_roster
):
    from html.parser import HTMLParser

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__()
            self.rows, self.cell = [], None

        def handle_starttag(self, tag, attrs):
            if tag == "tr":
                self.rows.append([])
            elif tag in ("td", "th"):
                self.cell = ""

        def handle_data(self, data):
            if self.cell is not None:
                self.cell += data

        def handle_endtag(self, tag):
            if tag in ("td", "th"):
                self.rows[-1].append(self.cell.strip())
                self.cell = None

    from django.urls import reverse

    url = (
        reverse("reports:form", args=["branch-roster"])
        + f"?org={tree.branch_a1.code}&date=2016-09-20&format=print"
    )
    page = client_for(personas["auditor"]).get(url).content.decode()
    assert "文学院&lt;古籍所&gt;&amp;资料室" in page
    parser = Cells()
    parser.feed(page)
    first = parser.rows.index(
        [
            "1",
            "王五",
            "男",
            "汉族",
            "",
            "1990年5月",
            "",
            "430102********0011",
            "2005年6月",
            "2006年6月",
            "文学院<古籍所>&资料室",
            "139****9000",
            "",
        ]
    )
    assert parser.rows[first - 1][:3] == ["序号", "姓 名", "性别"]
    assert parser.rows[first + 1][1:2] == ["赵六"]
    assert "430102199005170011" not in page and "13900139000" not in page
