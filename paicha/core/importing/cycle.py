"""The plan/commit cycle every import runs: a declaration says what its file holds and what
a row means; this module reads, checks, reports and writes.

A declaration (`Importer` subclass, in its own app) lists its `columns` (title, the titles
people write instead, the cell reader, whether the file must have it), its row rule
(`check_row`: one row's read values to the thing to write, or the row's errors), its write
(`write`, in bulk) and its permission check (`authorize`, through organizations.scope.authorize).
An instance holds one import's parameters (the organization, the acting user, the date).

- `plan_import` is the dry run: read the file, find the header, read every cell with its
  column's reader, run the row rule, collect every error with its row number and the column's
  title as the file spells it. It writes nothing.
- `import_commit` plans again inside one transaction (the database may have changed since the
  dry run) and writes only when no row was refused — or, where the declaration allows it and
  the user asked, the rows that passed. A declaration that writes big files may open a
  `RowStream` (`open_stream`): each row it `streams` is handed to it as soon as the row passes,
  while no row has been refused, so the database writes while the next rows are checked; the
  rest go to `write` at the end; a refusal found later rolls it all back.
- Both report `progress(stage, done, total)` ("check", "write") every `PROGRESS_EVERY` rows,
  which a background job turns into its heartbeat (`core.importing.jobs`).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from django.db import transaction

from paicha.core.acting import acting_as

from .cells import cell_text, is_blank
from .header import ColumnSpec, Header, find_header
from .readers import CellError
from .reading import ImportFileError, Limits, Table, read_table
from .rows import MAX_LISTED_ERRORS, ImportRejected, RowError

Progress = Callable[[str, int, int], None]
PROGRESS_EVERY = 5000
PREVIEW_ROWS = 2000  # accepted rows listed on a check page


def no_progress(stage: str, done: int, total: int) -> None:
    return None


class RowStream(Protocol):
    """Where a commit hands the rows a declaration `streams`, inside the commit's transaction."""

    def add(self, item: Any) -> None: ...

    def close(self) -> int:
        """Write what is left; the number of rows written."""
        ...

    def abort(self) -> None:
        """Stop without writing more (the transaction is rolled back)."""
        ...


@dataclass(frozen=True)
class Column(ColumnSpec):
    """One column of a declaration: `read` turns a raw cell into its value or raises
    CellError; `required`: the file must have the column (a blank cell is the row rule's
    business)."""

    read: Callable[[Any], Any] = cell_text
    required: bool = False


@dataclass(slots=True)
class Row:
    """One data row while its rule runs: `values` by column key (a cell that could not be read
    is absent), `cell(key)` a raw cell; `refuse` records a problem of the row."""

    number: int  # as the spreadsheet shows it
    values: dict
    raw: list  # the line of the sheet, padded to the header's width
    plan: Plan
    refused: bool = False

    def cell(self, key: str) -> Any:
        """The raw cell of the column `key` ("" when the file has no such column)."""
        index = self.plan.header.columns.get(key)
        return "" if index is None else self.raw[index]

    @property
    def cells(self) -> dict:
        """The raw cells by column key (built when asked: most rows never need them)."""
        return {key: self.raw[index] for key, index in self.plan.header.columns.items()}

    def refuse(self, key: str, message: str, value: Any = None) -> None:
        """A problem of this row, named by the column `key` ("" for the row as a whole); the
        value shown is the raw cell unless `value` is given."""
        if value is None:
            value = self.cell(key)
        self.plan.add_error(
            self.number,
            self.plan.title(key),
            value,
            message,
            label=self.plan.importer.row_label(self),
        )
        self.refused = True


