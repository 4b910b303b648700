"""附件5 as the cohort of its reporting period: A from the evidence, case or no case."""

import datetime

import pytest

from paicha.codes import CaseOutcome, MemberStatus
from paicha.conftest import make_member
from paicha.evidence import selectors, services
from paicha.evidence.tests.conftest import pay
from paicha.members.models import Member
from paicha.reports.declarations import get_form

from .test_lost_forms import make_case

D = datetime.date
S, FILL = D(2016, 1, 1), D(2016, 9, 20)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWX"


@pytest.fixture
def cohort(tree):
    """Members of college A (branch A1) and college B (branch B1), all in their branch since
    2010; the books of the whole tree open on 2010-01-01."""
    services.books_set(
        organization=tree.root, opened_on=D(2010, 1, 1), acting_user=tree.department, as_of=FILL
    )

    def m(name, *payments, org=None, **extra):
        member = make_member(
            org or tree.branch_a1,
            name,
            branch_entry_date=D(2010, 1, 1),
            join_date=D(2009, 1, 1),
            **extra,
        )
        for day in payments:
            pay(member, day)
        return member

    made = {
        "甲": m("甲", D(2015, 6, 1)),  # lost, no case: W
        "乙": m("乙", D(2015, 6, 1)),  # case searching: W
        "丙": m("丙", D(2015, 6, 1)),  # regained, no decision: N
        "丁": m("丁", D(2015, 6, 1)),  # regained, 限期改正 by D: F
        "戊": m("戊", D(2015, 6, 1)),  # unreachable, 自行脱党除名: Q
        "己": m("己", D(2015, 6, 1)),  # 停止党籍 only after D: W
        "庚": m("庚", D(2015, 6, 1)),  # died on the roster, no case: X
        "辛": m("辛", D(2015, 5, 1), D(2016, 4, 1)),  # lost on S, paid again: N
        "壬": m("壬", D(2015, 10, 1), D(2016, 3, 10)),  # lost from 2016-09-11: W
        "癸": m("癸", D(2015, 12, 1), D(2016, 3, 20)),  # exactly six months on D: not A
        "子": m("子", D(2015, 12, 1), D(2016, 2, 1), D(2016, 8, 1)),  # never lost: not A
        "丑": m("丑", D(2015, 1, 1)),  # removed before S: not A
        "寅": m("寅", D(2015, 3, 1), D(2015, 12, 31), D(2016, 6, 1)),  # lost before S only
        "卯": m("卯", D(2015, 6, 1)),  # case: confirmed dead: X
        "辰": m("辰", D(2015, 6, 1), org=tree.branch_b1),  # college B, no case: W
    }
    make_case(made["乙"])
    make_case(made["丙"], outcome=CaseOutcome.REGAINED, outcome_on=D(2016, 5, 1))
    make_case(
        made["丁"],
        outcome=CaseOutcome.REGAINED,
        outcome_on=D(2016, 5, 1),
        category="F",
        effective_on=D(2016, 6, 1),
    )
    make_case(
        made["戊"],
        outcome=CaseOutcome.UNREACHABLE,
        outcome_on=D(2016, 7, 1),
        category="Q",
        effective_on=D(2016, 8, 1),
    )
    Member.objects.filter(pk=made["戊"].pk).update(
        status=MemberStatus.REMOVED, status_date=D(2016, 8, 1)
    )
    make_case(
        made["己"],
        outcome=CaseOutcome.UNREACHABLE,
        outcome_on=D(2016, 7, 1),
        category="T",
        effective_on=D(2016, 10, 1),
    )
    Member.objects.filter(pk=made["庚"].pk).update(
        status=MemberStatus.DECEASED, status_date=D(2016, 4, 1)
    )
    Member.objects.filter(pk=made["丑"].pk).update(
        status=MemberStatus.REMOVED, status_date=D(2015, 12, 1)
    )
    make_case(made["卯"], outcome=CaseOutcome.DECEASED, outcome_on=D(2016, 5, 1))
    return made


def row(**values):
    return {letter: values.get(letter, 0) for letter in LETTERS}


