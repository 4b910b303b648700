"""Titles and 填表说明 compared with the seed text, line by line, character by character —
every variant of a form that two documents print with different notes included."""

import pytest

from paicha.core.documents import get_document
from paicha.reports.declarations import get_form

from .seeds import seed_text


def seed_lines(prefix: str, after: str, count: int) -> list[str]:
    """The `count` non-blank lines of seed `prefix` that follow the text `after`."""
    text = seed_text(prefix)
    rest = text[text.index(after) + len(after) :]
    lines = [line.strip() for line in rest.splitlines() if line.strip()]
    return lines[:count]


def our_lines(notes: str) -> list[str]:
    return [line.strip() for line in notes.strip().splitlines() if line.strip()]


NOTES = [
    # (form slug, document whose notes are printed, seed, the seed's heading of the notes)
    ("unreachable-register", "002", "002", "《经查找仍然无法取得联系党员登记表》填表说明"),
    (
        "unreachable-register",
        "000",
        "000",
        "《经查找仍然无法取得联系党员登记表》\n填表要求和指标解释",
    ),
    (
        "unreachable-register",
        "004",
        "004",
        "《经查找仍然无法取得联系党员登记表》\n\n填表要求和指标解释",
    ),
    ("regained-register", "002", "002", "《经查找取得联系党员登记表》填表说明"),
    ("regained-register-school", "000", "000", "《经查找取得联系党员登记表》\n填表要求和指标解释"),
    ("attachment3", "000", "000", "《与党组织失去联系党员情况汇总表》\n填表要求和指标解释"),
    ("branch-roster", "002", "002", "《支部党员名册》填表说明"),
    ("lost-roster", "004", "004", "《失联党员名册》填表要求和指标解释"),
]


@pytest.mark.parametrize(("slug", "document", "seed", "heading"), NOTES)
def test_notes_are_the_seeds_character_by_character(slug, document, seed, heading):
    form = get_form(slug).with_notes(document)
    ours = our_lines(form.notes)
    assert ours == seed_lines(seed, heading, len(ours))
    # The heading printed above the notes is the seed's (line breaks aside).
    assert form.notes_title.replace("\n", "") == heading.replace("\n", "")


def test_the_three_variants_of_the_unreachable_register_differ_where_the_seeds_do():
    form = get_form("unreachable-register")
    first = {key: our_lines(form.with_notes(key).notes)[0] for key in ("000", "002", "004")}
    assert first == {
        "000": "1.本表由党支部填写，逐级汇总后，报党委组织部。",
        "002": "1、本表由党支部填写，一式五份，逐级报省（区、市）、部门（系统）组织部门。",
        "004": "1．本表由各党（工）委在协调有关部门再次深入查找的基础上填写，报县委组织部。",
    }
    assert "3.年龄、党龄：计算截止时间以填表日期为准。" in our_lines(form.with_notes("000").notes)
    assert [k for k, _label in form.notes_choices()] == ["002", "000", "004"]


def test_registration_prints_its_19_notes():
    from paicha.reports.catalogue.registration import NOTES, NOTES_TITLE

    lines = our_lines(NOTES)
    assert len(lines) == 19
    assert lines == seed_lines("002", "《中国共产党党员基本情况登记表》\n填表说明", 19)
    assert NOTES_TITLE == "《中国共产党党员基本情况登记表》\n填表说明"


@pytest.mark.parametrize(
    ("slug", "seed"),
    [
        ("hardship-register", "002"),
        ("religious-register", "002"),
        ("investigation-register", "003"),
        ("disposition-summary", "001"),
        ("disposition-summary", "003"),
        ("attachment3", "001"),
        ("attachment3", "003"),
    ],
)
def test_titles_of_forms_the_documents_name_without_printing(slug, seed):
    # The documents wrap lines inside a title; the title's own characters are compared.
    assert f"《{get_form(slug).title}》" in "".join(seed_text(seed).split())


def test_the_two_disposition_sheets_have_their_own_titles_and_layouts():
    sheet, summary = get_form("attachment5"), get_form("disposition-summary")
    assert sheet.title == "与党组织失去联系党员规范管理和组织处置有关情况统计表"
    assert summary.title == "与党组织失去联系党员管理及处置情况汇总表"
    assert sheet.title in seed_text("004")
    # The seed's sheet: 统计时间 then A…X, the 填报单位 named below; the 汇总表: one row per unit.
    assert [c.key for c in sheet.columns][:2] == ["time", "A"]
    assert [c.key for c in summary.columns][:2] == ["unit", "A"]
    assert sheet.header_fields == ("负责领导（签字）",)
    assert "填报单位（盖章）" in sheet.footer_fields
    assert summary.header_fields == ("填报单位（盖章）", "填表日期")


def test_catalogue_labels_name_the_document_and_its_attachment():
    assert get_form("attachment3").source_label == (
        "《关于深入推进党员组织关系排查工作的通知》（组织部，2016年9月20日）附件3；"
        "《关于开展党员组织关系集中排查的通知》（校党委组织部，2016年3月）附件3；"
        "湘组〔2016〕4号《中共湖南省委组织部关于开展党员组织关系集中排查的通知》附件4"
    )
    # The two forms called 经查找取得联系党员登记表 are told apart.
    assert (
        get_form("regained-register").source_label
        != get_form("regained-register-school").source_label
    )
    assert get_form("regained-register-school").source_label.endswith("附件1")
    assert get_form("investigation-register").source_label == (
        "湘组〔2016〕4号《中共湖南省委组织部关于开展党员组织关系集中排查的通知》附件1"
    )
    assert get_document("case-jishi").title == "失联党员查找处置全程纪实表"


def test_no_note_speaks_of_our_seed_numbering():
    from paicha.reports.declarations import all_forms

    for form in all_forms():
        assert "依据文件" not in form.notes and "未印出" not in form.notes, form.slug