@dataclass
class Plan:
    """What a file would do: the rows that passed (`accepted`: (row number, item); of the rows
    a commit streamed, only the first PREVIEW_ROWS are kept; `accepted_count` counts them all),
    every error, notes and warnings for the user (warnings are shown apart, before
    confirming); after a commit, `result` is what the write returned."""

    importer: Importer
    filename: str
    header: Header | None = None
    rows_read: int = 0
    accepted: list[tuple[int, Any]] = field(default_factory=list)
    accepted_count: int = 0
    # The row number of every accepted row, those a commit streamed past the preview too.
    accepted_rows: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    refused_rows: set[int] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    result: Any = None

    @property
    def rows_with_errors(self) -> int:
        return len(self.refused_rows)

    @property
    def ok(self) -> bool:
        return self.error_count == 0 and self.accepted_count > 0

    def accept(self, number: int, item: Any, *, streamed: bool = False) -> None:
        self.accepted_count += 1
        self.accepted_rows.append(number)
        if not streamed or len(self.accepted) < PREVIEW_ROWS:
            self.accepted.append((number, item))

    def add_error(self, row: int, column: str, value, message: str, *, label: str = "") -> None:
        self.error_count += 1
        if row:
            self.refused_rows.add(row)
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(RowError(row, column, cell_text(value)[:200], message, label))

    def refuse_row(self, number: int, key: str, message: str, value="", *, label: str = "") -> None:
        """A problem found after the row rule ran (a check across rows or against stored
        records): the row is taken out of `accepted` once the checks are done."""
        self.add_error(number, self.title(key), value, message, label=label)

    def title(self, key: str) -> str:
        """The column's title as the file spells it, or as the declaration does."""
        if not key:
            return ""
        if self.header is not None and key in self.header.columns:
            return self.header.titles[self.header.columns[key]]
        return self.importer.column_title(key)

    def messages(self) -> list[str]:
        """Every listed error as a sentence naming its row and column."""
        shown = [str(error) for error in self.errors]
        if self.error_count > len(self.errors):
            shown.append(f"……另有 {self.error_count - len(self.errors)} 处错误未列出")
        return shown

    def preview(self) -> list[str]:
        return [
            f"第{n}行：{self.importer.describe(item)}" for n, item in self.accepted[:PREVIEW_ROWS]
        ]


class Importer:
    """A declaration of one kind of import; subclasses set the class attributes and the rule,
    instances carry one import's parameters."""

    title: ClassVar[str] = ""  # what is imported, for messages: "党费收缴台账"
    columns: ClassVar[tuple[Column, ...]] = ()
    max_rows: ClassVar[int] = 5_000
    # Whether the user may choose to write the rows that passed and leave the refused ones.
    may_skip_refused: ClassVar[bool] = False
    plan_class: ClassVar[type[Plan]] = Plan
    # A file with no row under its header: refused with this message, or, when blank, a plan
    # of no rows (which a commit refuses with `nothing_to_import`).
    no_rows_error: ClassVar[str] = "文件中没有数据行"
    nothing_to_import: ClassVar[str] = "文件中没有可导入的行"

    def authorize(self) -> None:
        """Raise PermissionDenied (organizations.scope.authorize) unless the acting user may
        import into the target."""
        raise NotImplementedError

    def is_data_row(self, header: Header, row: list) -> bool:
        """Whether a line under the header is a row to read (padded to the header's width)."""
        return any(not is_blank(row[i]) for i in header.columns.values())

    def prepare(self, plan: Plan, rows: list[Row]) -> None:
        """Fetch what the row rule needs from the database, once, before the first row."""

    def check_row(self, row: Row) -> Any:
        """The row's item to write, or None after `row.refuse(...)`."""
        raise NotImplementedError

    def check_rows(self, plan: Plan) -> None:
        """Checks across rows or against stored records, after every row: `plan.refuse_row`."""

    def open_stream(self) -> RowStream | None:
        """The stream a commit hands the rows it `streams` to as they pass, or None."""
        return None

    def streams(self, item: Any) -> bool:
        """Whether an accepted item goes to the stream rather than to `write`."""
        return True

    def write(self, items: list[Any], progress: Progress) -> Any:
        """Write the accepted items not streamed (inside the commit's transaction, after the
        stream is closed); returns the result."""
        raise NotImplementedError

    def describe(self, item: Any) -> str:
        """One accepted row as the check page lists it."""
        return str(item)

    def done_message(self, result: Any) -> str:
        """What the job page says once the file is written."""
        return "已导入"

    # A file run as a background job (core.importing.jobs) keeps the import's parameters as
    # JSON in the job row; the job's organization and creator are the target and the user.
    def job_params(self) -> dict:
        raise NotImplementedError

    @classmethod
    def from_job(cls, job) -> Importer:
        raise NotImplementedError

    def row_label(self, row: Row) -> str:
        """Who or what a refused row is about, shown after its number (a name)."""
        return ""

    # ---- helpers

    def column_title(self, key: str) -> str:
        for column in self.columns:
            if column.key == key:
                return column.title.replace(" ", "")
        return key

    def find_header(self, table: Table) -> Header:
        titles = "、".join(c.title for c in self.columns)
        required = [c for c in self.columns if c.required]
        try:
            header = find_header(table.rows, self.columns, min_titles=min(2, len(required) or 1))
        except ImportFileError as exc:
            raise ImportFileError(f"{exc}（列标题应为：{titles}）") from None
        missing = [c.title for c in required if c.key not in header.columns]
        if missing:
            raise ImportFileError(
                f"第{table.number(header.row)}行（表头）缺少列："
                f"{'、'.join(missing)}（列标题应为：{titles}）"
            )
        return header