def test_attachment5_counts_the_cohort_of_the_period_case_or_no_case(tree, cohort):
    result = get_form("attachment5-by-unit").build(org=tree.root, as_of=FILL)
    by_unit = {r["unit"]: r for r in result.rows}
    assert {k: by_unit["文学院党委"][k] for k in LETTERS} == row(
        A=10, B=3, C=1, F=1, N=2, O=5, P=1, Q=1, W=4, X=2
    )
    assert {k: by_unit["理学院党委"][k] for k in LETTERS} == row(A=1, O=1, W=1)
    assert {k: by_unit["合计"][k] for k in LETTERS} == row(
        A=11, B=3, C=1, F=1, N=2, O=6, P=1, Q=1, W=5, X=2
    )
    assert by_unit["合计"]["time"] == "2016年1月1日至2016年9月20日"
    assert not result.failed_checks
    # The seed's sheet prints the same totals in its one row.
    (sheet,) = get_form("attachment5").rows(org=tree.root, as_of=FILL)
    assert {k: sheet[k] for k in LETTERS} == row(A=11, B=3, C=1, F=1, N=2, O=6, P=1, Q=1, W=5, X=2)


def test_the_cells_lead_to_the_members_counted(tree, cohort):
    form = get_form("attachment5-by-unit")

    def names(letter, unit=tree.college_a):
        return sorted(
            m.name
            for m in form.members_behind(
                org=tree.root, as_of=FILL, row_code=unit.code, letter=letter
            )
        )

    assert names("W") == ["乙", "壬", "己", "甲"]
    assert names("N") == ["丙", "辛"]
    assert names("X") == ["卯", "庚"]
    assert names("A") == sorted("甲乙丙丁戊己庚辛壬卯")
    assert names("W", tree.college_b) == ["辰"]


def test_a_is_the_union_of_the_rule_over_every_day_of_the_period(tree, cohort):
    """A second path: the members 超过六个月 by the rule (no derived stretches) on each day of
    [S, D], on that day's roster."""
    by_rule, day = set(), S
    while day <= FILL:
        by_rule |= set(
            selectors.lost_members_by_rule(
                Member.objects.all(), as_of=day, exclusive=True
            ).values_list("name", flat=True)
        )
        day += datetime.timedelta(days=1)
    cohort_names = set(
        selectors.lost_cohort(Member.objects.all(), start=S, end=FILL).values_list(
            "name", flat=True
        )
    )
    assert cohort_names == by_rule == set("甲乙丙丁戊己庚辛壬卯辰")


def test_the_period_starts_at_the_campaign_running_on_the_fill_date(tree, cohort):
    from paicha.campaigns.models import Campaign

    Campaign.objects.create(
        organization=tree.root, name="失联党员集中排查", start=D(2016, 6, 1), end=D(2016, 12, 31)
    )
    total = get_form("attachment5-by-unit").rows(org=tree.root, as_of=FILL)[-1]
    # 辛 was lost only before 2016-04-01 and 庚 died on 2016-04-01: outside [06-01, 09-20].
    assert total["time"] == "2016年6月1日至2016年9月20日"
    assert (total["A"], total["N"], total["X"]) == (9, 1, 1)
    picked = get_form("attachment5-by-unit").rows(org=tree.root, as_of=FILL, start=S)[-1]
    assert picked["A"] == 11


def count_only_members_with_a_case(monkeypatch):
    """Break A the way the old form was broken: the cohort keeps only members with a case."""
    from paicha.cases.models import LostContactCase

    real = selectors.lost_cohort_members

    def only_cases(org, *, start, end):
        with_case = set(LostContactCase.objects.values_list("member_id", flat=True))
        cohort = real(org, start=start, end=end)
        cohort.paths = {pk: path for pk, path in cohort.paths.items() if pk in with_case}
        return cohort

    monkeypatch.setattr(selectors, "lost_cohort_members", only_cases)


