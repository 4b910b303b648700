"""Finding the title row of a sheet and mapping its columns, in any order and spelling."""

from dataclasses import dataclass

from .cells import cell_text, is_blank, title_key
from .reading import ImportFileError, Limits, read_upload
from .rows import ImportRejected

HEADER_SEARCH_ROWS = 30


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    title: str  # as the template prints it
    aliases: tuple[str, ...] = ()


@dataclass
class Header:
    row: int  # index (in the table's rows) of the last header row
    columns: dict[str, int]  # key -> column index
    titles: dict[int, str]  # column index -> title as in the file
    ignored: list[str]  # titles of columns no spec knows

    def title(self, key: str, default: str = "") -> str:
        index = self.columns.get(key)
        return self.titles[index] if index is not None else default


def _lookup(specs) -> dict[str, ColumnSpec]:
    return {title_key(t): spec for spec in specs for t in (spec.title, *spec.aliases)}


def find_header(
    rows: list[list],
    specs,
    *,
    required=(),
    min_titles: int = 2,
    search_rows: int = HEADER_SEARCH_ROWS,
) -> Header:
    """The row (within the first `search_rows`) holding the most known titles; a two-level
    header (group titles merged over sub-titles) is read as one. Raises ImportFileError when
    no row holds `min_titles` titles or a `required` key has no column."""
    from .reading import ImportFileError

    by_title = _lookup(specs)

    def known(cell) -> bool:
        return isinstance(cell, str) and title_key(cell) in by_title

    best, best_score = None, 0
    for index, row in enumerate(rows[:search_rows]):
        score = sum(1 for cell in row if known(cell))
        if score > best_score:
            best, best_score = index, score
    if best is None or best_score < min_titles:
        examples = "”“".join(s.title.replace(" ", "") for s in specs[:2])
        raise ImportFileError(f"没有找到表头行：前{search_rows}行中应有“{examples}”等列标题")

    def has_titles(index):
        return 0 <= index < len(rows) and any(known(c) for c in rows[index])

    if has_titles(best - 1):
        header_rows = [best - 1, best]
    elif has_titles(best + 1):
        header_rows = [best, best + 1]
    else:
        header_rows = [best]
    columns, titles, ignored = {}, {}, []
    width = max(len(rows[r]) for r in header_rows)
    for i in range(width):
        title = ""
        for r in reversed(header_rows):
            cell = rows[r][i] if i < len(rows[r]) else ""
            if known(cell):
                title = cell
                break
        if not title:
            shown = next(
                (
                    cell_text(rows[r][i])
                    for r in header_rows
                    if i < len(rows[r]) and not is_blank(rows[r][i])
                ),
                "",
            )
            if shown:
                ignored.append(shown)
            continue
        spec = by_title[title_key(title)]
        if spec.key in columns:
            continue  # the same field twice (e.g. a merged title): the first one counts
        columns[spec.key] = i
        titles[i] = " ".join(title.split())
    missing = [
        s.title.replace(" ", "") for s in specs if s.key in required and s.key not in columns
    ]
    if missing:
        raise ImportFileError(f"表头中缺少必需的列：{'、'.join(missing)}")
    return Header(row=header_rows[-1], columns=columns, titles=titles, ignored=ignored)


def titled_rows(
    table, titles: tuple[str, ...], *, required: tuple[str, ...] = (), max_rows: int
) -> list[tuple[int, dict]]:
    """The rows under the header of a sheet whose columns are known by their titles: a list
    of (row number as the spreadsheet shows it, {title: raw cell}), blank rows left out."""
    from .reading import ImportFileError

    specs = [ColumnSpec(t, t) for t in titles]
    header = find_header(table.rows, specs, min_titles=min(2, len(required) or 1))
    missing = [t for t in required if t not in header.columns]
    if missing:
        raise ImportFileError(
            f"第{table.number(header.row)}行（表头）缺少列：{'、'.join(missing)}"
            f"（列标题应为：{'、'.join(titles)}）"
        )
    index = header.columns
    body = []
    for offset, row in enumerate(table.rows[header.row + 1 :], start=header.row + 1):
        cells = {t: (row[i] if i < len(row) else None) for t, i in index.items()}
        if any(not is_blank(v) for v in cells.values()):
            body.append((table.number(offset), cells))
    if not body:
        raise ImportFileError("文件中没有数据行")
    if len(body) > max_rows:
        raise ImportFileError(f"一次最多导入 {max_rows:,} 行，该文件有 {len(body):,} 行")
    return body


def read_titled(file, columns, *, required, max_rows: int) -> list[tuple[int, dict]]:
    """[(row number as the spreadsheet shows it, {title: raw cell})] of an uploaded sheet's
    rows under its title row, at most `max_rows`; a file that cannot be read, or lacks a
    required column, is refused whole (`ImportRejected` with the reason)."""
    try:
        return titled_rows(
            read_upload(file, limits=Limits(max_rows=max_rows + 1000)),
            columns,
            required=required,
            max_rows=max_rows,
        )
    except ImportFileError as exc:
        raise ImportRejected([str(exc)]) from None
