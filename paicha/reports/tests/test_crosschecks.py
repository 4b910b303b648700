"""Each cross-check holds on consistent records and fails when either of its sides is wrong;
回执统计 counts only what is dated on or before its fill date."""

import datetime

import pytest
from django.urls import reverse

from paicha.codes import PersonCategory, ProvinceScope, StudentLevel, TransferPermanence
from paicha.conftest import make_member
from paicha.core.catalogue import _FORMS
from paicha.reports import crosschecks
from paicha.reports.declarations import get_form
from paicha.transfers import services as transfers

from .test_attachment5_cohort import cohort  # noqa: F401  (fixture)
from .test_lost_forms import FILL, cases  # noqa: F401  (fixture)

D = datetime.date


def failed(checks):
    return [(c.where, c.detail) for c in checks if not c.ok]


def test_register_checks_hold_on_consistent_records(tree, cases):  # noqa: F811
    assert failed(crosschecks.summary_register_checks(org=tree.root, as_of=FILL)) == []


def test_register_check_fails_when_the_register_is_wrong(tree, cases, monkeypatch):  # noqa: F811
    monkeypatch.setattr(
        _FORMS["unreachable-register"], "rows", lambda self, *, org, as_of: [{}, {}, {}]
    )
    assert failed(crosschecks.summary_register_checks(org=tree.root, as_of=FILL)) == [
        ("附件3 第3行 / 经查找仍然无法取得联系党员登记表", "2 ≠ 3")
    ]


def test_register_check_fails_when_the_summary_is_wrong(tree, cases):  # noqa: F811
    rows = get_form("attachment3").rows(org=tree.root, as_of=FILL)
    rows[1]["total"] += 1
    assert failed(
        crosschecks.summary_register_checks(org=tree.root, as_of=FILL, summary_rows=rows)
    ) == [("附件3 第2行 / 经查找取得联系党员登记表", "4 ≠ 3")]


def test_band_check_fails_when_the_total_is_wrong(tree, cases):  # noqa: F811
    form = get_form("attachment3")
    rows = form.rows(org=tree.root, as_of=FILL)
    assert failed(form.checks(rows, org=tree.root, as_of=FILL)) == []
    rows[2]["total"] = 5
    assert {rule for rule, _ in failed(form.checks(rows, org=tree.root, as_of=FILL))} == {
        "经查找仍然无法取得联系党员"
    }
    assert len(failed(form.checks(rows, org=tree.root, as_of=FILL))) == 7  # every group


@pytest.fixture
def year_of_transfers(tree):
    """Out of branch A1 in 2016: a letter of 03-01 receipted 11-20; a letter of 11-15
    receipted 12-01; a letter of 05-01 sent back on 11-01 (a postgraduate, 省外). Into A1: a
    letter of 02-01 receipted the same day (an undergraduate)."""

    def out(name, letter, scope=ProvinceScope.WITHIN, **member):
        person = make_member(tree.branch_a1, name, join_date=D(2010, 1, 1), **member)
        return transfers.transfer_out_create(
            member=person,
            letter_date=letter,
            province_scope=scope,
            counterpart_name="中共某县委组织部",
            permanence=TransferPermanence.PERMANENT,
            acting_user=tree.department,
        )

    transfers.transfer_receipt_record(
        transfer=out("甲", D(2016, 3, 1)), on=D(2016, 11, 20), acting_user=tree.department
    )
    transfers.transfer_receipt_record(
        transfer=out("乙", D(2016, 11, 15)), on=D(2016, 12, 1), acting_user=tree.department
    )
    transfers.transfer_refuse(
        transfer=out(
            "丙",
            D(2016, 5, 1),
            ProvinceScope.OUTSIDE,
            person_category=PersonCategory.STUDENT,
            student_level=StudentLevel.POSTGRADUATE,
        ),
        on=D(2016, 11, 1),
        reason="查无此人",
        acting_user=tree.department,
    )
    transfers.transfer_in_register(
        organization=tree.branch_a1,
        letter_date=D(2016, 2, 1),
        receipt_date=D(2016, 2, 1),
        province_scope=ProvinceScope.WITHIN,
        counterpart_name="中共某市委组织部",
        member_fields={
            "name": "丁",
            "id_number": "430102199005170180",
            "join_date": D(2012, 1, 1),
            "full_date": D(2013, 1, 1),
            "person_category": PersonCategory.STUDENT,
            "student_level": StudentLevel.UNDERGRADUATE,
        },
        acting_user=tree.department,
    )


COUNTS = ("总数", "研究生", "本科生", "专科生", "省内", "省外", "回执收（寄）数")


@pytest.mark.parametrize(
    ("as_of", "into", "out_of"),
    [
        # 10-31: 甲 and 丙 (not yet sent back) out, no receipt yet; 丁 in with its receipt.
        (D(2016, 10, 31), (1, 0, 1, 0, 1, 0, 1), (2, 1, 0, 0, 1, 1, 0)),
        # 11-30: 丙 sent back, 乙 issued; 甲's receipt of 11-20 counts, 乙's of 12-01 not yet.
        (D(2016, 11, 30), (1, 0, 1, 0, 1, 0, 1), (2, 0, 0, 0, 2, 0, 1)),
        (D(2016, 12, 31), (1, 0, 1, 0, 1, 0, 1), (2, 0, 0, 0, 2, 0, 2)),
    ],
)
def test_receipt_statistics_count_only_what_is_dated_by_the_fill_date(
    tree, year_of_transfers, as_of, into, out_of
):
    result = get_form("receipt-statistics").build(org=tree.root, as_of=as_of)
    assert [tuple(row[c] for c in COUNTS) for row in result.rows] == [into, out_of]
    assert failed(result.checks) == []


