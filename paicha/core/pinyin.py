"""Pinyin initials for searching names the way users type them (张三 → zs)."""

from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=8192)
def _char_initial(char: str) -> str:
    letters = lazy_pinyin(char, style=Style.FIRST_LETTER, errors="ignore")
    return letters[0].lower() if letters else ""


def initials(name: str) -> str:
    # Per character, cached: a roster of a million names has only a few thousand characters.
    return "".join(_char_initial(c) if "\u4e00" <= c <= "\u9fff" else c.lower()
                   for c in name if not c.isspace())
