"""A spreadsheet file to rows of cells, refusing hostile files before they cost memory.

python-calamine builds a dense grid from the first to the last cell with a value, so one cell
at XFD1048576 beside A1 asks for 2^34 cells (an abort, not an exception), and a zip bomb
inflates to gigabytes. Before calamine sees a file, `read_table` checks, in this order:

- the size of the upload (settings.IMPORT_MAX_BYTES) and that it is not empty;
- what the bytes are (zip, OLE2, text), whatever the name says: a web page or a PDF renamed
  .xls, an encrypted workbook, an .xlsb are refused with what to do instead;
- for .xlsx/.ods, the uncompressed sizes the zip declares (zipfile then enforces them, and
  their CRC, while the first sheet is streamed once more);
- the first sheet's declared `<dimension>` and, scanning its XML, the last row and any cell
  beyond the allowed columns; for .ods, repeated rows or cells that hold values;
- for .xls, the sheet's DIMENSIONS records;
- for .csv, the number of rows and columns while reading, the length of every field (a 1 MB
  field is an error naming its line), and the encoding (UTF-8, or GB18030 which covers GBK, as
  Excel and WPS save CSV in China).

Only then does calamine read the first sheet, with skip_empty_area (the default): `Table`
keeps the spreadsheet number of its first row, so errors still name rows as Excel shows them.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from dataclasses import dataclass

from .cells import cell_text

SUPPORTED_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message says why and what to do, in Chinese."""


def _default_max_bytes() -> int:
    from django.conf import settings

    return getattr(settings, "IMPORT_MAX_BYTES", 50 * 1024 * 1024)


@dataclass(frozen=True)
class Limits:
    """What one import may hold. Rows and columns count the sheet's grid (titles and blank
    rows included); cells longer than Excel's own limit cannot come from Excel."""

    max_rows: int = 250_000
    max_columns: int = 104  # A … CZ
    max_cell_chars: int = 32_767
    max_bytes: int | None = None  # None: settings.IMPORT_MAX_BYTES
    max_unzipped_bytes: int = 800 * 1024 * 1024

    @property
    def upload_bytes(self) -> int:
        return self.max_bytes if self.max_bytes is not None else _default_max_bytes()


@dataclass
class Table:
    rows: list[list]
    first_row: int = 1  # the spreadsheet's number of rows[0]

    def number(self, index: int) -> int:
        """The spreadsheet's row number of rows[index]."""
        return self.first_row + index


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def check_upload_size(size: int, limits: Limits | None = None) -> None:
    limit = (limits or Limits()).upload_bytes
    if size > limit:
        raise ImportFileError(f"文件有 {_mb(size)}，超过了 {_mb(limit)} 的上限：请分成几个文件导入")


def read_table(
    content: bytes,
    filename: str,
    *,
    limits: Limits | None = None,
    extensions: tuple[str, ...] = SUPPORTED_EXTENSIONS,
    fill_merged_rows: int = 30,
) -> Table:
    """The first sheet's rows (cells as calamine gives them, '' for blank), merged cells in
    the first `fill_merged_rows` rows filled with their value (two-level headers)."""
    limits = limits or Limits()
    name = filename.lower()
    shown_types = "、".join(e for e in extensions if e != ".xlsm")
    if not name.endswith(extensions):
        raise ImportFileError(f"不支持的文件类型“{filename}”：请上传 {shown_types} 文件")
    if not content:
        raise ImportFileError(f"文件“{filename}”是空的（0 字节）")
    check_upload_size(len(content), limits)
    head = content[:8]
    if name.endswith(".csv") and not head.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        return _read_csv(content, filename, limits)
    if head.startswith(_ZIP_MAGIC):
        kind = _check_zip(content, filename, limits)
    elif head.startswith(_OLE_MAGIC):
        kind = "xls"
        _check_ole(content, filename, limits)
    else:
        raise ImportFileError(_not_a_spreadsheet(content, filename))
    if name.endswith(".csv"):
        raise ImportFileError(
            f"文件“{filename}”是 Excel/WPS 表格而不是 CSV：请把扩展名改为 .xlsx 或 .xls"
        )
    return _read_workbook(content, filename, limits, kind, fill_merged_rows)


