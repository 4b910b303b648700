"""Pinyin initials for searching names the way users type them (张三 → zs)."""

from .pinyin_initials import FIRST, INITIALS


class _InitialsTable(dict):
    """A str.translate table filled on first use: a Chinese character → its initial, another
    character → its lower case, whitespace → dropped. A roster of a million names has only a few
    thousand characters, and translate runs its loop in C."""

    def __missing__(self, code: int):
        char = chr(code)
        if char.isspace():
            value = None
        elif "\u4e00" <= char <= "\u9fff":
            letter = INITIALS[code - FIRST]
            value = "" if letter == "-" else letter
        else:
            value = char.lower()
        self[code] = value
        return value


_TABLE = _InitialsTable()


def initials(name: str) -> str:
    return name.translate(_TABLE)
