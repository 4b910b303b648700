"""The rules of a member record (SPEC §3), written once and used by every way in.

The web form, `Member.clean`, the services and the roster importer all call these functions, so
a row of an Excel file and a field of the edit page get the same message. Pure Python plus
Django's ValidationError: no queries here (the rule that needs other records — 一人两籍 — is in
`services.duplicate_id_message`).
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError

from paicha.codes import Gender, MemberType
from paicha.core.dates import format_cn_date

from .idcard import IdNumberError, normalize_id_number, parse_id_number

MOBILE_RE = re.compile(r"1[0-9]{10}")
HOUSEHOLD_REGISTER_MAX = 32

# The registry fields a record must hold (the 登记表 leaves the others optional).
REQUIRED_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number",
    "join_date",
    "member_type",
)


def normalize_mobile(raw: str) -> str:
    """Full-width digits to ASCII, separators and a +86 prefix dropped: 138-0013-8000 →
    13800138000."""
    if raw and len(raw) == 11 and raw.isascii() and raw.isdigit():
        return raw  # already clean, as most are
    text = unicodedata.normalize("NFKC", raw or "")
    text = re.sub(r"[\s\-()（）]", "", text)
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    return text


def validate_mobile(value: str) -> None:
    if value and not MOBILE_RE.fullmatch(value):
        raise ValidationError(f"手机号码应为以1开头的11位数字，“{value}”不符合", code="mobile")


def validate_id_number(value: str) -> None:
    """Field validator: 18 characters, a real birth date and the GB 11643 check digit."""
    try:
        parse_id_number(value)
    except IdNumberError as exc:
        raise ValidationError(str(exc), code="id_number") from None


def clean_id_number(raw: str) -> str:
    """Normalize (full-width digits, lower-case x, spaces) and validate; returns the stored form."""
    number = normalize_id_number(raw or "")
    validate_id_number(number)
    return number


def rule_errors(
    *,
    id_number: str,
    birth_date: datetime.date | None,
    gender: str,
    join_date: datetime.date | None,
    full_date: datetime.date | None,
    member_type: str,
) -> dict[str, list[str]]:
    """Rules across fields: the ID against 出生日期 and 性别, dates in order, 预备/正式.

    Returns {field name: [messages]}; empty when the record is consistent. Fields that are
    missing are not reported here (the required-field check does that).
    """
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    info = None
    if id_number:
        try:
            info = parse_id_number(id_number)
        except IdNumberError as exc:
            add("id_number", str(exc))
    if info is not None:
        if birth_date is not None and birth_date != info.birth_date:
            add(
                "birth_date",
                f"出生日期{format_cn_date(birth_date)}与身份证号码中的出生日期"
                f"{format_cn_date(info.birth_date)}不一致",
            )
        if gender and gender != info.gender:
            add(
                "gender",
                f"性别“{Gender(gender).label}”与身份证号码第17位不一致"
                f"（该号码为{Gender(info.gender).label}性）",
            )
    if birth_date and join_date and join_date <= birth_date:
        add(
            "join_date",
            f"入党日期{format_cn_date(join_date)}应晚于出生日期{format_cn_date(birth_date)}",
        )
    if full_date and join_date and full_date < join_date:
        add(
            "full_date",
            f"转正日期{format_cn_date(full_date)}不能早于入党日期{format_cn_date(join_date)}",
        )
    if full_date and not join_date:
        add("join_date", "填写了转正日期，也应填写入党日期")
    if member_type == MemberType.PROBATIONARY and full_date:
        add("full_date", "预备党员尚未转正，不应填写转正日期")
    if member_type == MemberType.FULL and not full_date:
        add("full_date", "正式党员应填写转正日期")
    return errors
