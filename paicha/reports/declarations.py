"""How an official form (报表) is declared: once, with the seed's exact titles.

A declaration lists its columns (grouped headers included), the header and footer fields the
seed prints, its 填表说明, and how rows are computed from the records for an organization
subtree and a fill date. The renderers in `renderers/` turn any declaration into HTML, a
print page, .xlsx, .docx and JSON; nothing about a particular form lives there.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, ClassVar

from paicha.codes import CircledChoices

# Declarations register in core's catalogue, where every app (campaigns too) finds them.
from paicha.core.catalogue import all_forms, get_form, register  # noqa: F401
from paicha.core.privacy import mask_identity, mask_text


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    # Grouped headers above this column, outermost first (merged across neighbours).
    groups: tuple[str, ...] = ()
    # text | int | code (printed ①–⑨) | date (2016年9月20日) | month (2016年9月) | seq (序号)
    kind: str = "text"
    code: type[CircledChoices] | None = None
    width: float = 10
    # The seed's column letter (附件5 prints A…X under the titles).
    letter: str = ""
    # 身份证号码 and phones: masked for roles that may not see them (SPEC §10).
    sensitive: bool = False

    def display(self, value: Any) -> Any:
        """The value as the seed prints it (numbers stay numbers)."""
        from paicha.core.dates import format_cn_date, format_cn_month

        if value is None:
            return ""
        if self.kind == "code" and self.code is not None:
            return self.code.circled(value)
        if self.kind == "date" and isinstance(value, datetime.date):
            return format_cn_date(value)
        if self.kind == "month" and isinstance(value, datetime.date):
            return format_cn_month(value)
        return value


@dataclass(frozen=True)
class HeaderCell:
    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1


def header_grid(columns: list[Column]) -> tuple[list[HeaderCell], int]:
    """Merged header cells for `columns` and the number of header rows.

    A column's title sits under its groups and reaches down to the last header row; equal
    group prefixes of adjacent columns merge into one cell.
    """
    depth = max(len(c.groups) for c in columns) + 1
    cells: list[HeaderCell] = []
    for level in range(depth):
        col = 0
        while col < len(columns):
            column = columns[col]
            if level < len(column.groups):
                prefix = column.groups[: level + 1]
                end = col + 1
                while end < len(columns) and columns[end].groups[: level + 1] == prefix:
                    end += 1
                cells.append(HeaderCell(level, col, prefix[-1], colspan=end - col))
                col = end
                continue
            if level == len(column.groups):
                cells.append(HeaderCell(level, col, column.title, rowspan=depth - level))
            col += 1
    return cells, depth


@dataclass
class Check:
    """One rule of the form (e.g. A = B+O+X) checked on one row."""

    rule: str
    where: str
    ok: bool
    detail: str = ""


@dataclass(frozen=True)
class Period:
    """The reporting period [start, end] of a form counted over a period (附件5), and where its
    start came from, said on the page."""

    start: datetime.date
    end: datetime.date
    source: str

    def as_json(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "source": self.source}


PICKED = "由填表人选定"
# The two conventions of SPEC §4 (民法典 第一千二百五十九条: 以上 includes the number, 超过
# excludes it).
INCLUSIVE = (
    "失联按“6个月以上”统计，含本数：最近一次联系满6个月的当天起计入"
    "（最近一次2016年3月20日，2016年9月20日起计入），恰满6个月的党员计入。"
)
EXCLUSIVE = (
    "A按“超过六个月”统计，不含本数：最近一次联系满6个月的次日起计入"
    "（最近一次2016年3月20日，2016年9月21日起计入），恰满6个月的党员不计入；"
    "失联党员名单中标“恰满6个月”的即两者之差。"
)


def check_period_start(start: datetime.date, as_of: datetime.date) -> None:
    """S ≤ D, or a ValueError saying so in the words of the form."""
    from paicha.core.dates import format_cn_date

    if start > as_of:
        raise ValueError(
            f"统计起始日期{format_cn_date(start)}晚于填表日期"
            f"{format_cn_date(as_of)}：统计起始日期不能晚于填表日期"
        )


@dataclass
class FormResult:
    form: FormDeclaration
    org: Any
    as_of: datetime.date
    rows: list[dict]
    checks: list[Check] = field(default_factory=list)
    header: dict[str, str] = field(default_factory=dict)
    footer: dict[str, str] = field(default_factory=dict)
    # Figures printed outside the table (附件3's 补充资料), as numbers for machines.
    figures: dict[str, int] = field(default_factory=dict)
    mask: bool = False
    # Forms counted over a period (附件5): S, D and where S came from.
    period: Period | None = None

    @property
    def title(self) -> str:
        return self.form.title_for(self.as_of)

    @property
    def failed_checks(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    def value(self, column: Column, row: dict) -> Any:
        value = column.display(row.get(column.key))
        if self.mask and column.sensitive and value:
            return mask_identity(str(value))
        if self.mask and isinstance(value, str):
            return mask_text(value)
        return value

    def display_rows(self) -> list[list[Any]]:
        return list(self.iter_display_rows())

    def iter_display_rows(self):
        """The rows as printed, one list of cell values at a time (what the renderers stream)."""
        from paicha.core.jobs import report_progress

        readers = [self._reader(c) for c in self.form.columns]
        total = len(self.rows)
        for done, row in enumerate(self.rows):
            if not done % 2000:
                report_progress("写入行", done, total)
            yield [read(row) for read in readers]

    def _reader(self, column: Column):
        """row → `self.value(column, row)`, with what depends only on the column decided once
        (a 100,000-row form asks it of every cell)."""
        from paicha.core.dates import format_cn_date, format_cn_month

        key = column.key
        if self.mask or (column.kind == "code" and column.code is not None):
            return lambda row: self.value(column, row)
        if column.kind in ("date", "month"):
            formatted = format_cn_date if column.kind == "date" else format_cn_month

            def dated(row):
                value = row.get(key)
                if value is None:
                    return ""
                return formatted(value) if isinstance(value, datetime.date) else value

            return dated
        # Text, numbers and 序号 print as they are, None as empty.
        return lambda row: "" if (value := row.get(key)) is None else value

    def as_json(self) -> dict:
        return {
            "title": self.title,
            "header": self.header,
            "columns": [
                {
                    "key": c.key,
                    "title": c.title,
                    "groups": list(c.groups),
                    **({"letter": c.letter} if c.letter else {}),
                }
                for c in self.form.columns
            ],
            "rows": [
                {c.key: _json_value(self.value(c, row)) for c in self.form.columns}
                for row in self.rows
            ],
            # The fields printed below the table (附件3's 补充资料 among them).
            "footer": self.footer,
            "figures": self.figures,
            "checks": [
                {"rule": c.rule, "where": c.where, "ok": c.ok, "detail": c.detail}
                for c in self.checks
            ],
            **({"period": self.period.as_json()} if self.period else {}),
            **({"convention": self.form.convention} if self.form.convention else {}),
        }


def _json_value(value):
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return str(value)


class FormDeclaration:
    """Subclass per official form; register with `@register`."""

    slug: ClassVar[str]
    title: ClassVar[str]
    seed: ClassVar[str] = ""
    # Said after the title in the catalogue when two views print the same sheet.
    view_label: ClassVar[str] = ""
    landscape: ClassVar[bool] = True
    # Fields the seed prints above the table, and below it.
    header_fields: ClassVar[tuple[str, ...]] = ("填报单位（盖章）", "填表日期")
    footer_fields: ClassVar[tuple[str, ...]] = ("填表人", "联系电话")
    notes_title: ClassVar[str] = ""
    notes: ClassVar[str] = ""
    columns: ClassVar[list[Column]]
    # Blank rows the printed form shows when there are fewer records (seed tables have 8–14).
    min_rows: ClassVar[int] = 0
    # Where two documents print this form with different 填表说明: {document key: (title,
    # notes)}. The seed's own (`seed`) is `notes_title`/`notes`; a campaign or the user picks
    # another with `build(notes_from=…)`.
    notes_variants: ClassVar[dict[str, tuple[str, str]]] = {}
    # Counted over a reporting period [S, D] (附件5): `rows` then takes `start`, which the
    # user may pick; `default_period_start` says what it is otherwise.
    has_period: ClassVar[bool] = False
    # How the form counts 失联 (SPEC §4: 以上 includes the number, 超过 excludes it), said on
    # its page and in its JSON.
    convention: ClassVar[str] = ""

    @property
    def sources(self):
        from .sources import sources_of

        return sources_of(self.slug)

    @property
    def source_label(self) -> str:
        from .sources import label_of

        return label_of(self.slug)

    def notes_choices(self) -> list[tuple[str, str]]:
        """[(document key, label)] of the 填表说明 this form can print; empty if only one."""
        if not self.notes_variants:
            return []
        from .sources import DOCUMENTS

        keys = [self.seed, *self.notes_variants]
        return [(k, DOCUMENTS[k].label) for k in keys]

    def with_notes(self, document: str | None) -> FormDeclaration:
        """This form printing the 填表说明 of `document` (the seed's own when unknown)."""
        if not document or document == self.seed or document not in self.notes_variants:
            return self
        variant = type(self)()
        variant.notes_title, variant.notes = self.notes_variants[document]
        variant.notes_document = document
        return variant

    @property
    def notes_document(self) -> str:
        return self.__dict__.get("notes_document", self.seed)

    @notes_document.setter
    def notes_document(self, value: str) -> None:
        self.__dict__["notes_document"] = value

    def rows(self, *, org, as_of: datetime.date) -> list[dict]:
        raise NotImplementedError

    def default_period_start(self, *, org, as_of: datetime.date) -> tuple[datetime.date, str]:
        """(S, where it comes from) when the user picks none; forms with `has_period`."""
        raise NotImplementedError

    def period(
        self, *, org, as_of: datetime.date, start: datetime.date | None = None
    ) -> Period | None:
        """The reporting period for `start` picked by the user (None: the default); a start
        after the fill date is a ValueError."""
        if not self.has_period:
            return None
        if start is None:
            start, source = self.default_period_start(org=org, as_of=as_of)
        else:
            source = PICKED
        check_period_start(start, as_of)
        return Period(start=start, end=as_of, source=source)

    def title_for(self, as_of: datetime.date) -> str:
        """The title as printed for a fill date (a yearly form names its year)."""
        return self.title

    def checks(self, rows: list[dict], *, org, as_of: datetime.date) -> list[Check]:
        return []

    # Whether `evidence_checks` has anything to say (the form's page then loads them).
    has_evidence_checks = False

    def evidence_checks(self, rows: list[dict], *, org, as_of: datetime.date) -> list[Check]:
        """Checks of the figures against the records themselves, by a second path that does
        not read what the figures were counted from. At the top of a province such a path
        reads every member once (seconds, not milliseconds), so the form's page shows the
        table first and loads these after it; files, JSON and the command line carry them
        with the other checks."""
        return []

    # Forms whose numbers lead to the members behind them define `members_behind` and say
    # which cells link (query parameters for the drill-down page, or None).
    def link(self, row: dict, column: Column) -> dict | None:
        return None

    def header_values(self, *, org, as_of: datetime.date, user=None) -> dict[str, str]:
        from paicha.core.dates import format_cn_date

        values = {
            "填报单位（盖章）": org.name,
            "填报单位": org.name,
            "填表日期": format_cn_date(as_of),
            "填报日期": format_cn_date(as_of),
            "填报时间": format_cn_date(as_of),
        }
        return {k: values.get(k, "") for k in self.header_fields}

    def figures(self, *, org, as_of: datetime.date) -> dict[str, int]:
        """Numbers the form prints outside its table, by the label it prints them under."""
        return {}

    def footer_values(self, *, org, as_of: datetime.date, user=None) -> dict[str, str]:
        values = {
            "填表人": str(user) if user else "",
            "联系电话": getattr(user, "phone", "") or org.office_phone,
        }
        return {k: values.get(k, "") for k in self.footer_fields}

    def build(
        self,
        *,
        org,
        as_of: datetime.date,
        user=None,
        notes_from: str | None = None,
        start: datetime.date | None = None,
        evidence_checks: bool = True,
    ) -> FormResult:
        """The form for `org` on `as_of`. `notes_from` picks which document's 填表说明 is
        printed; by default the document of the campaign running over `org` on `as_of`.
        `start` is the period's start S picked by the user (forms with `has_period`); a start
        after `as_of` raises ValueError. Without `evidence_checks` the checks against the
        records are left for the caller to load (the form's page does, after the table)."""
        from paicha.organizations.permissions import Perm, has_perm

        if self.notes_variants and not notes_from:
            from paicha.campaigns.selectors import notes_document_for

            notes_from = notes_document_for(org, as_of=as_of)
        form = self.with_notes(notes_from)
        period = self.period(org=org, as_of=as_of, start=start)
        if period is None:
            rows = self.rows(org=org, as_of=as_of)
        else:
            rows = self.rows(org=org, as_of=as_of, start=period.start)
        return FormResult(
            mask=user is not None and not has_perm(user, Perm.VIEW_IDENTITY),
            form=form,
            org=org,
            as_of=as_of,
            rows=rows,
            checks=[
                *self.checks(rows, org=org, as_of=as_of),
                *(self.evidence_checks(rows, org=org, as_of=as_of) if evidence_checks else []),
            ],
            header=self.header_values(org=org, as_of=as_of, user=user),
            footer=self.footer_values(org=org, as_of=as_of, user=user),
            figures=self.figures(org=org, as_of=as_of),
            period=period,
        )


def padded_rows(rows, width: int, min_rows: int):
    """A form's data rows, then blank rows up to the seed's `min_rows` (every file renderer)."""
    count = 0
    for values in rows:
        count += 1
        yield values
    for _ in range(max(0, min_rows - count)):
        yield [""] * width
