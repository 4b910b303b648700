"""Tolerant date parsing and month/year arithmetic for dates found in Excel rosters.

Pure Python, no Django.
"""

from __future__ import annotations

import calendar
import datetime
import math
import re
import unicodedata
from decimal import Decimal

__all__ = [
    "LooseDateError",
    "add_months",
    "format_cn_date",
    "format_cn_month",
    "full_years_between",
    "months_between",
    "parse_cell_date",
    "parse_loose_date",
]

# Excel's 1900 date system: serial 1 = 1900-01-01, serial 60 = the non-existent
# 1900-02-29 (a Lotus 1-2-3 compatibility bug), 2958465 = 9999-12-31.
_EXCEL_MAX_SERIAL = 2958465
_EXCEL_FAKE_LEAP_DAY = 60
_EXCEL_EPOCH_BEFORE_LEAP = datetime.date(1899, 12, 31)  # serials 1..59
_EXCEL_EPOCH_AFTER_LEAP = datetime.date(1899, 12, 30)  # serials 61.. (absorbs the fake day)

# An optional clock time after a full date, as produced by str(datetime) or CSV
# exports of datetime cells ("2016-09-20 00:00:00"); it is ignored.
_TIME = r"(?:\s+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_SEPARATED = re.compile(
    r"(?P<y>\d{4})\s*(?P<sep>[-/.])\s*(?P<m>\d{1,2})(?:\s*(?P=sep)\s*(?P<d>\d{1,2})" + _TIME + ")?"
)
_CHINESE = re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*[日号]?)?")
_COMPACT = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})?")
_YEAR_ONLY = re.compile(r"\d{4}\s*年?")


class LooseDateError(ValueError):
    """A value cannot be read as a date; the message is Chinese and names the value."""


def parse_loose_date(value: object) -> datetime.date | None:
    """Read a roster cell as a date; None for blanks, LooseDateError for anything unreadable.

    Accepts date/datetime objects, Excel 1900-system serials (int/float/Decimal,
    1..2958465, fraction = time of day is dropped) and strings such as
    '2016-09-20', '2016/9/20', '2016.09.20', '2016年9月20日', '20160920' plus the
    month-only forms '2016-09', '2016.9', '2016年9月', '201609' which give the
    first day of the month. Full-width characters are accepted. Year-only values
    are rejected because guessing January would silently invent data.
    """
    if value is None:
        return None
    # datetime is a subclass of date, so it must be checked first.
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    # bool is an int subclass; True is not serial 1.
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return _from_excel_serial(value)
    if isinstance(value, str):
        return _from_text(value)
    raise LooseDateError(f"无法识别的日期：{value!r}")


def parse_cell_date(value: object) -> tuple[datetime.date, bool] | None:
    """A spreadsheet cell as (date, month_only); None for a blank cell.

    Beyond parse_loose_date, numbers are read as people type them into Excel: 2016.09 (which
    Excel keeps as the number 2016.09, not as a date) is September 2016, and 201609 / 20160920
    are compact dates; other numbers are date serials. month_only says the cell gave no day
    (2016.09, "2016年9月"), which matters where a day is compared (出生年月 with the ID).
    """
    kind = type(value)  # a date cell, the common case, first
    if kind is datetime.datetime:
        return value.date(), False
    if kind is datetime.date:
        return value, False
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise LooseDateError("不是日期")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise LooseDateError("不是日期")
        if 1900 <= value < 2101:
            return _year_dot_month(value), True
        if 190001 <= value <= 21001231 and float(value).is_integer():
            value = str(int(value))
    parsed = parse_loose_date(value)
    if parsed is None:
        return None
    month_only = (
        isinstance(value, str)
        and _MONTH_ONLY.fullmatch(unicodedata.normalize("NFKC", value).strip()) is not None
    )
    return parsed, month_only


_MONTH_ONLY = re.compile(r"\d{4}\s*(?:[-/.]\s*\d{1,2}|年\s*\d{1,2}\s*月|\d{2})")


def _year_dot_month(value: float) -> datetime.date:
    year = int(value)
    fraction = round((value - year) * 100)
    if fraction == 0:
        raise LooseDateError("只有年份，缺少月份")
    if fraction == 10:
        # 2016.1 and 2016.10 are the same number once Excel has them.
        raise LooseDateError("写成数字的“年.月”无法区分1月和10月，请写成 2016年1月 或 2016-10")
    month = fraction // 10 if fraction % 10 == 0 else fraction
    if not 1 <= month <= 12:
        raise LooseDateError("月份超出范围")
    return datetime.date(year, month, 1)


