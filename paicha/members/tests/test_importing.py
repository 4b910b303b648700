import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from paicha.audit.models import AuditEntry
from paicha.codes import (
    Education,
    Ethnicity,
    Gender,
    MaritalStatus,
    MemberStatus,
    MemberType,
    PersonCategory,
)
from paicha.conftest import make_member
from paicha.members import importing
from paicha.members.idcard import make_id_number
from paicha.members.importing import (
    PREVIEW_ROWS,
    CellError,
    ImportFileError,
    ImportRejected,
    build_template,
    find_header,
    import_commit,
    plan_import,
    read_date,
    read_table,
)
from paicha.members.models import Member

ROSTER = [
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
ID1 = make_id_number("430102", datetime.date(1985, 3, 9), 1, Gender.MALE)
ID2 = make_id_number("430102", datetime.date(1996, 11, 30), 2, Gender.FEMALE)


def xlsx(rows, *, title=True) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append(["支 部 党 员 名 册"])
        ws.merge_cells("A1:M1")
        ws.append(["文学院党委  文学院教工第一党支部  填表日期：2016年9月20日"])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def good_rows():
    return [
        ROSTER,
        [
            1,
            "张  伟",
            "男",
            "汉族",
            "湖南长沙",
            1985.03,
            "大学本科",
            ID1,
            "2008年6月",
            40000,
            "文学院",
            "13800138000",
            "",
        ],
        [],
        [
            2,
            "李娜",
            "",
            "苗",
            "湖南吉首",
            "1996-11",
            "本科",
            ID2.lower(),
            2016.09,
            "",
            "文学院学生",
            "0731-88881234",
            "预备党员",
        ],
        [3, "", "", "", "", "", "", "", "", "", "", "", ""],
        ["填表人：王老师"],
    ]


def plan(tree, user, content, name="名册.xlsx", org=None):
    return plan_import(
        content=content, filename=name, organization=org or tree.branch_a1, acting_user=user
    )


def test_reads_a_real_looking_roster(tree, personas):
    result = plan(tree, personas["worker_a1"], xlsx(good_rows()))
    assert result.errors == [] and result.rows_read == 2 and len(result.creates) == 2
    zhang, li = (p.values for p in result.creates)
    assert zhang["name"] == "张伟" and zhang["birth_date"] == datetime.date(1985, 3, 9)
    assert zhang["join_date"] == datetime.date(2008, 6, 1)
    assert zhang["full_date"] == datetime.date(2009, 7, 6)  # Excel serial 40000
    assert zhang["member_type"] == MemberType.FULL and zhang["mobile"] == "13800138000"
    assert li["gender"] == Gender.FEMALE and li["ethnicity"] == "06"
    assert li["education"] == Education.BACHELOR and li["id_number"] == ID2
    assert li["join_date"] == datetime.date(2016, 9, 1)
    assert li["member_type"] == MemberType.PROBATIONARY
    assert li["other_contacts"] == "0731-88881234" and not li.get("mobile")


def test_every_problem_is_listed_with_row_column_value(tree, personas):
    rows = good_rows()
    rows[1][7] = ID1[:17] + ("0" if ID1[17] != "0" else "1")  # bad check digit
    rows[3][2] = "男"  # gender against the ID
    rows[3][5] = "1996-10"  # birth month against the ID
    rows[3][8] = 2016.1  # ambiguous 1 or 10
    rows.insert(4, [4, "王五", "男", "汉族", "", "", "", ID2, "2010.05", "2009.01", "", "123", ""])
    result = plan(tree, personas["worker_a1"], xlsx(rows))
    found = {(e.row, e.column, e.message.split("，")[0][:12]) for e in result.errors}
    assert (4, "身份证号码", "身份证号码校验位错误：应为"[:12]) in found
    assert any(e.row == 6 and e.column == "性别" and "不一致" in e.message for e in result.errors)
    assert any(
        e.row == 6 and e.column == "出生 年月" and "1996年10月" in e.message for e in result.errors
    )
    assert any(
        e.row == 6 and e.column == "入党 时间" and e.value == "2016.1" for e in result.errors
    )
    assert any(e.row == 7 and "与第6行的身份证号码重复" in e.message for e in result.errors)
    assert not result.ok


def test_dates_as_excel_floats_serials_and_text():
    assert read_date(2016.09) == (datetime.date(2016, 9, 1), True)
    assert read_date(2016.12) == (datetime.date(2016, 12, 1), True)
    assert read_date(2016.2) == (datetime.date(2016, 2, 1), True)
    assert read_date(42633.0) == (datetime.date(2016, 9, 20), False)
    assert read_date("2016年9月") == (datetime.date(2016, 9, 1), True)
    assert read_date("2016.09.20") == (datetime.date(2016, 9, 20), False)
    assert read_date(201609.0) == (datetime.date(2016, 9, 1), False) or read_date(201609.0)[
        0
    ] == datetime.date(2016, 9, 1)
    assert read_date(datetime.date(2016, 9, 20)) == (datetime.date(2016, 9, 20), False)
    for bad in (2016.0, 2016.1, 2016.13, "2016", "明年"):
        with pytest.raises(CellError):
            read_date(bad)


def test_header_in_any_order_with_two_levels_and_merged_cells(tree, personas):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["党员名册"])
    ws.append(["身份证号码", "姓名", "入党时间", "党员情况", None, "说明"])
    ws.append([None, None, None, "转正时间", "手机号码", None])
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:B3")
    ws.merge_cells("C2:C3")
    ws.merge_cells("D2:E2")
    ws.append([ID1, "张伟", "2008-06-01", "2009-06-01", "13900139000", "x"])
    buffer = io.BytesIO()
    wb.save(buffer)
    result = plan(tree, personas["worker_a1"], buffer.getvalue())
    assert result.errors == [], result.errors
    (row,) = result.creates
    assert row.row == 4 and row.values["mobile"] == "13900139000"
    assert row.values["full_date"] == datetime.date(2009, 6, 1)
    assert any("说明" in n for n in result.notes), result.notes