def test_receipt_check_fails_when_the_form_is_wrong(tree, year_of_transfers, monkeypatch):
    from paicha.transfers import selectors

    real = selectors.receipt_statistics

    def off_by_one(**kwargs):
        rows = real(**kwargs)
        rows[1]["回执收（寄）数"] += 1
        return rows

    monkeypatch.setattr(selectors, "receipt_statistics", off_by_one)
    result = get_form("receipt-statistics").build(org=tree.root, as_of=D(2016, 11, 30))
    assert failed(result.checks) == [("回执情况统计表 转出组织关系数", "回执收（寄）数 2 ≠ 列表 1")]


def test_receipt_check_fails_when_the_list_is_wrong(tree, year_of_transfers, monkeypatch):
    real = crosschecks.receipt_statistics_from_list

    def missing_one(**kwargs):
        rows = real(**kwargs)
        rows["转入组织关系数"]["总数"] -= 1
        return rows

    monkeypatch.setattr(crosschecks, "receipt_statistics_from_list", missing_one)
    result = get_form("receipt-statistics").build(org=tree.root, as_of=D(2016, 11, 30))
    assert failed(result.checks) == [("回执情况统计表 转入组织关系数", "总数 1 ≠ 列表 0")]


def test_attachment5_check_holds_on_the_cohort_and_fails_when_a_misses_members(
    tree, cohort, monkeypatch
):  # noqa: F811
    from .test_attachment5_cohort import count_only_members_with_a_case

    fill = datetime.date(2016, 9, 20)
    assert failed(crosschecks.attachment5_checks(org=tree.root, as_of=fill)) == []
    count_only_members_with_a_case(monkeypatch)
    # 7 members of A have a case; by the rule 10 are 超过六个月 on 2016-01-01, 8 on 09-20.
    assert failed(crosschecks.attachment5_checks(org=tree.root, as_of=fill)) == [
        (
            "附件5 A（2016年1月1日至2016年9月20日） / 按证据另行计算",
            "A=6，2016年1月1日按证据计算为10",
        ),
        (
            "附件5 A（2016年1月1日至2016年9月20日） / 按证据另行计算",
            "A=6，2016年9月20日按证据计算为8",
        ),
    ]


def test_attachment5_check_fails_when_the_evidence_side_is_wrong(
    tree,
    cohort,  # noqa: F811
    monkeypatch,
):
    from paicha.evidence import selectors
    from paicha.members.models import Member

    monkeypatch.setattr(
        selectors,
        "lost_members_by_rule",
        lambda members, *, as_of, exclusive=False: Member.objects.all(),
    )
    assert [
        detail
        for _, detail in failed(
            crosschecks.attachment5_checks(org=tree.root, as_of=datetime.date(2016, 9, 20))
        )
    ] == ["A=11，2016年1月1日按证据计算为15", "A=11，2016年9月20日按证据计算为15"]


@pytest.fixture
def roster(tree):
    """Branch A1: one member paying dues, one lost, one 无记录待核实 and lost; branch B1: one."""
    from paicha.evidence import services as evidence
    from paicha.evidence.tests.conftest import pay

    evidence.books_set(
        organization=tree.root,
        opened_on=D(2015, 1, 1),
        acting_user=tree.department,
        as_of=D(2016, 9, 20),
    )
    since = {"branch_entry_date": D(2010, 1, 1)}
    pay(make_member(tree.branch_a1, "甲", **since), D(2016, 9, 1))
    pay(make_member(tree.branch_a1, "乙", **since), D(2016, 1, 1))
    make_member(tree.branch_a1, "丙", **since)
    make_member(tree.branch_b1, "丁", **since)


def test_home_and_dashboard_agree_and_each_side_can_fail(tree, roster, monkeypatch):
    from paicha.evidence import dashboard, selectors

    day = D(2016, 9, 20)
    assert failed(crosschecks.home_dashboard_checks(org=tree.root, as_of=day)) == []
    real_counts = selectors.roster_counts
    monkeypatch.setattr(
        selectors,
        "roster_counts",
        lambda members, *, as_of: {**real_counts(members, as_of=as_of), "lost": 9},
    )
    assert failed(crosschecks.home_dashboard_checks(org=tree.root, as_of=day)) == [
        ("首页 / 统计看板", "9 ≠ 3")
    ]
    monkeypatch.setattr(selectors, "roster_counts", real_counts)
    real_totals = dashboard.branch_totals

    def one_more_member(members, *, org, as_of):
        totals = real_totals(members, org=org, as_of=as_of)
        return {**totals, "members": totals["members"] + 1}

    monkeypatch.setattr(dashboard, "branch_totals", one_more_member)
    assert failed(crosschecks.home_dashboard_checks(org=tree.root, as_of=day)) == [
        ("首页 / 统计看板", "4 ≠ 5")
    ]


def test_cross_check_page_lists_attachment5_and_home_checks(tree, roster, personas, client_for):
    page = client_for(personas["department"]).get(
        reverse("reports:crosschecks"), {"org": tree.root.code, "date": "2016-09-20"}
    )
    rules = [c.rule for c in page.context["checks"]]
    assert "A≥统计起始日超过六个月未联系的党员数（按证据另行计算）" in rules
    assert "首页“无记录待核实”＝统计看板“无记录待核实”（各党支部之和）" in rules
    # (附件3's 学历, 失去联系情形 and 职业 cannot band these members: no 学历 and no case.)
    assert [
        c.rule for c in page.context["checks"] if not c.ok and c.rule.startswith(("A≥", "首页"))
    ] == []
