"""Text that leaves the product in a spreadsheet or a Word table is never a formula.

A member named ``=cmd|' /C calc'!A0`` or a 工作单位 ``=HYPERLINK(...)`` must come out of every
.xlsx, .csv and .docx as the characters typed, not as something Excel or WPS evaluates (nor
as something that becomes a formula when a Word table is pasted into a sheet). Every writer
passes each text value through `safe_cell`, as OWASP recommends for CSV injection: a value
starting with = + - @ TAB or CR gets a leading apostrophe. Plain numbers written as text
(``-3``, ``+8613812345678``) and a lone ``-`` are not formulas and stay as they are.
"""

import re
from collections.abc import Iterable
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def safe_cell(value: Any) -> Any:
    """`value` as it may be written into a cell: strings that a spreadsheet would read as a
    formula get a leading apostrophe; everything else (numbers, dates, None) is returned as is."""
    if not isinstance(value, str) or not value or value[0] not in FORMULA_TRIGGERS:
        return value
    if len(value) == 1 or _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """`safe_cell` over a row (for csv.writer.writerow and openpyxl's append)."""
    return [safe_cell(v) for v in values]


__all__ = ["FORMULA_TRIGGERS", "safe_cell", "safe_row"]