@pytest.mark.parametrize("name", ["roster.csv", "roster-gbk.csv"])
def test_csv_in_utf8_and_gb18030(tree, personas, name):
    text = f"姓名,身份证号码,入党时间,转正时间\n张伟,{ID1},2008-06-01,2009-06-01\n"
    content = text.encode("gb18030" if "gbk" in name else "utf-8-sig")
    result = plan(tree, personas["worker_a1"], content, name=name)
    assert result.errors == [] and len(result.creates) == 1


def test_ods_and_template_round_trip(tree, personas):
    template = build_template()
    rows = read_table(template, "模板.xlsx")
    header = find_header(rows)
    assert [rows[header.row][i] for i in range(13)] == [
        "序号",
        "姓 名",
        "性别",
        "民族",
        "籍贯",
        "出生年月",
        "学历",
        "身份证号码",
        "入党时间",
        "转正时间",
        "工作单位",
        "联系电话",
        "备注",
    ]
    empty = plan(tree, personas["worker_a1"], template, name="模板.xlsx")
    assert empty.rows_read == 0 and not empty.ok and empty.error_count == 0


def test_bad_files_are_refused_as_a_whole(tree, personas):
    with pytest.raises(ImportFileError, match="不支持的文件类型"):
        plan(tree, personas["worker_a1"], b"x", name="a.txt")
    with pytest.raises(ImportFileError, match="无法读取"):
        plan(tree, personas["worker_a1"], b"not a workbook", name="a.xlsx")
    with pytest.raises(ImportFileError, match="缺少必需的列：入党时间"):
        plan(tree, personas["worker_a1"], "姓名,身份证号码\n".encode(), name="a.csv")
    with pytest.raises(ImportFileError, match="没有找到表头"):
        plan(tree, personas["worker_a1"], b"a,b\n1,2\n", name="a.csv")