def _from_excel_serial(value: int | float | Decimal) -> datetime.date:
    if not (value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)):
        raise LooseDateError(f"无法识别的日期：{value}")
    serial = math.floor(value)
    if not 1 <= serial <= _EXCEL_MAX_SERIAL:
        raise LooseDateError(
            f"无法识别的日期：{value}（Excel 日期序号应在 1 到 {_EXCEL_MAX_SERIAL} 之间）"
        )
    if serial == _EXCEL_FAKE_LEAP_DAY:
        raise LooseDateError(f"无法识别的日期：{value}（Excel 中的 1900年2月29日 并不存在）")
    if serial < _EXCEL_FAKE_LEAP_DAY:
        return _EXCEL_EPOCH_BEFORE_LEAP + datetime.timedelta(days=serial)
    return _EXCEL_EPOCH_AFTER_LEAP + datetime.timedelta(days=serial)


def _from_text(raw: str) -> datetime.date | None:
    # NFKC folds full-width digits, ／－． and the ideographic space to ASCII.
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        return None
    for pattern in (_SEPARATED, _CHINESE, _COMPACT):
        match = pattern.fullmatch(text)
        if match:
            return _build(raw, match["y"], match["m"], match["d"])
    if _YEAR_ONLY.fullmatch(text):
        raise LooseDateError(f"无法识别的日期：{raw.strip()}（只有年份，缺少月份）")
    raise LooseDateError(f"无法识别的日期：{raw.strip()}")


def _build(raw: str, year: str, month: str, day: str | None) -> datetime.date:
    shown = raw.strip()
    if not 1 <= int(month) <= 12:
        raise LooseDateError(f"月份超出范围：{shown}")
    try:
        return datetime.date(int(year), int(month), int(day) if day is not None else 1)
    except ValueError:
        # Year 0000 or a day past the end of the month.
        raise LooseDateError(f"无法识别的日期：{shown}（该日期不存在）") from None


def format_cn_date(d: datetime.date | None | str) -> str:
    """Format as '2016年9月20日' (no zero padding); None or '' gives ''."""
    if d is None or d == "":
        return ""
    if not isinstance(d, datetime.date):
        raise TypeError(f"expected a date, got {d!r}")
    return f"{d.year}年{d.month}月{d.day}日"


def format_cn_month(d: datetime.date | None | str) -> str:
    """Format as '2016年9月' (no zero padding); None or '' gives ''."""
    if d is None or d == "":
        return ""
    if not isinstance(d, datetime.date):
        raise TypeError(f"expected a date, got {d!r}")
    return f"{d.year}年{d.month}月"


def add_months(d: datetime.date, n: int) -> datetime.date:
    """Shift ``d`` by ``n`` calendar months, clamping the day (01-31 + 1 month = 02-28/29).

    Raises ValueError if the result falls outside years 1..9999.
    """
    index = d.year * 12 + (d.month - 1) + n
    year, month0 = divmod(index, 12)
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        raise ValueError(f"add_months({d}, {n}) is out of the supported date range")
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return datetime.date(year, month0 + 1, min(d.day, last_day))


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole months from ``start`` to ``end``: the largest n with add_months(start, n) <= end.

    Because add_months clamps, 2016-01-31 -> 2016-02-29 is 1 month, and
    2016-03-20 -> 2016-09-19 is 5. If end < start the result is
    -months_between(end, start).
    """
    if end < start:
        return -months_between(end, start)
    n = (end.year - start.year) * 12 + (end.month - start.month)
    # add_months(start, n) lands in end's month; only its day can overshoot, and
    # then one month fewer is certainly earlier than end.
    if add_months(start, n) > end:
        n -= 1
    return n


def full_years_between(start: datetime.date, end: datetime.date) -> int:
    """Completed years, age-style: one less until the anniversary is reached.

    A 02-29 anniversary is reached on 03-01 in non-leap years. If end < start
    the result is -full_years_between(end, start).
    """
    if end < start:
        return -full_years_between(end, start)
    years = end.year - start.year
    # Tuple comparison makes (2, 28) < (2, 29), so Feb 29 waits until March 1.
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years
