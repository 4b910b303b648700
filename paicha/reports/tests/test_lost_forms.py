"""Golden tests of the lost-member forms on a fixed data set of cases."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from paicha.codes import CaseOutcome, DispositionState, Ethnicity, Gender, MemberType
from paicha.conftest import make_member
from paicha.reports.declarations import get_form
from paicha.reports.renderers.xlsx import render_xlsx

from .seeds import seed_cells

FILL = datetime.date(2016, 9, 20)


def make_case(
    member,
    *,
    outcome=CaseOutcome.SEARCHING,
    outcome_on=None,
    lost_since=None,
    reason="1",
    occupation="3",
    category=None,
    effective_on=None,
    **extra,
):
    from paicha.cases.models import Disposition, LostContactCase

    case = LostContactCase.objects.create(
        organization=member.organization,
        member=member,
        opened_on=datetime.date(2016, 3, 1),
        name=member.name,
        gender=member.gender,
        ethnicity=member.ethnicity,
        birth_date=member.birth_date,
        education=member.education,
        id_number=member.id_number,
        member_type=member.member_type,
        join_date=member.join_date,
        full_date=member.full_date,
        org_name=member.organization.name,
        org_category="5",
        lost_since=lost_since or datetime.date(2015, 3, 2),
        loss_reason=reason,
        occupation=occupation,
        outcome=outcome,
        outcome_on=outcome_on,
        **extra,
    )
    if category:
        Disposition.objects.create(
            case=case,
            category=category,
            proposal="依规处置",
            proposed_on=datetime.date(2016, 6, 1),
            state=DispositionState.EFFECTIVE,
            effective_on=effective_on,
        )
    return case


@pytest.fixture
def cases(tree):
    """Branch A1: regained + 限期改正 (F); regained, no disposition (N); unreachable, 自行脱党
    除名 (Q); searching (W); dead (X). Branch B1: regained + 保留组织关系 (D) effective after
    the fill date (so N on the fill date). College A itself: unreachable (W)."""
    m = lambda org, name, **kw: make_member(  # noqa: E731
        org,
        name,
        birth=datetime.date(1980, 1, 1),
        education="2",
        join_date=datetime.date(2000, 1, 1),
        full_date=datetime.date(2001, 1, 1),
        **kw,
    )
    a1 = tree.branch_a1
    return [
        make_case(
            m(a1, "甲"),
            outcome=CaseOutcome.REGAINED,
            outcome_on=datetime.date(2016, 5, 1),
            category="F",
            effective_on=datetime.date(2016, 6, 1),
            new_mobile="13900000001",
        ),
        make_case(
            m(a1, "乙", gender=Gender.FEMALE, ethnicity=Ethnicity.TUJIA),
            outcome=CaseOutcome.REGAINED,
            outcome_on=datetime.date(2016, 5, 2),
        ),
        make_case(
            m(a1, "丙"),
            outcome=CaseOutcome.UNREACHABLE,
            outcome_on=datetime.date(2016, 7, 1),
            category="Q",
            effective_on=datetime.date(2016, 8, 1),
            lost_since=datetime.date(2004, 1, 1),
        ),
        make_case(m(a1, "丁", member_type=MemberType.FULL), reason="7", remarks="长期在外"),
        make_case(
            m(a1, "戊"),
            outcome=CaseOutcome.DECEASED,
            outcome_on=datetime.date(2016, 4, 1),
            category="X",
            effective_on=datetime.date(2016, 4, 2),
        ),
        make_case(
            m(tree.branch_b1, "己"),
            outcome=CaseOutcome.REGAINED,
            outcome_on=datetime.date(2016, 5, 3),
            category="D",
            effective_on=datetime.date(2016, 10, 1),
        ),
        make_case(
            m(tree.college_a, "庚"),
            outcome=CaseOutcome.UNREACHABLE,
            outcome_on=datetime.date(2016, 7, 2),
        ),
    ]


def test_register_titles_match_the_seeds():
    assert [c.title for c in get_form("regained-register").columns] == seed_cells(
        "002", "》填表说明\n\n1、本表以支部", "姓  名", "备  注"
    )
    assert [c.title for c in get_form("regained-register-school").columns] == seed_cells(
        "000", "经查找取得联系党员登记表\n", "姓  名", "备  注"
    )
    assert [c.title for c in get_form("unreachable-register").columns] == seed_cells(
        "002", "仍然无法取得联系党员登记表\n\n\t\n\n\t填报单位", "姓  名", "备  注"
    )


def test_regained_register_rows(tree, cases):
    rows = get_form("regained-register").build(org=tree.branch_a1, as_of=FILL).display_rows()
    assert [r[0] for r in rows] == ["甲", "乙"]
    assert rows[0][3:8] == [36, 15, "大学本科", "③", ""]
    assert rows[0][8] == "2015年3月2日至2016年5月1日（1年1个月）"
    assert rows[0][9:12] == ["①", "⑤", "13900000001"]


def test_unreachable_register_and_lost_roster(tree, cases):
    rows = get_form("unreachable-register").build(org=tree.college_a, as_of=FILL).display_rows()
    # In tree order: the college's own member before its branches'.
    assert [r[0] for r in rows] == ["庚", "丙"]
    lost = get_form("lost-roster").build(org=tree.college_a, as_of=FILL).rows
    assert [r["name"] for r in lost] == ["庚", "丙", "丁"]
    assert lost[2]["remarks"] == "长期在外" and lost[2]["seq"] == 3


def test_attachment5_rows_per_child_and_total(tree, cases):
    result = get_form("attachment5-by-unit").build(org=tree.root, as_of=FILL)
    by_unit = {r["unit"]: r for r in result.rows}
    a, b, total = by_unit["文学院党委"], by_unit["理学院党委"], by_unit["合计"]
    assert {k: a[k] for k in "ABCFGNOPQWX"} == {
        "A": 6,
        "B": 2,
        "C": 1,
        "F": 1,
        "G": 0,
        "N": 1,
        "O": 3,
        "P": 1,
        "Q": 1,
        "W": 2,
        "X": 1,
    }
    assert (b["A"], b["B"], b["N"], b["D"]) == (1, 1, 1, 0)
    assert total["A"] == 7 and total["B"] == 3 and total["O"] == 3 and total["X"] == 1
    assert not result.failed_checks and len(result.checks) == 3 * 7 + 2  # + A by the evidence


def test_attachment5_counts_a_disposition_once_it_has_taken_effect(tree, cases):
    later = datetime.date(2016, 10, 2)
    row = {
        r["unit"]: r for r in get_form("attachment5-by-unit").build(org=tree.root, as_of=later).rows
    }
    assert (row["理学院党委"]["D"], row["理学院党委"]["C"], row["理学院党委"]["N"]) == (1, 1, 0)


def test_attachment5_checks_catch_a_broken_rollup(tree):
    form = get_form("attachment5-by-unit")
    row = {letter: 0 for letter in "ABCDEFGHIJKLMNOPQRSTUVWX"} | {"unit": "某党委", "A": 5, "B": 2}
    failed = [c for c in form.checks([row], org=tree.root, as_of=FILL) if not c.ok]
    assert {c.rule for c in failed} == {"A＝B+O+X", "B＝C+G+M+N"}
    assert "A=5，B+O+X=2" in next(c.detail for c in failed if c.rule == "A＝B+O+X")


def test_attachment5_xlsx_headers_letters_and_merges(tree, cases):
    result = get_form("attachment5-by-unit").build(org=tree.root, as_of=FILL)
    sheet = load_workbook(io.BytesIO(render_xlsx(result))).active
    merged = {str(r) for r in sheet.merged_cells.ranges}
    # 经查找取得联系的党员 spans B…N (columns D…P with 填报单位 and 统计时间 in front).
    assert sheet["D3"].value == "经查找取得联系的党员" and "D3:P3" in merged
    assert sheet["E4"].value == "纳入组织管理人数" and "E4:H4" in merged
    assert [sheet.cell(6, c).value for c in range(3, 27)] == list("ABCDEFGHIJKLMNOPQRSTUVWX")
    assert sheet.cell(7, 1).value == "文学院党委" and sheet.cell(7, 3).value == 6


def test_attachment5_numbers_lead_to_the_members_behind(tree, cases, personas, client_for):
    client = client_for(personas["reviewer_a"])
    page = client.get(
        reverse("reports:form", args=["attachment5-by-unit"]),
        {"org": tree.college_a.code, "date": "2016-09-20"},
    ).content.decode()
    assert "/reports/attachment5-by-unit/members/?" in page
    body = client.get(
        reverse("reports:members_behind", args=["attachment5-by-unit"]),
        {"org": tree.college_a.code, "date": "2016-09-20", "row": tree.branch_a1.code, "col": "W"},
    ).content.decode()
    assert "丁" in body and "甲" not in body
    # A reviewer of college A cannot drill into college B's numbers.
    response = client.get(
        reverse("reports:members_behind", args=["attachment5-by-unit"]),
        {"org": tree.root.code, "date": "2016-09-20", "row": tree.branch_b1.code, "col": "B"},
    )
    assert response.status_code == 404


def test_attachment3_bands_add_up(tree, cases):
    result = get_form("attachment3").build(org=tree.root, as_of=FILL)
    pre, regained, unreachable = result.rows
    assert (pre["total"], regained["total"], unreachable["total"]) == (7, 3, 2)
    assert pre["female"] == 1 and pre["minority"] == 1
    assert pre["age_45"] == 7 and pre["pa_20"] == 7 and pre["edu_college"] == 7
    # Lost from 2015-03-02 to the end of each search (13–18 months); 丙 since 2004.
    assert pre["lost_5"] == 6 and pre["lost_11"] == 1 and pre["lost_1"] == 0
    assert pre["reason_1"] == 6 and pre["reason_7"] == 1 and pre["cat_5"] == 7
    assert not result.failed_checks
    assert result.header["填报单位（盖章）"] == "中共测试大学委员会"


def test_attachment3_reports_cases_it_cannot_band(tree, cases):
    cases[0].occupation = ""
    cases[0].save()
    failed = get_form("attachment3").build(org=tree.root, as_of=FILL).failed_checks
    assert any(c.rule == "职业各项之和＝总数" and "甲" in c.detail for c in failed)


def test_stocktaking_counts_by_child(tree, cases):
    make_member(tree.branch_a1, "在册学生", person_category="student")
    make_member(tree.branch_a1, "口袋学生", person_category="student", pocket=True)
    rows = get_form("stocktaking-students").build(org=tree.root, as_of=FILL).rows
    total = rows[-1]
    assert total["unit"] == "合计" and total["total"] == 2 and total["pocket"] == 1


def test_receipt_statistics_title_and_rows(tree):
    result = get_form("receipt-statistics").build(org=tree.root, as_of=FILL)
    assert result.title == "2016年度党员组织关系回执情况统计表"
    assert [r["项目"] for r in result.rows] == ["转入组织关系数", "转出组织关系数"]
    assert result.header == {"填报单位": "中共测试大学委员会", "填报时间": "2016年9月"}
    titles = [c.title for c in get_form("receipt-statistics").columns]
    assert titles == seed_cells(
        "000", "2016年度党员组织关系回执情况统计表", "项 目", "回执收（寄）数"
    )


def test_cross_checks_agree_on_consistent_data(tree, cases):
    from paicha.reports.crosschecks import cross_checks

    checks = cross_checks(org=tree.root, as_of=FILL)
    # 2 register checks, 7 band groups × 3 rows of 附件3, 2 rows of 回执统计, 附件5 A on its
    # first and last day, 3 counts of the home page.
    assert len(checks) == 30 and all(c.ok for c in checks), [c.detail for c in checks if not c.ok]


def test_cross_checks_name_the_disagreeing_forms(tree, cases, monkeypatch):
    from paicha.core.catalogue import _FORMS
    from paicha.reports.crosschecks import cross_checks

    register = _FORMS["regained-register"]
    monkeypatch.setattr(register, "rows", lambda self, *, org, as_of: [{}])  # one row, not 3
    failed = [c for c in cross_checks(org=tree.root, as_of=FILL) if not c.ok]
    assert [c.where for c in failed] == ["附件3 第2行 / 经查找取得联系党员登记表"]
    assert failed[0].detail == "3 ≠ 1"


def test_cross_check_page_is_scoped(tree, cases, personas, client_for):
    from django.urls import reverse

    url = reverse("reports:crosschecks")
    body = client_for(personas["reviewer_a"]).get(url, {"date": "2016-09-20"}).content.decode()
    assert "一致" in body
    assert (
        client_for(personas["worker_b1"]).get(url, {"org": tree.college_a.code}).status_code == 404
    )
