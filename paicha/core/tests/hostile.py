"""Hostile and malformed spreadsheets, built byte by byte (no library would write them)."""

import io
import zipfile

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
    'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="'
    'application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
    'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxml'
    'formats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxml'
    'formats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def sheet_xml(rows: dict[int, list[str]], dimension: str | None = None) -> str:
    """rows: row number -> cells (each from `inline`)."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    body = "".join(f'<row r="{n}">{"".join(cells)}</row>' for n, cells in sorted(rows.items()))
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
        f'.org/spreadsheetml/2006/main">{dim}<sheetData>{body}</sheetData></worksheet>'
    )


def xlsx(sheet: str | bytes, *, stored_sheet_size: int | None = None) -> bytes:
    """A minimal workbook around one sheet's XML. `stored_sheet_size` makes the zip declare
    another uncompressed size for the sheet than it has (a lie zipfile catches)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    data = buffer.getvalue()
    if stored_sheet_size is not None:
        data = _declare_size(data, "xl/worksheets/sheet1.xml", stored_sheet_size)
    return data


def _declare_size(data: bytes, name: str, size: int) -> bytes:
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo(name)
    real = info.file_size.to_bytes(4, "little")
    fake = size.to_bytes(4, "little")
    raw = bytearray(data)
    # the local header (offset 22) and the central directory entry (offset 24) both say it
    local = info.header_offset
    raw[local + 22 : local + 26] = fake
    central = raw.find(b"PK\x01\x02")
    while central != -1:
        name_len = int.from_bytes(raw[central + 28 : central + 30], "little")
        if raw[central + 46 : central + 46 + name_len] == name.encode():
            assert raw[central + 24 : central + 28] == real
            raw[central + 24 : central + 28] = fake
            break
        central = raw.find(b"PK\x01\x02", central + 4)
    return bytes(raw)


def far_cell_xlsx(header: list[str]) -> bytes:
    """A title row and one cell at XFD1048576: a 2^34-cell grid to a naive reader."""
    cells = [inline(f"{chr(65 + i)}1", t) for i, t in enumerate(header)]
    return xlsx(sheet_xml({1: cells, 1048576: [inline("XFD1048576", "x")]}))


def declared_huge_xlsx(header: list[str]) -> bytes:
    cells = [inline(f"{chr(65 + i)}1", t) for i, t in enumerate(header)]
    return xlsx(sheet_xml({1: cells}, dimension="A1:XFD1048576"))


def zip_bomb_xlsx(megabytes: int) -> bytes:
    """A sheet padded with `megabytes` MB of blanks: a few KB compressed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats'
                b'.org/spreadsheetml/2006/main"><sheetData>'
            )
            block = b" " * (1 << 20)
            for _ in range(megabytes):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def lying_zip_xlsx(header: list[str]) -> bytes:
    """The zip declares a 200-byte sheet; it inflates to far more."""
    cells = [inline(f"{chr(65 + i)}1", t) for i, t in enumerate(header)]
    rows = {1: cells} | {n: [inline(f"A{n}", "填充" * 20)] for n in range(2, 3000)}
    return xlsx(sheet_xml(rows), stored_sheet_size=200)


def many_rows_csv(rows: int, header: str) -> bytes:
    return (header + "\n" + "a,b\n" * rows).encode()
