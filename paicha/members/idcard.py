"""Chinese resident ID number (居民身份证号码) validation per GB 11643-1999.

Pure Python, no Django: used by model/form validation, the Excel importer and
demo-data generation alike.
"""

from __future__ import annotations

import datetime
import re
from operator import mul
from typing import NamedTuple

__all__ = [
    "IdInfo",
    "IdNumberError",
    "check_digit",
    "make_id_number",
    "normalize_id_number",
    "parse_id_number",
]

# GB 11643-1999 weights are 2**(17-i) mod 11 for positions i = 0..16.
_WEIGHTS: tuple[int, ...] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# Index = weighted sum mod 11.
_CHECK_CHARS = "10X98765432"

# Roster data is often typed with a Chinese IME, so full-width forms are common.
_FULLWIDTH = str.maketrans(
    {**{chr(0xFF10 + i): str(i) for i in range(10)}, "Ｘ": "X", "ｘ": "X", "x": "X"}
)
# Explicit ASCII class: str.isdigit() would also accept '²', '٣' and the like.
_DIGITS17 = re.compile(r"[0-9]{17}")


class IdNumberError(ValueError):
    """An ID number is malformed; the message is Chinese and shown to end users."""


class IdInfo(NamedTuple):
    """A validated ID number and the facts encoded in it (a tuple: an import builds 100,000)."""

    number: str  # normalized, 18 characters, last may be 'X'
    birth_date: datetime.date
    gender: str  # 'M' or 'F'


def normalize_id_number(raw: str) -> str:
    """Remove all whitespace (incl. U+3000), map full-width digits to ASCII and x/ｘ/Ｘ to 'X'."""
    if len(raw) == 18 and raw.isascii() and raw.isalnum():
        return raw.replace("x", "X")  # the common case, already clean
    # Whitespace is dropped everywhere, not just at the ends, because people
    # often group the number as "110105 19491231 002X".
    return "".join(raw.split()).translate(_FULLWIDTH)


def check_digit(first17: str) -> str:
    """Return the GB 11643-1999 check character ('0'-'9' or 'X') for 17 ASCII digits."""
    if not _DIGITS17.fullmatch(first17):
        raise ValueError(f"check_digit needs exactly 17 ASCII digits, got {first17!r}")
    return _check_digit(first17)


def _check_digit(first17: str) -> str:
    # map() over C functions on the ASCII codes (each 48 + digit): this runs once per row of a
    # 100,000-row import.
    return _CHECK_CHARS[(sum(map(mul, first17.encode(), _WEIGHTS)) - _ZERO_WEIGHT) % 11]


_ZERO_WEIGHT = ord("0") * sum(_WEIGHTS)


def parse_id_number(raw: str) -> IdInfo:
    """Normalize and validate an 18-digit ID number; raise IdNumberError on any defect.

    Deliberately no plausibility check of the birth date against today or 1900:
    this module has no clock, callers decide what range is acceptable.
    """
    number = normalize_id_number(raw)
    if len(number) != 18:
        raise IdNumberError(f"身份证号码应为18位，实际为{len(number)}位")
    body = number[:17]
    if not _DIGITS17.fullmatch(body):
        raise IdNumberError("身份证号码前17位必须是数字")
    birth_text = body[6:14]
    try:
        birth = datetime.date(int(birth_text[:4]), int(birth_text[4:6]), int(birth_text[6:]))
    except ValueError:
        raise IdNumberError(f"身份证号码中的出生日期 {birth_text} 不是有效日期") from None
    expected = _check_digit(body)
    if number[17] != expected:
        raise IdNumberError(f"身份证号码校验位错误：应为{expected}，实际为{number[17]}")
    gender = "M" if int(body[16]) % 2 else "F"
    return IdInfo(number=number, birth_date=birth, gender=gender)


def make_id_number(region: str, birth: datetime.date, seq: int, gender: str) -> str:
    """Build a valid 18-digit ID number (for demo data and tests).

    The 3-digit sequence code is ``seq`` as two digits followed by a gender digit
    (odd for 'M', even for 'F'). The gender digit also varies with ``seq`` so
    generated numbers do not all end in the same few patterns; it is still
    deterministic, and distinct ``seq`` values always give distinct numbers.
    """
    if not re.fullmatch(r"[0-9]{6}", region):
        raise ValueError(f"region must be 6 ASCII digits, got {region!r}")
    if not 0 <= seq <= 99:
        raise ValueError(f"seq must be in 0..99, got {seq}")
    if gender not in ("M", "F"):
        raise ValueError(f"gender must be 'M' or 'F', got {gender!r}")
    gender_digit = (seq % 5) * 2 + (1 if gender == "M" else 0)
    body = f"{region}{birth.year:04d}{birth.month:02d}{birth.day:02d}{seq:02d}{gender_digit}"
    return body + check_digit(body)
