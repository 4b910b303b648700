"""Tests for paicha.core.dates (pure Python, no database)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from paicha.core.dates import (
    LooseDateError,
    add_months,
    format_cn_date,
    format_cn_month,
    full_years_between,
    months_between,
    parse_loose_date,
)

D = datetime.date
SEP_20 = D(2016, 9, 20)
SEP_1 = D(2016, 9, 1)


# --- parse_loose_date -------------------------------------------------------


@pytest.mark.parametrize("blank", [None, "", "   ", "\u3000", "\t\n"])
def test_blank_is_none(blank: object) -> None:
    assert parse_loose_date(blank) is None


def test_date_and_datetime_objects() -> None:
    assert parse_loose_date(SEP_20) == SEP_20
    result = parse_loose_date(datetime.datetime(2016, 9, 20, 13, 45))
    assert result == SEP_20
    assert type(result) is datetime.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2016-09-20", SEP_20),
        ("2016/9/20", SEP_20),
        ("2016.09.20", SEP_20),
        ("2016-9-20", SEP_20),
        ("2016 - 09 - 20", SEP_20),
        ("2016.9", SEP_1),
        ("2016.09", SEP_1),
        ("2016-09", SEP_1),
        ("2016/9", SEP_1),
        ("2016年9月20日", SEP_20),
        ("2016年09月20日", SEP_20),
        ("2016年9月20号", SEP_20),
        ("2016 年 9 月 20 日", SEP_20),
        ("2016年9月", SEP_1),
        ("2016年09月", SEP_1),
        ("20160920", SEP_20),
        ("201609", SEP_1),
        ("  2016-09-20  ", SEP_20),
        ("2016-09-20 00:00:00", SEP_20),
        ("2016-09-20 13:45", SEP_20),
        # Full-width forms typed with a Chinese IME.
        ("２０１６年９月２０日", SEP_20),
        ("２０１６－０９－２０", SEP_20),
        ("２０１６．９", SEP_1),
        ("２０１６０９２０", SEP_20),
        ("\u30002016/9/20\u3000", SEP_20),
        ("2016-02-29", D(2016, 2, 29)),
        ("2016.12", D(2016, 12, 1)),
    ],
)
def test_accepted_strings(text: str, expected: datetime.date) -> None:
    assert parse_loose_date(text) == expected


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (1, D(1900, 1, 1)),
        (59, D(1900, 2, 28)),
        (61, D(1900, 3, 1)),
        (42633, SEP_20),
        (43831, D(2020, 1, 1)),
        (2958465, D(9999, 12, 31)),
        (42633.0, SEP_20),
        (42633.75, SEP_20),  # fractional part is the time of day
        (Decimal("42633.5"), SEP_20),
    ],
)
def test_excel_serials(serial: int | float | Decimal, expected: datetime.date) -> None:
    assert parse_loose_date(serial) == expected


@pytest.mark.parametrize(
    "bad", [0, -1, 0.5, 2958466, 60, 60.5, float("nan"), float("inf"), Decimal("NaN"), True]
)
def test_bad_serials(bad: object) -> None:
    with pytest.raises(LooseDateError, match="无法识别的日期"):
        parse_loose_date(bad)


@pytest.mark.parametrize(
    "text",
    [
        "2016",
        "２０１６",
        "2016年",
        "abc",
        "2016-09-20-01",
        "16-9-20",
        "2016-09/20",
        "2016.9.",
        "2016-9-20 x",
        "2016年9",
        "9月20日",
        "2016092",
        "201609201",
        "1/2/2016",
        "2016-02-30",
        "2015-02-29",
        "2016-9-0",
        "0000-01-01",
        "2016年9月32日",
        "00000101",
    ],
)
def test_rejected_strings(text: str) -> None:
    with pytest.raises(LooseDateError) as excinfo:
        parse_loose_date(text)
    assert str(excinfo.value).startswith("无法识别的日期：")
    assert text.strip() in str(excinfo.value)


def test_year_only_message_explains() -> None:
    with pytest.raises(LooseDateError, match="缺少月份"):
        parse_loose_date("2016")


@pytest.mark.parametrize(
    "text", ["2016-13", "2016-00-10", "2016年13月", "201613", "20161301", "2016.0"]
)
def test_month_out_of_range(text: str) -> None:
    with pytest.raises(LooseDateError) as excinfo:
        parse_loose_date(text)
    assert str(excinfo.value) == f"月份超出范围：{text}"


@pytest.mark.parametrize("bad", [[2016, 9], object(), b"2016-09-20"])
def test_other_types_rejected(bad: object) -> None:
    with pytest.raises(LooseDateError, match="无法识别的日期"):
        parse_loose_date(bad)


def test_error_is_value_error() -> None:
    assert issubclass(LooseDateError, ValueError)


# --- formatting -------------------------------------------------------------


def test_format_cn() -> None:
    assert format_cn_date(SEP_20) == "2016年9月20日"
    assert format_cn_date(D(2016, 12, 1)) == "2016年12月1日"
    assert format_cn_month(SEP_20) == "2016年9月"
    assert format_cn_date(datetime.datetime(2016, 9, 20, 8, 0)) == "2016年9月20日"
    for blank in (None, ""):
        assert format_cn_date(blank) == ""
        assert format_cn_month(blank) == ""


def test_format_rejects_non_dates() -> None:
    with pytest.raises(TypeError):
        format_cn_date("2016-09-20")


# Four-digit years only: parse_loose_date requires them.
dates = st.dates(min_value=D(1000, 1, 1), max_value=D(9999, 12, 31))


@given(dates)
def test_format_parse_round_trip(d: datetime.date) -> None:
    assert parse_loose_date(format_cn_date(d)) == d
    assert parse_loose_date(format_cn_month(d)) == d.replace(day=1)
    assert parse_loose_date(d.isoformat()) == d
    assert parse_loose_date(d.strftime("%Y%m%d")) == d


@given(st.integers(min_value=1, max_value=2958465).filter(lambda n: n != 60))
def test_serials_are_consecutive(serial: int) -> None:
    # Every serial past the fake leap day is exactly one day after its predecessor.
    d = parse_loose_date(serial)
    assert d is not None
    if serial > 1 and serial != 61:
        assert parse_loose_date(serial - 1) == d - datetime.timedelta(days=1)


@given(st.text(max_size=20))
def test_parse_only_raises_loose_date_error(text: str) -> None:
    try:
        parse_loose_date(text)
    except LooseDateError:
        pass


# --- month and year arithmetic ----------------------------------------------


@pytest.mark.parametrize(
    ("d", "n", "expected"),
    [
        (D(2016, 1, 31), 1, D(2016, 2, 29)),
        (D(2015, 1, 31), 1, D(2015, 2, 28)),
        (D(2016, 3, 31), -1, D(2016, 2, 29)),
        (D(2016, 9, 20), 0, D(2016, 9, 20)),
        (D(2016, 9, 20), 4, D(2017, 1, 20)),
        (D(2016, 1, 15), -1, D(2015, 12, 15)),
        (D(2016, 8, 31), 1, D(2016, 9, 30)),
        (D(2016, 2, 29), 12, D(2017, 2, 28)),
        (D(2016, 2, 29), 48, D(2020, 2, 29)),
    ],
)
def test_add_months(d: datetime.date, n: int, expected: datetime.date) -> None:
    assert add_months(d, n) == expected


def test_add_months_out_of_range() -> None:
    with pytest.raises(ValueError):
        add_months(D(9999, 12, 1), 1)
    with pytest.raises(ValueError):
        add_months(D(1, 1, 1), -1)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2016, 3, 20), D(2016, 9, 20), 6),
        (D(2016, 3, 20), D(2016, 9, 19), 5),
        (D(2016, 1, 31), D(2016, 2, 29), 1),  # clamped: 01-31 + 1 month = 02-29
        (D(2016, 1, 31), D(2016, 2, 28), 0),
        (D(2016, 1, 31), D(2016, 3, 30), 1),
        (D(2016, 1, 31), D(2016, 3, 31), 2),
        (D(2016, 9, 20), D(2016, 9, 20), 0),
        (D(2015, 12, 1), D(2016, 1, 1), 1),
        (D(2016, 9, 20), D(2016, 3, 20), -6),
        (D(2016, 9, 19), D(2016, 3, 20), -5),
    ],
)
def test_months_between(start: datetime.date, end: datetime.date, expected: int) -> None:
    assert months_between(start, end) == expected


# Leave headroom so add_months(d, m + 1) stays within year 9999.
bounded = st.dates(min_value=D(1, 1, 1), max_value=D(9999, 11, 30))


@given(bounded, bounded)
def test_months_between_brackets_end(a: datetime.date, b: datetime.date) -> None:
    d, e = min(a, b), max(a, b)
    m = months_between(d, e)
    assert m >= 0
    assert add_months(d, m) <= e < add_months(d, m + 1)
    assert months_between(e, d) == -m


@given(bounded, st.integers(min_value=0, max_value=1200))
def test_add_then_measure(d: datetime.date, n: int) -> None:
    assume(d.year + n // 12 + 1 < 9999)
    assert months_between(d, add_months(d, n)) >= n
    # Without day clamping the measurement is exact.
    if d.day <= 28:
        assert months_between(d, add_months(d, n)) == n


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(1990, 5, 10), D(2020, 5, 10), 30),
        (D(1990, 5, 10), D(2020, 5, 9), 29),
        (D(1990, 5, 10), D(1990, 5, 10), 0),
        (D(2000, 2, 29), D(2001, 2, 28), 0),  # Feb 29 birthday not yet reached
        (D(2000, 2, 29), D(2001, 3, 1), 1),
        (D(2000, 2, 29), D(2004, 2, 28), 3),
        (D(2000, 2, 29), D(2004, 2, 29), 4),
        (D(2020, 5, 10), D(1990, 5, 10), -30),
    ],
)
def test_full_years_between(start: datetime.date, end: datetime.date, expected: int) -> None:
    assert full_years_between(start, end) == expected


@given(bounded, bounded)
def test_full_years_matches_months(a: datetime.date, b: datetime.date) -> None:
    d, e = min(a, b), max(a, b)
    years = full_years_between(d, e)
    # Same answer as months // 12 except for Feb 29 starts, where add_months
    # clamps to Feb 28 but the age rule waits for Mar 1.
    if not (d.month == 2 and d.day == 29):
        assert years == months_between(d, e) // 12
    assert 0 <= years <= e.year - d.year


def test_cells_typed_as_numbers_read_as_people_meant_them():
    from paicha.core.dates import parse_cell_date

    assert parse_cell_date(2016.09) == (datetime.date(2016, 9, 1), True)
    assert parse_cell_date(2016.12) == (datetime.date(2016, 12, 1), True)
    assert parse_cell_date(201609) == (datetime.date(2016, 9, 1), True)
    assert parse_cell_date(20160920.0) == (datetime.date(2016, 9, 20), False)
    assert parse_cell_date(42633.0) == (datetime.date(2016, 9, 20), False)  # a date serial
    assert parse_cell_date("2016年9月") == (datetime.date(2016, 9, 1), True)
    assert parse_cell_date(datetime.datetime(2016, 9, 20, 8, 0)) == (
        datetime.date(2016, 9, 20),
        False,
    )
    assert parse_cell_date("") is None and parse_cell_date(None) is None
    for bad, message in (
        (2016.1, "无法区分1月和10月"),
        (2016.0, "只有年份"),
        (2016.13, "月份超出范围"),
        (True, "不是日期"),
    ):
        with pytest.raises(LooseDateError, match=message):
            parse_cell_date(bad)