def _not_a_spreadsheet(content: bytes, filename: str) -> str:
    start = content[:1024].lstrip().lower()
    if start.startswith((b"<!doctype html", b"<html", b"<table")) or b"<html" in start:
        what = "网页（HTML）"
    elif start.startswith(b"%pdf"):
        what = "PDF 文档"
    elif start.startswith((b"\x89png", b"\xff\xd8\xff", b"gif8")):
        what = "图片"
    elif start.startswith(b"<?xml"):
        what = "XML 文档"
    else:
        what = "无法识别的格式"
    return (
        f"无法读取文件“{filename}”：它不是 Excel/WPS 表格（{what}），请用 Excel 或 WPS 打开后"
        f"“另存为” .xlsx 文件再上传"
    )


# ---- .xlsx / .ods: the zip and the first sheet ----------------------------------------------

_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")
_ROW_NUMBER = re.compile(rb"\sr=\"(\d+)\"")
_ROW_DIGITS_OVER = re.compile(rb"r=\"[A-Z]{1,3}\d{7}")  # row ≥ 1,000,000: always too far


def _column_number(letters: bytes | str) -> int:
    n = 0
    for ch in letters.decode() if isinstance(letters, bytes) else letters:
        n = n * 26 + ord(ch) - 64
    return n


def _column_letters(n: int) -> str:
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _columns_over(limit: int) -> list[re.Pattern]:
    """Patterns finding a cell reference beyond column `limit` (cheap to search: no
    alternation, which would slow the scan of a 100 MB sheet several times)."""
    patterns = [re.compile(rb"r=\"[A-Z]{4}")]
    letters = _column_letters(limit)
    if len(letters) == 1:
        patterns.append(re.compile(rb"r=\"[A-Z]{2}\d"))
        if letters != "Z":
            patterns.append(re.compile(rb"r=\"[%s-Z]\d" % chr(ord(letters) + 1).encode()))
    elif len(letters) == 2:
        patterns.append(re.compile(rb"r=\"[A-Z]{3}\d"))
        first, second = letters
        if first != "Z":
            patterns.append(re.compile(rb"r=\"[%s-Z][A-Z]\d" % chr(ord(first) + 1).encode()))
        if second != "Z":
            patterns.append(
                re.compile(rb"r=\"%s[%s-Z]\d" % (first.encode(), chr(ord(second) + 1).encode()))
            )
    else:
        raise ValueError("column limit beyond ZZ")
    return patterns


def _too_big(filename: str, what: str, limits: Limits) -> ImportFileError:
    return ImportFileError(
        f"文件“{filename}”的{what}，超出了可导入的范围（最多 {limits.max_rows:,} 行、"
        f"{limits.max_columns} 列，即 A–{_column_letters(limits.max_columns)} 列）："
        f"请删除表格右边和下边多余的单元格（或把数据复制到一个新工作表）后再上传"
    )


def _check_zip(content: bytes, filename: str, limits: Limits) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise ImportFileError(
            f"无法读取文件“{filename}”：文件已损坏或不完整，请重新保存后上传"
        ) from None
    total = sum(i.file_size for i in infos)
    if total > limits.max_unzipped_bytes or len(infos) > 10_000:
        raise ImportFileError(
            f"文件“{filename}”解压后有 {_mb(total)}，超过了 {_mb(limits.max_unzipped_bytes)} 的上限"
            f"（文件可能被恶意构造）：请分成几个文件导入"
        )
    if any(i.flag_bits & 0x1 for i in infos):
        raise ImportFileError(f"文件“{filename}”设置了密码：请取消密码后再上传")
    names = {i.filename for i in infos}
    try:
        if "xl/workbook.xml" in names:
            sheet = _check_xlsx_sheet(archive, names, filename, limits, content)
            _check_declared_sizes(
                archive,
                content,
                filename,
                skip=lambda n: n.startswith("xl/worksheets/") and n != sheet,
            )
            return "xlsx"
        if "content.xml" in names:
            _check_ods(archive, filename, limits, content)
            _check_declared_sizes(archive, content, filename, skip=lambda n: n == "content.xml")
            return "ods"
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        ValueError,
        KeyError,
        zlib.error,
    ) as exc:
        if isinstance(exc, ImportFileError):
            raise
        raise ImportFileError(f"无法读取文件“{filename}”：文件已损坏（{exc}）") from None
    if "xl/workbook.bin" in names:
        raise ImportFileError(
            f"文件“{filename}”是 Excel 二进制工作簿（.xlsb）：请另存为 .xlsx 后上传"
        )
    if "word/document.xml" in names:
        raise ImportFileError(f"文件“{filename}”是 Word 文档，不是表格：请上传 Excel/WPS 表格")
    raise ImportFileError(_not_a_spreadsheet(b"", filename))


