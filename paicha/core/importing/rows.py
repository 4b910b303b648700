"""Every problem of every row, named by row number and column title."""

from dataclasses import dataclass

from .cells import cell_text

MAX_LISTED_ERRORS = 5000


@dataclass(slots=True)
class RowError:
    row: int  # as the spreadsheet numbers it (0: the file as a whole)
    column: str  # the column's title as the file spells it ("" for the row as a whole)
    value: str
    message: str
    label: str = ""  # who the row is about (a name), shown after its number

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else "文件"
        if self.label:
            where += f"（{self.label}）"
        if self.column:
            where += f"“{self.column}”"
        value = f"（{self.value}）" if self.value and self.value not in self.message else ""
        return f"{where}{value}：{self.message}"


class RowErrors:
    """Collects errors; lists the first MAX_LISTED_ERRORS and counts them all."""

    def __init__(self, limit: int = MAX_LISTED_ERRORS):
        self.errors: list[RowError] = []
        self.count = 0
        self.rows: set[int] = set()
        self._limit = limit

    def add(self, row: int, column: str, value, message: str) -> None:
        self.count += 1
        self.rows.add(row)
        if len(self.errors) < self._limit:
            self.errors.append(RowError(row, column, cell_text(value)[:200], message))

    def __bool__(self) -> bool:
        return self.count > 0

    def __len__(self) -> int:
        return self.count


class ImportRejected(Exception):
    """A file refused as a whole, nothing written: `errors`, each a sentence that names its
    row (or the file); `plan` (core.importing.cycle.Plan) when the file was read."""

    def __init__(self, errors: list[str], *, plan=None):
        super().__init__("；".join(errors[:5]))
        self.errors = errors
        self.plan = plan
