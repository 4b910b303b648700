"""Reading one cell as text, the way every import does."""

import datetime
import re
import unicodedata

from paicha.core.dates import format_cn_date


def cell_text(value) -> str:
    """A cell as text: runs of spaces (full-width ones too) and line breaks become one space;
    a whole number stored as a float loses its ".0"; a date is written 2016年9月20日."""
    if type(value) is str:  # the common case first: this runs for most cells
        return " ".join(value.split())
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return format_cn_date(value.date())
    if isinstance(value, datetime.date):
        return format_cn_date(value)
    return " ".join(str(value).split())


def cell_code(value) -> str:
    """A code, number or identifier: full-width letters and digits made half-width (ＡＢ１２ →
    AB12), every space removed."""
    text = cell_text(value)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return "".join(text.split())


def cell_name(value) -> str:
    """A person's name: full-width letters made half-width; rosters pad two-character names
    to line up ("张  三"), and Chinese names have no spaces."""
    text = cell_text(value)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    if " " in text and all("\u4e00" <= c <= "\u9fff" or c.isspace() or c == "·" for c in text):
        text = "".join(text.split())
    return text


def is_blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


_TITLE_NOISE = re.compile(r"[\s“”\"'‘’*＊]")


def title_key(text) -> str:
    """A column title as compared: "姓 名", "姓名*", "＂姓名＂" all read 姓名."""
    return _TITLE_NOISE.sub("", unicodedata.normalize("NFKC", str(text))).lower()