def _read(importer: Importer, content: bytes, filename: str) -> tuple[Table, Header, list]:
    table = read_table(content, filename, limits=Limits(max_rows=importer.max_rows + 1000))
    header = importer.find_header(table)
    width = max(header.columns.values()) + 1
    body = []
    for offset, row in enumerate(table.rows[header.row + 1 :], start=header.row + 1):
        if len(row) < width:
            row = [*row, *[""] * (width - len(row))]
        if importer.is_data_row(header, row):
            body.append((table.number(offset), row))
    if not body and importer.no_rows_error:
        raise ImportFileError(importer.no_rows_error)
    if len(body) > importer.max_rows:
        raise ImportFileError(f"一次最多导入 {importer.max_rows:,} 行，该文件有 {len(body):,} 行")
    return table, header, body


def read_columns(columns: Iterable[Column], header: Header, data_rows: list[list]):
    """Every cell through its column's reader, a column at a time (`map` in C over a column is
    much faster than a Python loop over the cells of each row).

    Returns the keys, the read values column by column, and {row offset: [(key, title, cell,
    message)]} for the cells that could not be read (their values are None).
    """
    keys, read_values_by_column = [], []
    cell_errors: dict[int, list[tuple]] = {}
    for column in columns:
        if column.key not in header.columns:
            continue
        index = header.columns[column.key]
        cells = [row[index] for row in data_rows]
        try:
            read_values = list(map(column.read, cells))
        except CellError:  # a cell is wrong: read them one by one to find every such cell
            read_values = []
            for offset, cell in enumerate(cells):
                try:
                    read_values.append(column.read(cell))
                except CellError as exc:
                    read_values.append(None)
                    cell_errors.setdefault(offset, []).append(
                        (column.key, header.titles[index], cell, str(exc))
                    )
        keys.append(column.key)
        read_values_by_column.append(read_values)
    return keys, read_values_by_column, cell_errors


