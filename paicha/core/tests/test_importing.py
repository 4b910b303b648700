"""core.importing: hostile and malformed files are refused before they cost memory, with a
message that names the file and says what to do; good files read with their row numbers."""

import io
import tracemalloc

import openpyxl
import pytest

from paicha.core.importing import ImportFileError, Limits, find_header, read_table
from paicha.core.importing.header import ColumnSpec
from paicha.core.tests import hostile

HEADER = ["姓名", "身份证号码", "入党时间"]


def refused(content: bytes, name: str = "名册.xlsx", limits: Limits | None = None) -> str:
    tracemalloc.start()
    try:
        with pytest.raises(ImportFileError) as exc:
            read_table(content, name, limits=limits)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20, f"peak {peak / 2**20:.0f} MiB"
    return str(exc.value)


def test_one_cell_at_the_last_column_and_row_is_refused_by_its_reference():
    content = hostile.far_cell_xlsx(HEADER)
    assert len(content) < 2000
    message = refused(content)
    assert "XFD1048576" in message and "名册.xlsx" in message and "最多 250,000 行" in message


def test_a_declared_dimension_beyond_the_limits_is_refused():
    assert "声明的范围到单元格 XFD1048576" in refused(hostile.declared_huge_xlsx(HEADER))


def test_a_zip_bomb_is_refused_by_its_declared_size():
    content = hostile.zip_bomb_xlsx(900)
    assert len(content) < 1_000_000
    assert "解压后有 900 MB，超过了 800 MB 的上限" in refused(content)


def test_a_zip_that_understates_a_part_is_refused_when_it_inflates_beyond():
    assert "比文件声明的大小（200 字节）更大" in refused(hostile.lying_zip_xlsx(HEADER))


def test_rows_beyond_the_limit_are_refused_before_reading():
    rows = {n: [hostile.inline(f"A{n}", "x")] for n in range(1, 60)}
    message = refused(hostile.xlsx(hostile.sheet_xml(rows)), limits=Limits(max_rows=50))
    assert "有第 59 行" in message and "最多 50 行" in message


def test_a_cell_beyond_the_allowed_columns_is_refused():
    rows = {1: [hostile.inline("A1", "姓名"), hostile.inline("DA1", "x")]}
    assert "单元格 DA1 超出了列数上限" in refused(hostile.xlsx(hostile.sheet_xml(rows)))


def test_the_last_allowed_column_is_read():
    rows = {1: [hostile.inline("A1", "姓名"), hostile.inline("CZ1", "x")]}
    table = read_table(hostile.xlsx(hostile.sheet_xml(rows)), "a.xlsx")
    assert table.rows[0][0] == "姓名" and table.rows[0][103] == "x"


def test_a_csv_field_of_a_megabyte_names_its_line():
    content = b'name,id\nok,1\n"' + b"x" * 1_200_000 + b'",2\n'
    assert "第3行附近有一个单元格超过了 32,767 个字符" in refused(content, "名册.csv")


def test_a_csv_with_too_many_columns_or_rows_is_refused():
    assert "第1行有 500 列" in refused(b"," * 499 + b"\n", "a.csv")
    assert "有超过 10 行" in refused(b"a,b\n" * 20, "a.csv", Limits(max_rows=10))


def test_gbk_csv_as_excel_writes_it_in_china_reads():
    table = read_table("姓名,身份证号码\n张三,1\n".encode("gbk"), "名册.csv")
    assert table.rows == [["姓名", "身份证号码"], ["张三", "1"]]


def test_non_spreadsheets_renamed_xlsx_say_what_they_are():
    assert "PDF 文档" in refused(b"%PDF-1.7\n%...", "名册.xlsx")
    assert "网页（HTML）" in refused(b"<html><body><table></table></body></html>", "名册.xls")
    assert "图片" in refused(b"\x89PNG\r\n\x1a\n....", "名册.xlsx")
    assert "无法识别的格式" in refused(b"just some words", "名册.xlsx")
    assert "已损坏或不完整" in refused(b"PK\x03\x04" + b"\x00" * 40, "名册.xlsx")


def test_an_excel_file_named_csv_is_told_to_rename():
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    assert "请把扩展名改为 .xlsx" in refused(buffer.getvalue(), "名册.csv")


def test_empty_and_oversize_files_are_refused():
    assert "是空的（0 字节）" in refused(b"", "名册.xlsx")
    assert "超过了 1 MB 的上限" in refused(b"a," * 600_000, "名册.csv", Limits(max_bytes=2**20))


def test_rows_keep_their_spreadsheet_numbers_after_leading_blank_rows():
    rows = {
        4: [hostile.inline("B4", "姓名"), hostile.inline("C4", "身份证号码")],
        5: [hostile.inline("B5", "张三"), hostile.inline("C5", "1")],
    }
    table = read_table(hostile.xlsx(hostile.sheet_xml(rows)), "a.xlsx")
    header = find_header(table.rows, [ColumnSpec("name", "姓名"), ColumnSpec("id", "身份证号码")])
    assert table.number(header.row) == 4 and table.number(header.row + 1) == 5
    assert header.columns == {"name": 0, "id": 1}


def test_read_titled_gives_rows_by_title_and_refuses_a_file_whole():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from paicha.core.importing import ImportRejected, read_titled

    book = openpyxl.Workbook()
    book.active.append(["党费台账"])
    book.active.append(["姓名", "金额（元）"])
    book.active.append(["张三", 2])
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("台账.xlsx", out.getvalue())
    assert read_titled(upload, ("姓名", "金额（元）"), required=("姓名",), max_rows=10) == [
        (3, {"姓名": "张三", "金额（元）": 2})
    ]
    with pytest.raises(ImportRejected) as exc:
        read_titled(
            SimpleUploadedFile("台账.xlsx", b"not a spreadsheet"),
            ("姓名",),
            required=("姓名",),
            max_rows=10,
        )
    assert len(exc.value.errors) == 1 and "台账.xlsx" in exc.value.errors[0]


def test_the_roster_refusal_is_an_import_refusal_with_its_errors_as_sentences():
    from paicha.core.importing import ImportRejected, RowError
    from paicha.members.importing import ImportPlan
    from paicha.members.importing import ImportRejected as RosterRejected

    plan = ImportPlan(
        importer=None,
        filename="名册.xlsx",
        error_count=1,
        errors=[RowError(7, "入党时间", "2030.1", "不能晚于今天")],
    )
    refusal = RosterRejected(plan)
    assert isinstance(refusal, ImportRejected)
    assert refusal.errors == ["第7行“入党时间”（2030.1）：不能晚于今天"]