def test_commit_writes_all_and_one_audit_entry(tree, personas):
    result = import_commit(
        content=xlsx(good_rows()),
        filename="名册.xlsx",
        organization=tree.branch_a1,
        acting_user=personas["worker_a1"],
    )
    assert (result.created, result.updated) == (2, 0)
    zhang = Member.objects.get(id_number=ID1)
    assert zhang.org_path == tree.branch_a1.path and zhang.name_initials == "zw"
    entry = AuditEntry.objects.get(action="import")
    assert entry.actor == personas["worker_a1"] and entry.changes["新增"] == ["", 2]
    assert AuditEntry.objects.filter(model="members.Member").count() == 0


def test_columns_the_file_lacks_take_their_defaults(tree, personas):
    import_commit(
        content=xlsx(good_rows()),
        filename="名册.xlsx",
        organization=tree.branch_a1,
        acting_user=personas["worker_a1"],
    )
    li = Member.objects.get(id_number=ID2)
    assert (li.residence, li.school, li.sector, li.in_hardship, li.pocket) == (
        "",
        "",
        "",
        False,
        False,
    )
    assert li.status == MemberStatus.ACTIVE and li.monthly_dues is None
    assert li.work_start_date is None and li.other_contacts == "0731-88881234"


def test_every_column_of_the_template_is_imported(tree, personas):
    values = {
        "序号": 1,
        "姓 名": "赵敏",
        "性别": "女",
        "民族": "回族",
        "籍贯": "甘肃临夏",
        "出生年月": "1996-11",
        "学历": "硕士",
        "身份证号码": ID2,
        "入党时间": "2016-06-01",
        "转正时间": "2017-06-01",
        "工作单位": "文学院",
        "联系电话": "0731-88881234",
        "备注": "外出流动",
        "党员类型": "正式党员",
        "手机号码": "13900139000",
        "其他联系方式": "微信 zhaomin",
        "户籍所在地": "甘肃临夏",
        "实际居住地址": "长沙市岳麓区",
        "婚姻状况": "未婚",
        "毕业院校": "兰州大学",
        "学位": "硕士",
        "参加工作时间": "2019-07-01",
        "入党时所在党组织": "兰州大学文学院党支部",
        "进入支部日期": "2019-07-15",
        "党内职务": "组织委员",
        "曾任党内职务": "宣传委员",
        "每月党费交纳数额": "12.50",
        "所在领域": "事业单位",
        "人员类别": "教职工",
        "学生类别": "",
        "生活困难党员": "是",
        "离退休党员": "",
        "流动党员": "是",
        "流入地（单位）": "广州",
        "在职党员": "是",
        "报到社区": "桃子湖社区",
        "“口袋”党员": "",
        "参教信教党员": "否",
        "所在党组织代码": tree.branch_a1.code,
        "最近一次参加组织生活时间": "2026年3月",
        "最近一次交纳党费时间": "2026-04-15",
    }
    titles = [c.title for c in importing.COLUMNS]
    assert set(values) == set(titles)
    result = import_commit(
        content=xlsx([titles, [values[t] for t in titles]], title=False),
        filename="全项.xlsx",
        organization=tree.branch_a1,
        acting_user=personas["worker_a1"],
    )
    assert result.created == 1
    zhao = Member.objects.get(id_number=ID2)
    assert (zhao.ethnicity, zhao.education, zhao.marital_status) == (
        Ethnicity.HUI,
        Education.POSTGRADUATE,
        MaritalStatus.SINGLE,
    )
    assert (zhao.mobile, zhao.other_contacts) == ("13900139000", "微信 zhaomin")
    assert zhao.monthly_dues == Decimal("12.50") and zhao.branch_entry_date == datetime.date(
        2019, 7, 15
    )
    assert (
        zhao.in_hardship,
        zhao.retired,
        zhao.flowing,
        zhao.employed_reported,
        zhao.pocket,
        zhao.religious,
    ) == (True, False, True, True, False, False)
    assert (zhao.flow_destination, zhao.reported_community, zhao.party_post) == (
        "广州",
        "桃子湖社区",
        "组织委员",
    )
    assert zhao.person_category == PersonCategory.STAFF and zhao.remarks == "外出流动"
    assert (zhao.declared_last_org_life, zhao.declared_last_dues) == (
        datetime.date(2026, 3, 1),
        datetime.date(2026, 4, 15),
    )


