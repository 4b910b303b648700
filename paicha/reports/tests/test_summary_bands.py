"""附件3's bands at their edges, each expected value worked out by hand from the definitions:
ages and 党龄 in completed years on the fill date (an anniversary counts on its day, a 29
February one on 1 March), 失去联系时间 in whole months from the last contact to the end of the
search (a month from the 31st ends on the last day of a shorter month)."""

import datetime

import pytest

from paicha.codes import CaseOutcome, MemberType
from paicha.conftest import make_member
from paicha.reports.catalogue.summary import GROUPS
from paicha.reports.declarations import get_form

from .test_lost_forms import make_case

D = datetime.date
FILL = D(2016, 10, 31)
BIRTH, JOIN, FULL = D(1980, 1, 1), D(2000, 1, 1), D(2001, 1, 1)
LOST_SINCE, OUTCOME_ON = D(2015, 3, 2), D(2016, 5, 1)


def regained_row_bands(
    tree,
    group,
    *,
    as_of=FILL,
    birth=BIRTH,
    join=JOIN,
    full=FULL,
    lost_since=LOST_SINCE,
    outcome_on=OUTCOME_ON,
    **member,
):
    """The columns of `group` where one regained member counts on row 2 of 附件3."""
    person = make_member(
        tree.branch_a1, "边界", birth=birth, join_date=join, full_date=full, education="2", **member
    )
    make_case(person, outcome=CaseOutcome.REGAINED, outcome_on=outcome_on, lost_since=lost_since)
    row = get_form("attachment3").build(org=tree.root, as_of=as_of).rows[1]
    assert row["total"] == 1
    return [key for key in GROUPS[group] if row[key]]


@pytest.mark.parametrize(
    ("birth", "as_of", "band"),
    [
        (D(1981, 10, 31), D(2016, 10, 31), "age_35"),  # 35 today
        (D(1980, 11, 1), D(2016, 10, 31), "age_35"),  # 36 tomorrow
        (D(1980, 10, 31), D(2016, 10, 31), "age_45"),  # 36 today
        (D(1971, 11, 1), D(2016, 10, 31), "age_45"),  # 44
        (D(1970, 11, 1), D(2016, 10, 31), "age_45"),  # 45
        (D(1970, 10, 31), D(2016, 10, 31), "age_60"),  # 46
        (D(1955, 11, 1), D(2016, 10, 31), "age_60"),  # 60
        (D(1955, 10, 31), D(2016, 10, 31), "age_61"),  # 61
        (D(1980, 3, 1), D(2016, 2, 29), "age_35"),  # 35 on a 29 February fill date
        (D(1980, 2, 29), D(2016, 2, 29), "age_45"),  # 36 on his own birthday
        (D(1980, 2, 29), D(2015, 2, 28), "age_35"),  # 34: a 29 February birthday waits for 1 March
        (D(1970, 3, 1), D(2016, 2, 29), "age_45"),  # 45
        (D(1970, 2, 28), D(2016, 2, 29), "age_60"),  # 46
    ],
)
def test_age_bands_at_their_edges(tree, birth, as_of, band):
    assert regained_row_bands(
        tree,
        "年龄",
        birth=birth,
        join=D(1999, 1, 1),
        full=D(2000, 1, 1),
        as_of=as_of,
        outcome_on=min(as_of, D(2016, 5, 1)),
    ) == [band]


@pytest.mark.parametrize(
    ("full", "band"),
    [
        (D(2015, 11, 1), "pa_1"),  # 0 years
        (D(2015, 10, 31), "pa_5"),  # 1
        (D(2011, 10, 31), "pa_5"),  # 5
        (D(2011, 10, 30), "pa_5"),  # 5
        (D(2010, 10, 31), "pa_10"),  # 6
        (D(2006, 11, 1), "pa_10"),  # 9
        (D(2006, 10, 31), "pa_10"),  # 10
        (D(2005, 10, 31), "pa_20"),  # 11
        (D(1996, 10, 31), "pa_20"),  # 20
        (D(1995, 11, 1), "pa_20"),  # 20 (21 tomorrow)
        (D(1995, 10, 31), "pa_21"),  # 21
    ],
)
def test_party_age_bands_at_their_edges(tree, full, band):
    assert regained_row_bands(tree, "党龄", birth=D(1960, 1, 1), join=D(1990, 1, 1), full=full) == [
        band
    ]


def test_probationary_member_counts_under_one_year_and_as_probationary(tree):
    person = make_member(
        tree.branch_a1,
        "预备",
        birth=D(1990, 1, 1),
        join_date=D(2016, 3, 1),
        member_type=MemberType.PROBATIONARY,
        education="2",
    )
    make_case(
        person, outcome=CaseOutcome.REGAINED, outcome_on=D(2016, 10, 1), lost_since=D(2016, 3, 1)
    )
    row = get_form("attachment3").build(org=tree.root, as_of=D(2016, 10, 31)).rows[1]
    assert (row["total"], row["probationary"], row["pa_1"], row["lost_1"]) == (1, 1, 1, 1)