@contextmanager
def _collector_paused():
    """A big file's rows are many small objects alive until the plan is done: the cyclic
    garbage collector would walk them again and again for nothing (they form no cycles;
    reference counting frees them), a sixth of the time of checking 100,000 rows."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def plan_import(
    importer: Importer,
    *,
    content: bytes,
    filename: str,
    progress: Progress = no_progress,
    stream: RowStream | None = None,
) -> Plan:
    """Read and check the whole file; by itself it writes nothing (the dry run). A file that
    cannot be read, or lacks a required column, raises ImportFileError.

    `stream` (a commit's): each accepted row the declaration `streams` is handed to it as soon
    as it passes, while no row has been refused."""
    with _collector_paused():
        return _plan(importer, content, filename, progress, stream)


def _plan(
    importer: Importer,
    content: bytes,
    filename: str,
    progress: Progress,
    stream: RowStream | None,
) -> Plan:
    importer.authorize()
    plan = importer.plan_class(importer=importer, filename=filename)
    _, header, body = _read(importer, content, filename)
    plan.header = header
    if header.ignored:
        plan.notes.append(f"以下列不属于{importer.title}，未导入：{'、'.join(header.ignored)}")
    total = len(body)
    progress("check", 0, total)
    keys, read_values, cell_errors = read_columns(
        importer.columns, header, [row for _, row in body]
    )
    rows = []
    for offset, ((number, raw), row_values) in enumerate(zip(body, zip(*read_values))):
        row = Row(number, dict(zip(keys, row_values)), raw, plan)
        for key, _title, cell, message in cell_errors.get(offset, ()):
            del row.values[key]
            row.refuse(key, message, cell)
        rows.append(row)
    plan.rows_read = len(rows)
    importer.prepare(plan, rows)
    for offset, row in enumerate(rows):
        if offset % PROGRESS_EVERY == 0 and offset:
            progress("check", offset, total)
        if row.refused:
            # The rule still runs, so a row lists all its problems; its item is not kept.
            importer.check_row(row)
            continue
        item = importer.check_row(row)
        if not row.refused and item is not None:
            streamed = stream is not None and importer.streams(item)
            if streamed and not plan.error_count:
                stream.add(item)
            plan.accept(row.number, item, streamed=streamed)
    importer.check_rows(plan)
    if plan.refused_rows:
        # Rows refused by the checks across rows: out of the list and out of the count (which
        # also holds the streamed rows the list no longer keeps).
        refused = plan.refused_rows
        plan.accepted = [(n, item) for n, item in plan.accepted if n not in refused]
        plan.accepted_count = sum(1 for n in plan.accepted_rows if n not in refused)
    plan.errors.sort(key=lambda error: error.row)  # cell errors were listed before the rules'
    progress("check", total, total)
    return plan


def import_commit(
    importer: Importer,
    *,
    content: bytes,
    filename: str,
    progress: Progress = no_progress,
    skip_refused: bool = False,
) -> Plan:
    """Check the file again and write it, in one transaction: nothing is written when any row
    is refused (ImportRejected with the plan), unless `skip_refused` and the declaration
    allows it. Returns the plan with `result` set to what the write returned."""
    if skip_refused and not importer.may_skip_refused:
        raise ValueError(f"{importer.title}不能跳过有错误的行")
    with transaction.atomic(), acting_as(getattr(importer, "acting_user", None)):
        stream = None if skip_refused else importer.open_stream()
        try:
            try:
                plan = plan_import(
                    importer, content=content, filename=filename, progress=progress, stream=stream
                )
            except ImportFileError as exc:
                raise ImportRejected([str(exc)]) from None
            if plan.error_count and not skip_refused:
                raise ImportRejected(plan.messages(), plan=plan)
            if not plan.accepted_count:
                plan.add_error(0, "", "", importer.nothing_to_import)
                raise ImportRejected(plan.messages(), plan=plan)
            progress("write", 0, plan.accepted_count)
            streamed = stream.close() if stream is not None else 0
        except BaseException:
            if stream is not None:
                stream.abort()
            raise
        items = [item for _, item in plan.accepted if stream is None or not importer.streams(item)]
        if streamed:
            progress("write", streamed, plan.accepted_count)
        plan.result = importer.write(items, progress)
        progress("write", plan.accepted_count, plan.accepted_count)
    return plan


def check_file(
    importer: Importer, *, content: bytes, filename: str, progress: Progress = no_progress
) -> Plan:
    """The dry run for a page or a command: the plan, or ImportRejected when the file as a
    whole cannot be read."""
    try:
        return plan_import(importer, content=content, filename=filename, progress=progress)
    except ImportFileError as exc:
        raise ImportRejected([str(exc)]) from None