def test_reimport_updates_in_scope_and_blank_cells_keep_values(tree, personas):
    existing = make_member(
        tree.branch_a1,
        "张伟",
        birth=datetime.date(1985, 3, 9),
        id_number=ID1,
        native_place="旧籍贯",
        work_unit="旧单位",
        join_date=datetime.date(2008, 6, 1),
        full_date=datetime.date(2009, 6, 1),
    )
    rows = good_rows()
    rows[1][4] = ""  # 籍贯 blank: kept
    rows[1][10] = "新单位"
    result = import_commit(
        content=xlsx(rows),
        filename="名册.xlsx",
        organization=tree.branch_a1,
        acting_user=personas["worker_a1"],
    )
    assert (result.created, result.updated) == (1, 1)
    existing.refresh_from_db()
    assert existing.native_place == "旧籍贯" and existing.work_unit == "新单位"
    assert existing.full_date == datetime.date(2009, 7, 6)


def test_id_registered_outside_the_scope_is_one_person_two_registrations(tree, personas):
    make_member(tree.branch_b1, "外支部人", birth=datetime.date(1985, 3, 9), id_number=ID1)
    with pytest.raises(ImportRejected) as exc:
        import_commit(
            content=xlsx(good_rows()),
            filename="名册.xlsx",
            organization=tree.branch_a1,
            acting_user=personas["worker_a1"],
        )
    (error,) = exc.value.plan.errors
    assert error.row == 4 and "理学院教工党支部" in error.message
    assert "文学院教工第一党支部" in error.message and "外支部人" not in error.message
    assert Member.objects.count() == 1  # all or nothing: 李娜 was not written either


def big_roster(count: int, *, extra: list | None = None) -> tuple[bytes, list[str]]:
    """A CSV roster of `count` good rows (more than a write chunk), then the `extra` rows."""
    numbers = [
        make_id_number(
            "430104",
            datetime.date(1960, 1, 1) + datetime.timedelta(days=i),
            i % 100,
            Gender.MALE if i % 2 else Gender.FEMALE,
        )
        for i in range(count)
    ]
    lines = [",".join(ROSTER).replace("\n", "")]
    lines += [
        f"{i + 1},党员{i},,汉族,湖南,,大学本科,{number},2000-07-01,2001-07-01,文学院,,"
        for i, number in enumerate(numbers)
    ]
    lines += [",".join(map(str, row)) for row in extra or []]
    return "\n".join(lines).encode(), numbers


def test_commit_of_thousands_of_rows_writes_them_all_and_lists_the_first(tree, personas):
    in_scope = make_member(
        tree.branch_a1,
        "李四",
        birth=datetime.date(1985, 3, 9),
        id_number=ID1,
        join_date=datetime.date(2008, 6, 1),
        full_date=datetime.date(2009, 6, 1),
    )
    content, numbers = big_roster(
        4500,
        extra=[
            [
                4501,
                "李四",
                "",
                "汉族",
                "",
                "",
                "",
                ID1,
                "2008-06-01",
                "2009-06-01",
                "新单位",
                "",
                "",
            ]
        ],
    )
    result = import_commit(
        content=content,
        filename="名册.csv",
        organization=tree.branch_a1,
        acting_user=personas["worker_a1"],
    )
    assert (result.created, result.updated) == (4500, 1)
    assert result.plan.create_count == 4500 and len(result.plan.creates) == PREVIEW_ROWS
    assert Member.objects.filter(organization=tree.branch_a1).count() == 4501
    last = Member.objects.get(id_number=numbers[-1])
    assert (last.name, last.name_initials, last.gender) == ("党员4499", "dy4499", Gender.MALE)
    assert last.birth_date == datetime.date(1960, 1, 1) + datetime.timedelta(days=4499)
    assert last.member_type == MemberType.FULL and last.org_path == tree.branch_a1.path
    in_scope.refresh_from_db()
    assert in_scope.work_unit == "新单位"
    assert AuditEntry.objects.get(action="import").changes["新增"] == ["", 4500]


