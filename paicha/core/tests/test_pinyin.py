from hypothesis import given
from hypothesis import strategies as st

from paicha.core.pinyin import initials
from paicha.core.pinyin_initials import FIRST, INITIALS


def test_chinese_names_give_their_pinyin_initials():
    assert initials("张三") == "zs"
    assert initials("欧阳 修") == "oyx"  # spaces dropped
    assert initials("买买提·艾力") == "mmt·al"
    assert initials("Li Na") == "lina"


@given(st.text(max_size=12))
def test_initials_are_one_per_character_and_never_hold_spaces(name):
    result = initials(name)
    assert not any(c.isspace() for c in result)
    assert initials(name) == result  # the table's memory changes nothing
    kept = [c for c in name if not c.isspace()]
    assert len(result) >= sum(1 for c in kept if "\u4e00" <= c <= "\u9fff" and initials(c))


def test_the_written_out_table_reads_every_character_as_pypinyin_does():
    from pypinyin import Style, lazy_pinyin

    assert len(INITIALS) == 0x9FFF - FIRST + 1
    for code in range(FIRST, 0xA000):
        letters = lazy_pinyin(chr(code), style=Style.FIRST_LETTER, errors="ignore")
        expected = letters[0].lower() if letters else ""
        assert initials(chr(code)) == expected, chr(code)