def _inflate(content: bytes, info: zipfile.ZipInfo, filename: str, chunk: int = 4 << 20):
    """The member's bytes, a chunk at a time, refusing it as soon as it inflates beyond the
    size the zip declares (calamine would believe the data, not the declaration)."""
    offset = info.header_offset
    if content[offset : offset + 4] != b"PK\x03\x04":
        raise ValueError("bad local header")
    start = (
        offset
        + 30
        + int.from_bytes(content[offset + 26 : offset + 28], "little")
        + int.from_bytes(content[offset + 28 : offset + 30], "little")
    )
    raw = memoryview(content)[start : start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        data = raw
        for at in range(0, len(data), chunk):
            yield bytes(data[at : at + chunk])
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise ImportFileError(
            f"文件“{filename}”使用了不支持的压缩方式：请用 Excel 或 WPS 重新保存后上传"
        )
    inflater = zlib.decompressobj(-15)
    produced, position = 0, 0
    pending = b""
    while True:
        if not pending:
            if position >= len(raw):
                break
            pending = bytes(raw[position : position + chunk])
            position += chunk
        out = inflater.decompress(pending, chunk)
        pending = inflater.unconsumed_tail
        produced += len(out)
        if produced > info.file_size:
            raise ImportFileError(
                f"文件“{filename}”中的“{info.filename}”解压后"
                f"比文件声明的大小（{info.file_size:,} 字节）"
                f"更大：文件已损坏或被恶意构造，请用 Excel 或 WPS 重新保存后上传"
            )
        if out:
            yield out
        if inflater.eof:
            break


def _small(archive: zipfile.ZipFile, name: str) -> bytes:
    if archive.getinfo(name).file_size > 20 * 1024 * 1024:
        raise ValueError(f"{name} 过大")
    return archive.read(name)


def _first_sheet_path(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    workbook = _small(archive, "xl/workbook.xml")
    sheet = re.search(rb"<(?:\w+:)?sheet\s[^>]*?r:id=\"([^\"]+)\"", workbook)
    rels_name = "xl/_rels/workbook.xml.rels"
    if sheet is None or rels_name not in names:
        return None
    rels = _small(archive, rels_name)
    for rel in re.finditer(rb"<(?:\w+:)?Relationship\s[^>]*>", rels):
        tag = rel.group(0)
        rid = re.search(rb"\sId=\"([^\"]+)\"", tag)
        target = re.search(rb"\sTarget=\"([^\"]+)\"", tag)
        if rid and target and rid.group(1) == sheet.group(1):
            path = target.group(1).decode()
            path = path.lstrip("/") if path.startswith("/") else "xl/" + path
            return path if path in names else None
    return None


def _check_declared_sizes(archive, content, filename, *, skip) -> None:
    """Every part calamine reads inflates to no more than the zip says."""
    for info in archive.infolist():
        if not info.is_dir() and not skip(info.filename):
            for _ in _inflate(content, info, filename):
                pass


def _check_xlsx_sheet(archive, names, filename, limits, content) -> str | None:
    path = _first_sheet_path(archive, names)
    if path is None:
        return None  # calamine finds no sheet either and says so
    max_row, rows_seen, column_patterns = 0, 0, _columns_over(limits.max_columns)
    tail = b""
    first = True
    for chunk in _inflate(content, archive.getinfo(path), filename):
        data = tail + chunk
        if first:
            first = False
            if (dim := _DIMENSION.search(data[:4096])) is not None:
                last_col, last_row = dim.group(3) or dim.group(1), dim.group(4) or dim.group(2)
                if int(last_row) > limits.max_rows or _column_number(last_col) > limits.max_columns:
                    ref = f"{last_col.decode()}{int(last_row)}"
                    raise _too_big(filename, f"工作表声明的范围到单元格 {ref}", limits)
        for pattern in column_patterns:
            if (found := pattern.search(data)) is not None:
                ref = (
                    re.match(
                        rb"r=\"([A-Z]+\d*)", found.group(0) + data[found.end() : found.end() + 8]
                    )
                    .group(1)
                    .decode()
                )
                raise _too_big(filename, f"单元格 {ref} 超出了列数上限", limits)
        if (found := _ROW_DIGITS_OVER.search(data)) is not None:
            raise _too_big(filename, "有单元格超过了第 1,000,000 行", limits)
        # Rows come in order: the last one of the chunk is the furthest so far. Rows
        # without an r attribute follow each other, so their count bounds them too.
        rows_seen += data.count(b"<row") - tail.count(b"<row")
        pos = data.rfind(b"<row ")
        if pos != -1 and (row := _ROW_NUMBER.search(data, pos, data.find(b">", pos))):
            max_row = max(max_row, int(row.group(1)))
        if max(max_row, rows_seen) > limits.max_rows:
            raise _too_big(filename, f"有第 {max(max_row, rows_seen):,} 行", limits)
        tail = data[-64:]
    return path


_ODS_REPEAT = re.compile(rb"number-(rows|columns)-repeated=\"(\d+)\"")


def _check_ods(archive, filename, limits, content) -> None:
    """Repeated rows or cells are how .ods writes blank space; repeated with a value in them
    they would be materialized one by one."""
    threshold = 1000
    tail = b""
    for chunk in _inflate(content, archive.getinfo("content.xml"), filename):
        data = tail + chunk
        for found in _ODS_REPEAT.finditer(data):
            if int(found.group(2)) < threshold:
                continue
            end_tag = b"</table:table-row>" if found.group(1) == b"rows" else b"</table:table-cell>"
            start = data.rfind(b"<", 0, found.start())
            element = data[start : data.find(b">", found.end()) + 1]
            if element.endswith(b"/>"):
                continue  # an empty cell (or row) repeated
            body_end = data.find(end_tag, found.end())
            body = data[found.end() : body_end if body_end != -1 else found.end() + 65536]
            if b"value-type" in element or b"value-type" in body or b"<text:" in body:
                what = "行" if found.group(1) == b"rows" else "列"
                raise _too_big(filename, f"有内容的{what}重复了 {int(found.group(2)):,} 次", limits)
        tail = data[-200_000:] if len(data) > 200_000 else b""


# ---- .xls -----------------------------------------------------------------------------------

_XLS_DIMENSIONS = re.compile(rb"\x00\x02\x0e\x00(.{4})(.{4})(.{2})(.{2})", re.DOTALL)
_ENCRYPTED_OOXML = "EncryptedPackage".encode("utf-16-le")


def _check_ole(content: bytes, filename: str, limits: Limits) -> None:
    if _ENCRYPTED_OOXML in content:
        raise ImportFileError(f"文件“{filename}”设置了打开密码：请取消密码后再上传")
    if b"W\x00o\x00r\x00d\x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t" in content:
        raise ImportFileError(f"文件“{filename}”是 Word 文档，不是表格：请上传 Excel/WPS 表格")
    for found in _XLS_DIMENSIONS.finditer(content):
        first_row, last_row, first_col, last_col = (
            int.from_bytes(found.group(i), "little") for i in (1, 2, 3, 4)
        )
        if first_row > last_row or first_col > last_col or last_row > 1 << 20:
            continue  # bytes that only look like the record
        if last_row > limits.max_rows or last_col > limits.max_columns:
            raise _too_big(
                filename, f"工作表声明的范围到第 {last_row:,} 行、第 {last_col} 列", limits
            )


# ---- Reading with calamine ------------------------------------------------------------------


def _read_workbook(content, filename, limits, kind, fill_merged_rows) -> Table:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        if not workbook.sheet_names:
            raise ImportFileError(f"文件“{filename}”中没有工作表")
        sheet = workbook.get_sheet_by_index(0)
        start = sheet.start or (0, 0)
        end = sheet.end or (0, 0)
        if end[0] + 1 > limits.max_rows or end[1] + 1 > limits.max_columns:
            raise _too_big(
                filename, f"第一个工作表到第 {end[0] + 1:,} 行、第 {end[1] + 1} 列", limits
            )
        rows = sheet.to_python()
        merged = sheet.merged_cell_ranges or []
    except ImportFileError:
        raise
    except (CalamineError, ValueError, OSError, IndexError, TypeError) as exc:
        raise ImportFileError(
            f"无法读取文件“{filename}”：文件已损坏或不是表格文件（{exc}）"
        ) from None
    except BaseException as exc:  # calamine raises its own exception types per format
        if type(exc).__module__.startswith("python_calamine"):
            raise ImportFileError(
                f"无法读取文件“{filename}”：文件已损坏或不是表格文件（{exc}）"
            ) from None
        raise
    table = Table(rows=rows, first_row=start[0] + 1)
    _fill_merged(table, merged, start, fill_merged_rows)
    _check_cells(table, filename, limits)
    return table


def _fill_merged(table: Table, merged, start, max_row: int) -> None:
    rows = table.rows
    for (r0, c0), (r1, c1) in merged:
        r0, r1, c0, c1 = r0 - start[0], r1 - start[0], c0 - start[1], c1 - start[1]
        if r0 < 0 or c0 < 0 or r0 >= len(rows) or r0 > max_row:
            continue  # merged data cells are left as they are: only headers are filled
        value = rows[r0][c0] if c0 < len(rows[r0]) else ""
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                row[c] = value


def _check_cells(table: Table, filename: str, limits: Limits) -> None:
    longest = limits.max_cell_chars
    for index, row in enumerate(table.rows):
        for column, cell in enumerate(row):
            if type(cell) is str and len(cell) > longest:
                raise ImportFileError(
                    f"文件“{filename}”第{table.number(index)}行第{column + 1}列的内容有 "
                    f"{len(cell):,} 个字符，超过了 {longest:,} 个字符的上限"
                )


# ---- .csv -----------------------------------------------------------------------------------


def _decode(content: bytes, filename: str) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(f"无法识别 CSV 文件“{filename}”的编码：请另存为“CSV UTF-8”或 .xlsx 文件")


def _read_csv(content: bytes, filename: str, limits: Limits) -> Table:
    text = _decode(content, filename)
    if "\x00" in text:
        raise ImportFileError(
            f"文件“{filename}”含有空字符，不是文本格式的 CSV：请另存为 .xlsx 后上传"
        )
    delimiter = "\t" if "\t" in text[:4096] and "," not in text[:4096] else ","
    rows: list[list] = []
    previous = csv.field_size_limit(limits.max_cell_chars)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for row in reader:
            if len(row) > limits.max_columns:
                raise _too_big(filename, f"第{reader.line_num}行有 {len(row):,} 列", limits)
            rows.append(row)
            if len(rows) > limits.max_rows:
                raise _too_big(filename, f"有超过 {limits.max_rows:,} 行", limits)
    except csv.Error as exc:
        line = reader.line_num
        if "field larger than field limit" in str(exc):
            raise ImportFileError(
                f"文件“{filename}”第{line}行附近有一个单元格超过了 {limits.max_cell_chars:,} 个字符"
                f"（可能缺少配对的引号）"
            ) from None
        raise ImportFileError(f"文件“{filename}”第{line}行不是有效的 CSV（{exc}）") from None
    finally:
        csv.field_size_limit(previous)
    return Table(rows=rows, first_row=1)


def describe_value(value) -> str:
    return cell_text(value)[:50]


def read_upload(
    file,
    *,
    limits: Limits | None = None,
    default_name: str = "上传的表格.xlsx",
    extensions: tuple[str, ...] = SUPPORTED_EXTENSIONS,
) -> Table:
    """An uploaded file (Django's UploadedFile, or any file object) read by `read_table`; its
    size is checked before a byte is read."""
    size = getattr(file, "size", None)
    if size is not None:
        check_upload_size(size, limits)
    content = file.read((limits or Limits()).upload_bytes + 1)
    return read_table(
        content, getattr(file, "name", "") or default_name, limits=limits, extensions=extensions
    )


def upload_content(
    file, *, limits: Limits | None = None, default_name: str = "上传的表格.xlsx"
) -> tuple[bytes, str]:
    """(bytes, name) of an uploaded file, its size checked before a byte is read (a file too
    big raises ImportRejected, like any file refused whole)."""
    from .rows import ImportRejected

    try:
        size = getattr(file, "size", None)
        if size is not None:
            check_upload_size(size, limits)
        content = file.read((limits or Limits()).upload_bytes + 1)
        check_upload_size(len(content), limits)
    except ImportFileError as exc:
        raise ImportRejected([str(exc)]) from None
    return content, getattr(file, "name", "") or default_name
