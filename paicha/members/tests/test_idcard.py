"""Tests for paicha.members.idcard (pure Python, no database)."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paicha.members.idcard import (
    IdInfo,
    IdNumberError,
    check_digit,
    make_id_number,
    normalize_id_number,
    parse_id_number,
)

# The standard's own worked example, plus numbers checked by hand.
KNOWN_VALID = [
    ("11010519491231002X", datetime.date(1949, 12, 31), "F"),
    ("440524188001010014", datetime.date(1880, 1, 1), "M"),
    ("110101200002290018", datetime.date(2000, 2, 29), "M"),
]


@pytest.mark.parametrize(("number", "birth", "gender"), KNOWN_VALID)
def test_known_valid_numbers(number: str, birth: datetime.date, gender: str) -> None:
    assert parse_id_number(number) == IdInfo(number=number, birth_date=birth, gender=gender)


def test_check_digit_known() -> None:
    assert check_digit("11010519491231002") == "X"
    assert check_digit("44052418800101001") == "4"


# One body per remainder of the weighted sum mod 11, each sum worked out by hand with the
# weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 (e.g. 4301021990051700 1: 28+27+0+5+0+8+2+9+54+0
# +0+45+10+35+0+0+2 = 225 = 20×11+5 → 7); remainder → 1 0 X 9 8 7 6 5 4 3 2.
EVERY_REMAINDER = [
    ("43010219900517004", 231, 0, "1"),
    ("43010219900517018", 243, 1, "0"),
    ("43010219900517005", 233, 2, "X"),
    ("43010219900517019", 245, 3, "9"),
    ("43010219900517006", 235, 4, "8"),
    ("43010219900517001", 225, 5, "7"),
    ("43010219900517007", 237, 6, "6"),
    ("43010219900517002", 227, 7, "5"),
    ("43010219900517008", 239, 8, "4"),
    ("43010219900517003", 229, 9, "3"),
    ("43010219900517009", 241, 10, "2"),
]


@pytest.mark.parametrize(("body", "weighted_sum", "remainder", "check"), EVERY_REMAINDER)
def test_check_character_for_every_remainder(body, weighted_sum, remainder, check) -> None:
    assert weighted_sum % 11 == remainder
    assert check_digit(body) == check
    number = body + check
    assert parse_id_number(number).number == number
    wrong = "0" if check == "X" else "X"
    with pytest.raises(IdNumberError):
        parse_id_number(body + wrong)


@pytest.mark.parametrize("bad", ["", "1234567890123456", "1101051949123100", "A" * 17, "１" * 17])
def test_check_digit_rejects_non_17_ascii_digits(bad: str) -> None:
    with pytest.raises(ValueError):
        check_digit(bad)


def test_idinfo_is_frozen() -> None:
    info = parse_id_number("11010519491231002X")
    with pytest.raises(AttributeError):
        info.gender = "M"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "身份证号码应为18位，实际为0位"),
        ("11010519491231002", "身份证号码应为18位，实际为17位"),
        ("11010519491231002X1", "身份证号码应为18位，实际为19位"),
        ("110105194912310", "身份证号码应为18位，实际为15位"),  # old 15-digit format
        ("1101051949123100X2", "身份证号码前17位必须是数字"),
        ("11010A19491231002X", "身份证号码前17位必须是数字"),
        ("110105199002300012", "身份证号码中的出生日期 19900230 不是有效日期"),
        ("110105199013010012", "身份证号码中的出生日期 19901301 不是有效日期"),
        ("110105000001010012", "身份证号码中的出生日期 00000101 不是有效日期"),
        ("110105190002290012", "身份证号码中的出生日期 19000229 不是有效日期"),
        ("110105194912310021", "身份证号码校验位错误：应为X，实际为1"),
        ("110105194912310020", "身份证号码校验位错误：应为X，实际为0"),
        ("44052418800101001X", "身份证号码校验位错误：应为4，实际为X"),
        ("44052418800101001A", "身份证号码校验位错误：应为4，实际为A"),
    ],
)
def test_errors(raw: str, message: str) -> None:
    with pytest.raises(IdNumberError) as excinfo:
        parse_id_number(raw)
    assert str(excinfo.value) == message
    assert isinstance(excinfo.value, ValueError)


def test_unicode_digits_other_than_fullwidth_are_rejected() -> None:
    # Arabic-Indic digits pass str.isdigit() but are not valid ID characters.
    with pytest.raises(IdNumberError, match="前17位必须是数字"):
        parse_id_number("١١٠١٠٥19491231002X")


@pytest.mark.parametrize(
    "raw",
    [
        "11010519491231002x",
        "１１０１０５１９４９１２３１００２Ｘ",
        "１１０１０５１９４９１２３１００２ｘ",
        "  11010519491231002X\n",
        "\u300011010519491231002X\u3000",
        "110105 19491231 002X",
        "110105\u300019491231\t002x",
    ],
)
def test_normalization(raw: str) -> None:
    assert normalize_id_number(raw) == "11010519491231002X"
    assert parse_id_number(raw).number == "11010519491231002X"


def test_make_id_number_known() -> None:
    assert make_id_number("110105", datetime.date(1949, 12, 31), 0, "F") == "11010519491231000" + (
        check_digit("11010519491231000")
    )
    number = make_id_number("110105", datetime.date(1949, 12, 31), 7, "M")
    assert number[14:17] == "075"


@pytest.mark.parametrize(
    ("region", "seq", "gender"),
    [
        ("11010", 0, "M"),
        ("1101051", 0, "M"),
        ("11010X", 0, "M"),
        ("110105", -1, "M"),
        ("110105", 100, "F"),
        ("110105", 0, "m"),
        ("110105", 0, ""),
    ],
)
def test_make_id_number_rejects_bad_arguments(region: str, seq: int, gender: str) -> None:
    with pytest.raises(ValueError):
        make_id_number(region, datetime.date(1990, 1, 1), seq, gender)


regions = st.text(alphabet="0123456789", min_size=6, max_size=6)
births = st.dates(min_value=datetime.date(1000, 1, 1), max_value=datetime.date(9999, 12, 31))
seqs = st.integers(min_value=0, max_value=99)
genders = st.sampled_from(["M", "F"])


@given(regions, births, seqs, genders)
def test_make_then_parse_round_trips(
    region: str, birth: datetime.date, seq: int, gender: str
) -> None:
    number = make_id_number(region, birth, seq, gender)
    info = parse_id_number(number)
    assert info.number == number
    assert info.birth_date == birth
    assert info.gender == gender
    assert number[:6] == region
    assert int(number[14:16]) == seq


@given(regions, births, seqs, genders, st.integers(0, 17), st.sampled_from("0123456789X"))
def test_any_single_character_change_is_detected(
    region: str, birth: datetime.date, seq: int, gender: str, pos: int, new: str
) -> None:
    number = make_id_number(region, birth, seq, gender)
    if new == number[pos]:
        new = str((int(number[pos]) + 1) % 10) if number[pos] != "X" else "0"
    mutated = number[:pos] + new + number[pos + 1 :]
    assert mutated != number
    with pytest.raises(IdNumberError):
        parse_id_number(mutated)


@given(st.text(alphabet="0123456789０１２３４５６７８９xXｘＸ \u3000\tA", max_size=30))
def test_normalize_is_idempotent(raw: str) -> None:
    once = normalize_id_number(raw)
    assert normalize_id_number(once) == once
    assert not any(c.isspace() for c in once)
    assert "x" not in once and "ｘ" not in once and "Ｘ" not in once


@given(st.text())
def test_normalize_is_idempotent_on_any_text(raw: str) -> None:
    once = normalize_id_number(raw)
    assert normalize_id_number(once) == once


@given(st.text(max_size=25))
def test_parse_only_raises_id_number_error(raw: str) -> None:
    try:
        info = parse_id_number(raw)
    except IdNumberError:
        return
    assert len(info.number) == 18
