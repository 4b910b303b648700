"""Cell readers a column declaration names: each turns one raw cell into the value stored, or
raises CellError with what is wrong, in Chinese (the row and the column are added by the
caller)."""

import datetime
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from paicha.core.dates import LooseDateError, parse_cell_date

from .cells import cell_text, title_key

_BLANK = ("", None)
YES = {"是", "√", "✓", "✔", "y", "yes", "true", "1", "有"}
NO = {"否", "×", "n", "no", "false", "0", "无", ""}


class CellError(ValueError):
    """One cell cannot be read; the message says what is wrong, in Chinese."""


def read_date(value) -> tuple[datetime.date, bool] | None:
    """(date, month_only) from a cell (core.dates.parse_cell_date: 2016.09, 2016年9月, serials)."""
    try:
        return parse_cell_date(value)
    except LooseDateError as exc:
        message = str(exc)
        if message.startswith("无法识别的日期："):  # name the value as the error list shows it
            message = message.removeprefix("无法识别的日期：").join(("无法识别的日期“", "”"))
        raise CellError(message) from None


def read_plain_date(value) -> datetime.date | None:
    """A date cell whose precision does not matter."""
    read = read_date(value)
    return read[0] if read else None


def choice_lookup(choices, extra: dict[str, str] | None = None) -> dict[str, str]:
    """{written form: code} of a code list: its labels, its codes and the `extra` aliases, as
    `title_key` folds them."""
    table = {}
    for value, label in choices:
        table[title_key(label)] = value
        table[title_key(value)] = value
    for alias, value in (extra or {}).items():
        table[title_key(alias)] = value
    return table


def coded(table: dict[str, str], what: str, allowed: str) -> Callable:
    """A reader of a coded column through `table` (`choice_lookup`); blank reads as ""."""
    memo: dict = {}  # a column holds a handful of distinct values: 男/女, 汉族 …

    def read(value) -> str:
        try:
            code = memo[value]
        except KeyError:
            text = cell_text(value)
            code = table.get(title_key(text)) if text else ""
            if isinstance(value, (str, int, float)) and len(memo) < 10_000:
                memo[value] = code
        except TypeError:  # unhashable: cannot come from a sheet, but be safe
            code = table.get(title_key(cell_text(value)))
        if code is None:
            raise CellError(f"不是有效的{what}，应为{allowed}")
        return code

    return read


def read_flag(value) -> bool:
    text = title_key(cell_text(value))
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError("应填“是”或留空")


def read_money(value) -> Decimal | None:
    if value in _BLANK:
        return None
    text = cell_text(value).removesuffix("元")
    try:
        amount = Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise CellError("应为金额（元），如 12.50") from None
    if amount < 0 or amount >= Decimal("1000000"):
        raise CellError("金额超出范围")
    return amount


def limited(max_length: int, what: str) -> Callable:
    """A reader of free text of at most `max_length` characters."""

    def read(value) -> str:
        text = cell_text(value)
        if len(text) > max_length:
            raise CellError(f"{what}不超过{max_length}个字（现有{len(text)}个字）")
        return text

    return read