# 失去联系时间 from its start to its end, and the band it falls in (none below six months).
LOST_EDGES = [
    (D(2016, 4, 30), D(2016, 10, 31), ["lost_1"]),  # 6 months
    (D(2016, 5, 1), D(2016, 10, 31), []),  # 5 months: not yet in any band
    (D(2016, 3, 31), D(2016, 9, 30), ["lost_1"]),  # 6: 31 March + 6 months = 30 September
    (D(2016, 3, 31), D(2016, 9, 29), []),  # 5
    (D(2016, 2, 29), D(2016, 8, 31), ["lost_1"]),  # 6
    (D(2015, 8, 31), D(2016, 2, 29), ["lost_1"]),  # 6: leap year's February end
    (D(2015, 8, 29), D(2016, 2, 28), []),  # 5: 29 February not reached
    (D(2014, 8, 31), D(2015, 2, 28), ["lost_1"]),  # 6: common year's February end
    (D(1999, 8, 31), D(2000, 2, 29), ["lost_1"]),  # 6: 2000 is a leap year
    (D(2015, 10, 31), D(2016, 10, 30), ["lost_1"]),  # 11 months
    (D(2015, 10, 30), D(2016, 10, 30), ["lost_5"]),  # 12
    (D(2010, 11, 1), D(2016, 10, 31), ["lost_5"]),  # 71
    (D(2010, 10, 31), D(2016, 10, 31), ["lost_10"]),  # 72
    (D(2005, 11, 1), D(2016, 10, 31), ["lost_10"]),  # 131
    (D(2005, 10, 31), D(2016, 10, 31), ["lost_11"]),  # 132
]


@pytest.mark.parametrize(("lost_since", "outcome_on", "bands"), LOST_EDGES)
def test_lost_time_bands_at_their_edges(tree, lost_since, outcome_on, bands):
    assert (
        regained_row_bands(tree, "失去联系时间", lost_since=lost_since, outcome_on=outcome_on)
        == bands
    )


def test_a_record_outside_every_band_fails_the_group_check_by_name(tree):
    person = make_member(
        tree.branch_a1,
        "五个月",
        birth=D(1980, 1, 1),
        join_date=D(2000, 1, 1),
        full_date=D(2001, 1, 1),
        education="2",
    )
    make_case(
        person, outcome=CaseOutcome.REGAINED, outcome_on=D(2016, 10, 31), lost_since=D(2016, 5, 1)
    )
    result = get_form("attachment3").build(org=tree.root, as_of=D(2016, 10, 31))
    failed = [c for c in result.failed_checks if c.where == "经查找取得联系党员"]
    assert [c.rule for c in failed] == ["失去联系时间各项之和＝总数"]
    assert failed[0].detail == "失去联系时间各项之和 0，总数 1；无法归类：五个月"


def pre_row(tree, as_of):
    return get_form("attachment3").build(org=tree.root, as_of=as_of).rows[0]


@pytest.mark.parametrize(("lost_since", "fill", "bands"), LOST_EDGES)
def test_row_one_lost_time_bands_at_their_edges_from_the_case(tree, lost_since, fill, bands):
    """Row 1 (no campaign: counted on the fill date) reads 失去联系时间 from the member's case."""
    from paicha.cases.models import LostContactCase

    person = make_member(
        tree.branch_a1,
        "边界",
        birth=BIRTH,
        join_date=D(1990, 1, 1),
        full_date=D(1991, 1, 1),
        branch_entry_date=D(1990, 1, 1),
        education="2",
    )
    case = make_case(person, lost_since=lost_since)
    LostContactCase.objects.filter(pk=case.pk).update(opened_on=fill)
    row = pre_row(tree, fill)
    assert row["total"] == 1
    assert [key for key in GROUPS["失去联系时间"] if row[key]] == bands


@pytest.mark.parametrize(("last_paid", "fill", "bands"), [e for e in LOST_EDGES if e[2]])
def test_row_one_lost_time_bands_at_their_edges_from_the_evidence(tree, last_paid, fill, bands):
    """A lost member with no case: 失去联系时间 runs from his last evidence."""
    from paicha.evidence.tests.conftest import pay

    person = make_member(
        tree.branch_a1,
        "边界",
        birth=BIRTH,
        join_date=D(1990, 1, 1),
        full_date=D(1991, 1, 1),
        branch_entry_date=D(1990, 1, 1),
        education="2",
    )
    pay(person, last_paid)
    row = pre_row(tree, fill)
    assert row["total"] == 1
    assert [key for key in GROUPS["失去联系时间"] if row[key]] == bands