def test_an_error_after_thousands_of_good_rows_leaves_nothing_written(tree, personas):
    before = Member.objects.count()
    content, _ = big_roster(
        4500, extra=[[4501, "王五", "", "汉族", "", "", "", ID2, "不详", "", "", "", ""]]
    )
    with pytest.raises(ImportRejected) as exc:
        import_commit(
            content=content,
            filename="名册.csv",
            organization=tree.branch_a1,
            acting_user=personas["worker_a1"],
        )
    (error,) = exc.value.plan.errors
    assert (error.row, error.column, error.value) == (4502, "入党时间", "不详")
    assert Member.objects.count() == before
    assert not AuditEntry.objects.filter(action="import").exists()


def test_a_person_registered_between_check_and_write_rejects_the_whole_import(
    tree, personas, monkeypatch
):
    content, numbers = big_roster(4500)
    make_member(
        tree.branch_b1,
        "别处登记",
        birth=datetime.date(1960, 1, 1) + datetime.timedelta(days=3000),
        id_number=numbers[3000],
    )
    before = Member.objects.count()
    fetch = importing._fetch_known

    def as_before_the_other_registration(*args):
        known = fetch(*args)
        known.members.clear()
        return known

    monkeypatch.setattr(importing, "_fetch_known", as_before_the_other_registration)
    with pytest.raises(ImportRejected) as exc:
        import_commit(
            content=content,
            filename="名册.csv",
            organization=tree.branch_a1,
            acting_user=personas["worker_a1"],
        )
    assert "写入时发现冲突" in exc.value.plan.errors[-1].message
    assert Member.objects.count() == before


def test_worker_cannot_import_into_another_branch(tree, personas):
    with pytest.raises(ImportFileError, match="不在您的管理范围内"):
        plan(tree, personas["worker_a1"], xlsx(good_rows()), org=tree.branch_b1)


def test_command_dry_run_and_errors(tree, tmp_path, capsys):
    good = tmp_path / "名册.xlsx"
    good.write_bytes(xlsx(good_rows()))
    call_command("import-members", str(good), org="001001001", dry_run=True)
    assert "将新增 2 人" in capsys.readouterr().out and not Member.objects.exists()
    rows = good_rows()
    rows[3][8] = "明年"
    bad = tmp_path / "错误.xlsx"
    bad.write_bytes(xlsx(rows))
    with pytest.raises(CommandError, match="共 1 处错误"):
        call_command("import-members", str(bad), org="001001001")
    assert "第6行\t入党 时间\t明年" in capsys.readouterr().err
    assert not Member.objects.exists()
    call_command("import-members", str(good), org="001001001")
    assert Member.objects.count() == 2


FIXTURES = __import__("pathlib").Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("name", ["roster.ods", "roster.xls"])
def test_ods_and_xls_read_like_xlsx(tree, personas, name):
    # good_rows() saved by LibreOffice as .ods and as Excel 97 .xls (title rows, merged cells).
    content = (FIXTURES / name).read_bytes()
    result = plan(tree, personas["worker_a1"], content, name=name)
    assert result.errors == [] and [p.values["name"] for p in result.creates] == ["张伟", "李娜"]
    zhang = result.creates[0].values
    assert zhang["full_date"] == datetime.date(2009, 7, 6) and zhang["mobile"] == "13800138000"
    assert result.creates[1].values["join_date"] == datetime.date(2016, 9, 1)