def test_the_cohort_check_fails_when_a_counts_only_members_with_a_case(tree, cohort, monkeypatch):
    form = get_form("attachment5-by-unit")
    assert not form.build(org=tree.root, as_of=FILL).failed_checks
    count_only_members_with_a_case(monkeypatch)
    result = form.build(org=tree.root, as_of=FILL)
    assert result.rows[-1]["A"] == 6
    failed = [c for c in result.failed_checks if c.rule.startswith("A≥")]
    # By the rule: 10 members 超过六个月 on S (甲乙丙丁戊己庚辛卯辰), 8 on D (甲乙丙丁己壬卯辰).
    assert [c.detail for c in failed] == [
        "A=6，2016年1月1日按证据计算为10",
        "A=6，2016年9月20日按证据计算为8",
    ]


def test_figures_agree_with_the_members_behind_them_on_random_histories(tree):
    """The figures are counted from the stretches and one query over the cases; the drill-down
    reaches its members through the per-member queryset (lost_cohort). On random histories,
    with members leaving the roster and cases in every state, both give the same people."""
    import random

    from django.db.models import Count
    from django.db.models.functions import Substr

    from paicha.evidence.tests.conftest import attend
    from paicha.organizations.tree import SEGMENT_WIDTH

    from ..catalogue.dispositions import cohort_with_letters

    services.books_set(
        organization=tree.root,
        opened_on=D(2014, 1, 1),
        acting_user=tree.department,
        as_of=D(2017, 1, 1),
    )
    rng = random.Random(11)
    outcomes = [
        (CaseOutcome.SEARCHING, None),
        (CaseOutcome.REGAINED, "F"),
        (CaseOutcome.REGAINED, None),
        (CaseOutcome.UNREACHABLE, "Q"),
        (CaseOutcome.UNREACHABLE, None),
        (CaseOutcome.DECEASED, None),
    ]
    branches = (tree.branch_a1, tree.branch_b1, tree.college_a)
    for n in range(36):
        member = make_member(
            branches[n % 3], f"王{n:02d}", branch_entry_date=D(2014, 1, 1), join_date=D(2010, 1, 1)
        )
        day = D(2014, 1, 1) + datetime.timedelta(days=rng.randrange(0, 400))
        while day < D(2016, 12, 1) and rng.random() < 0.85:
            (attend if rng.random() < 0.5 else pay)(member, day)
            day += datetime.timedelta(days=rng.choice((30, 90, 170, 190, 240, 400)))
        if n % 4 == 0:
            outcome, category = outcomes[rng.randrange(len(outcomes))]
            on = D(2016, 1, 1) + datetime.timedelta(days=rng.randrange(0, 300))
            make_case(
                member,
                outcome=outcome,
                outcome_on=None if outcome == CaseOutcome.SEARCHING else on,
                category=category,
                effective_on=on + datetime.timedelta(days=20),
            )
        if rng.random() < 0.4:
            left = D(2015, 6, 1) + datetime.timedelta(days=rng.randrange(0, 600))
            status = MemberStatus.DECEASED if n % 2 else MemberStatus.REMOVED
            Member.objects.filter(pk=member.pk).update(status=status, status_date=left)
    form = get_form("attachment5-by-unit")
    compared = 0
    for start, end in (
        (D(2016, 1, 1), D(2016, 6, 30)),
        (D(2016, 3, 1), D(2016, 11, 30)),
        (D(2015, 1, 1), D(2015, 12, 31)),
    ):
        for org in (tree.root, tree.college_a):
            members = Member.objects.in_subtree(org)
            assert set(selectors.lost_cohort_members(org, start=start, end=end).paths) == set(
                selectors.lost_cohort(members, start=start, end=end).values_list("pk", flat=True)
            )
            child = Substr("org_path", 1, len(org.path) + SEGMENT_WIDTH)
            behind: dict = {}
            for item in (
                cohort_with_letters(members, start=start, as_of=end)
                .annotate(child=child)
                .values("child", "letter")
                .annotate(n=Count("id"))
                .order_by()
            ):
                behind.setdefault(item["child"], {})[item["letter"]] = item["n"]
            counted = form.counts_by_child(org=org, as_of=end, start=start)
            assert counted == behind, (org.name, start, end)
            compared += sum(sum(v.values()) for v in counted.values())
    assert compared > 20  # the histories do put members in A
