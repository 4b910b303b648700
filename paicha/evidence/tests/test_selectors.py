import datetime
import io
import random

import pytest

from paicha.codes import AttendanceStatus, FlowScope, MemberStatus
from paicha.conftest import make_member
from paicha.core.dates import add_months, months_between
from paicha.evidence import selectors
from paicha.evidence.gaps import catch_up, refresh_gaps
from paicha.evidence.models import EvidenceGap
from paicha.members.models import Member

from .conftest import attend, contact, pay

D = datetime.date


def lost_names(as_of, qs=None):
    qs = qs if qs is not None else Member.objects.all()
    return sorted(m.name for m in selectors.lost_members(qs, as_of=as_of))


# ---- the six-month boundary --------------------------------------------------------------------


@pytest.mark.parametrize("seen_by", ["attend", "pay"])
def test_last_seen_2016_03_20_is_lost_from_09_20_and_over_six_months_from_09_21(tree, seen_by):
    member = make_member(
        tree.branch_a1, "王边界", branch_entry_date=D(2010, 1, 1), join_date=D(2009, 1, 1)
    )
    (attend if seen_by == "attend" else pay)(member, D(2016, 3, 20))
    everyone = Member.objects.all()
    # 失联 "6个月以上" includes the sixth month's day; 超过六个月 excludes it.
    assert lost_names(D(2016, 9, 19)) == []
    assert lost_names(D(2016, 9, 20)) == ["王边界"]
    assert selectors.lost_members(everyone, as_of=D(2016, 9, 20)).get().exactly_six is True
    assert selectors.lost_members(everyone, as_of=D(2016, 9, 21)).get().exactly_six is False
    assert not selectors.over_six_months(everyone, as_of=D(2016, 9, 20)).exists()
    assert selectors.over_six_months(everyone, as_of=D(2016, 9, 21)).count() == 1
    assert selectors.lost_members_by_rule(everyone, as_of=D(2016, 9, 19)).count() == 0
    assert selectors.lost_members_by_rule(everyone, as_of=D(2016, 9, 20)).count() == 1
    assert (
        selectors.lost_members_by_rule(everyone, as_of=D(2016, 9, 20), exclusive=True).count() == 0
    )
    assert (
        selectors.lost_members_by_rule(everyone, as_of=D(2016, 9, 21), exclusive=True).count() == 1
    )


@pytest.mark.parametrize(
    ("last", "lost_from", "over_from"),
    [
        (D(2016, 4, 30), D(2016, 10, 30), D(2016, 10, 31)),
        (D(2016, 8, 31), D(2017, 2, 28), D(2017, 3, 1)),
        (D(2016, 8, 29), D(2017, 2, 28), D(2017, 3, 1)),
        (D(2015, 8, 31), D(2016, 2, 29), D(2016, 3, 1)),
        (D(2016, 3, 31), D(2016, 9, 30), D(2016, 10, 1)),
    ],
)
def test_six_month_boundaries_at_month_ends(tree, last, lost_from, over_from):
    member = make_member(tree.branch_a1, "王月末", branch_entry_date=D(2010, 1, 1))
    pay(member, last)
    everyone = Member.objects.all()
    before = lost_from - datetime.timedelta(days=1)
    for fast, rule in ((selectors.lost_members, selectors.lost_members_by_rule),):
        assert not fast(everyone, as_of=before).exists()
        assert not rule(everyone, as_of=before).exists()
        assert fast(everyone, as_of=lost_from).get().exactly_six is True
        assert rule(everyone, as_of=lost_from).count() == 1
    assert not selectors.over_six_months(everyone, as_of=lost_from).exists()
    assert not selectors.lost_members_by_rule(everyone, as_of=lost_from, exclusive=True).exists()
    assert selectors.over_six_months(everyone, as_of=over_from).count() == 1
    assert selectors.lost_members_by_rule(everyone, as_of=over_from, exclusive=True).count() == 1


def test_evidence_after_as_of_is_ignored(tree):
    member = make_member(tree.branch_a1, "王后来", branch_entry_date=D(2010, 1, 1))
    attend(member, D(2016, 3, 20))
    pay(member, D(2016, 10, 5))  # after the as-of date: does not count
    attend(member, D(2016, 9, 22))
    row = selectors.lost_members(Member.objects.all(), as_of=D(2016, 9, 21)).get()
    assert (row.last_org_life, row.last_dues, row.last_evidence) == (
        D(2016, 3, 20),
        None,
        D(2016, 3, 20),
    )
    assert row.lost_since == D(2016, 3, 20) and row.months_lost == 6
    assert row.lost_on == D(2016, 9, 20) and not row.exactly_six
    assert selectors.last_org_life_or_dues(member, as_of=D(2016, 9, 21)) == D(2016, 3, 20)
    assert lost_names(D(2016, 9, 22)) == []  # the meeting that day brings him back
    assert lost_names(D(2017, 3, 23)) == []  # paid 2016-10-05: lost only from 2017-04-06
    assert lost_names(D(2017, 4, 6)) == ["王后来"]


def test_annotations_are_the_latest_of_each_kind_up_to_as_of(tree):
    member = make_member(tree.branch_a1, "王注释")
    attend(member, D(2016, 1, 10))
    attend(member, D(2016, 2, 10), AttendanceStatus.ABSENT)  # absent: not evidence
    pay(member, D(2016, 3, 1))
    contact(member, D(2016, 4, 1))
    contact(member, D(2016, 5, 1), with_member=False, note="邻居说他在深圳")  # not contact
    row = selectors.annotate_last_evidence(Member.objects.all(), as_of=D(2016, 4, 30)).get()
    assert (row.last_org_life, row.last_dues, row.last_contact, row.last_evidence) == (
        D(2016, 1, 10),
        D(2016, 3, 1),
        D(2016, 4, 1),
        D(2016, 4, 1),
    )
    early = selectors.annotate_last_evidence(Member.objects.all(), as_of=D(2016, 1, 9)).get()
    assert (early.last_org_life, early.last_dues, early.last_contact, early.last_evidence) == (
        None,
        None,
        None,
        None,
    )


def test_member_never_seen_counts_from_branch_entry_then_join_date(tree):
    make_member(
        tree.branch_a1, "王入支部", branch_entry_date=D(2016, 1, 15), join_date=D(2000, 7, 1)
    )
    make_member(tree.branch_a1, "王只有入党", join_date=D(2016, 2, 15))
    make_member(tree.branch_a1, "王无日期")
    assert lost_names(D(2016, 7, 14)) == []
    assert lost_names(D(2016, 7, 15)) == ["王入支部"]
    rows = {m.name: m for m in selectors.lost_members(Member.objects.all(), as_of=D(2016, 8, 16))}
    assert sorted(rows) == ["王入支部", "王只有入党"]
    assert rows["王入支部"].lost_since == D(2016, 1, 15) and rows["王入支部"].last_evidence is None
    assert rows["王只有入党"].months_lost == 6


def test_only_members_on_the_roster_and_in_the_queryset(tree):
    a = make_member(tree.branch_a1, "王在册", branch_entry_date=D(2010, 1, 1))
    make_member(
        tree.branch_a1,
        "王已转出",
        branch_entry_date=D(2010, 1, 1),
        status=MemberStatus.TRANSFERRED_OUT,
    )
    make_member(tree.branch_b1, "王理学院", branch_entry_date=D(2010, 1, 1))
    retained = make_member(
        tree.branch_a1, "王出国", branch_entry_date=D(2010, 1, 1), status=MemberStatus.RETAINED
    )
    assert lost_names(D(2016, 1, 1), Member.objects.in_subtree(tree.college_a)) == [
        "王出国",
        "王在册",
    ]
    search, apart = selectors.lost_split(
        Member.objects.in_subtree(tree.college_a), as_of=D(2016, 1, 1)
    )
    assert [m.pk for m in search] == [a.pk] and [m.pk for m in apart] == [retained.pk]


def test_months_lost_matches_months_between_at_month_ends(tree):
    member = make_member(tree.branch_a1, "王月末", branch_entry_date=D(2010, 1, 1))
    pay(member, D(2015, 8, 31))
    assert not selectors.lost_members(Member.objects.all(), as_of=D(2016, 2, 28)).exists()
    for as_of in (
        D(2016, 3, 1),
        D(2016, 3, 30),
        D(2016, 3, 31),
        D(2016, 4, 30),
        D(2016, 12, 31),
        D(2017, 2, 28),
    ):
        row = selectors.lost_members(Member.objects.all(), as_of=as_of).get()
        assert row.months_lost == months_between(D(2015, 8, 31), as_of), as_of


def test_latest_start_is_the_exact_boundary():
    for as_of in (D(2016, 9, 21), D(2016, 3, 1), D(2016, 3, 31), D(2016, 8, 31), D(2017, 2, 28)):
        for months in (1, 6):
            s = selectors.latest_start(as_of, months)
            assert (
                add_months(s, months) < as_of <= add_months(s + datetime.timedelta(days=1), months)
            )
            s = selectors.latest_start_inclusive(as_of, months)
            assert (
                add_months(s, months) <= as_of < add_months(s + datetime.timedelta(days=1), months)
            )


def test_gap_rows_agree_with_the_rule_on_random_histories(tree):
    """Whatever the history, the fast list equals the definition, for every as-of date."""
    rng = random.Random(4)
    members = []
    for n in range(30):
        entry = D(2014, 1, 1) + datetime.timedelta(days=rng.randrange(0, 900))
        m = make_member(
            tree.branch_a1 if n % 2 else tree.branch_b1,
            f"王{n:02d}",
            branch_entry_date=entry if n % 5 else None,
            join_date=entry - datetime.timedelta(days=400) if n % 7 else None,
        )
        members.append(m)
        day = entry + datetime.timedelta(days=rng.randrange(-100, 300))
        while day < D(2019, 1, 1) and rng.random() < 0.93:
            (attend if rng.random() < 0.5 else pay)(m, day)
            day += datetime.timedelta(days=rng.choice((20, 30, 60, 170, 182, 183, 184, 200, 400)))
        if n % 9 == 4:  # shown apart on the 失联 page
            Member.objects.filter(pk=m.pk).update(flowing=True)
        elif n % 9 == 7:
            Member.objects.filter(pk=m.pk).update(status=MemberStatus.RETAINED)
        if n % 6 == 1:  # leaves the roster: on it before that day, not from it on
            Member.objects.filter(pk=m.pk).update(
                status=(MemberStatus.REMOVED, MemberStatus.DECEASED)[n % 12 == 1],
                status_date=D(2015, 6, 1) + datetime.timedelta(days=rng.randrange(0, 1200)),
            )
    as_of, days, counts, seen_unverified, seen_apart = D(2014, 6, 1), [], [], set(), set()
    while as_of < D(2019, 6, 1):
        fast = set(
            selectors.lost_members(Member.objects.all(), as_of=as_of).values_list("pk", flat=True)
        )
        rule = set(
            selectors.lost_members_by_rule(Member.objects.all(), as_of=as_of).values_list(
                "pk", flat=True
            )
        )
        assert fast == rule, as_of
        stretches = set(
            selectors.lost_stretches(tree.root, as_of=as_of).values_list("member_id", flat=True)
        )
        assert stretches == rule, as_of
        unverified = set(
            selectors.unverified_members(Member.objects.all(), as_of=as_of).values_list(
                "pk", flat=True
            )
        )
        assert (
            set(
                selectors.unverified_stretches(tree.root, as_of=as_of).values_list(
                    "member_id", flat=True
                )
            )
            == unverified
        ), as_of
        seen_unverified |= unverified
        search, apart = selectors.lost_split(Member.objects.all(), as_of=as_of)
        page = selectors.lost_list_counts(tree.root, as_of=as_of)
        assert page == {
            "search": search.count(),
            "apart": apart.count(),
            "exactly_six": selectors.lost_members(Member.objects.all(), as_of=as_of)
            .filter(exactly_six=True)
            .count(),
            "unverified": len(unverified),
            "unverified_lost": len(unverified & rule),
        }, as_of
        seen_apart |= {m.pk for m in apart}
        counts.append(len(rule))
        days.append(as_of)
        as_of += datetime.timedelta(days=rng.randrange(1, 23))
    # The histories do produce lost, unverified and apart members.
    assert fast and seen_unverified and seen_apart
    # The dashboard's trend counts every date in one pass: the same numbers.
    assert selectors.lost_counts_on(Member.objects.all(), days) == counts
    assert selectors.lost_counts_by_day(tree.root, days) == counts
    b1 = Member.objects.in_subtree(tree.branch_b1)
    assert selectors.lost_counts_on(b1, days[::7]) == [
        selectors.lost_members(b1, as_of=d).count() for d in days[::7]
    ]


def test_members_added_in_bulk_are_caught_up(tree):
    from paicha.core.bulk import bulk_insert
    from paicha.members.demo import MemberFactory

    make_member(tree.branch_a1, "王普通", branch_entry_date=D(2015, 1, 1))
    catch_up()
    before = EvidenceGap.objects.count()
    row = dict(
        zip(
            MemberFactory.fields,
            MemberFactory(random.Random(1), D(2016, 1, 1)).row(tree.branch_a1, "staff"),
        )
    )
    row.update(name="王批量", branch_entry_date=D(2015, 1, 1), status=MemberStatus.ACTIVE)
    bulk_insert(Member, MemberFactory.fields, [tuple(row[f] for f in MemberFactory.fields)])
    assert EvidenceGap.objects.count() == before
    assert lost_names(D(2016, 1, 1)) == ["王批量", "王普通"]


def test_member_moved_is_found_in_the_new_branch(tree):
    member = make_member(tree.branch_a1, "王调动", branch_entry_date=D(2010, 1, 1))
    pay(member, D(2015, 1, 1))
    member.organization = tree.branch_b1
    member.save()
    assert lost_names(D(2016, 1, 1), Member.objects.in_subtree(tree.branch_b1)) == ["王调动"]
    assert lost_names(D(2016, 1, 1), Member.objects.in_subtree(tree.branch_a1)) == []


def test_roster_import_that_changes_the_entry_date_moves_the_count_start(tree):
    from paicha.conftest import make_user
    from paicha.members.importing import import_commit
    from paicha.organizations.permissions import Role

    member = make_member(tree.branch_a1, "王导入", join_date=D(2008, 6, 1), full_date=D(2009, 6, 1))
    assert lost_names(D(2016, 1, 1)) == ["王导入"]
    roster = (
        "姓名,身份证号码,入党时间,转正时间,进入支部日期\n"
        f"王导入,{member.id_number},2008-06-01,2009-06-01,2015-12-01\n"
    ).encode()
    result = import_commit(
        content=roster,
        filename="名册.csv",
        organization=tree.branch_a1,
        acting_user=make_user("zb", tree.branch_a1, Role.BRANCH_WORKER),
    )
    assert result.updated == 1
    # Counted from 2015-12-01 now: not 失联 on 2016-01-01, 失联 once six months have passed.
    assert lost_names(D(2016, 1, 1)) == []
    assert lost_names(D(2016, 6, 2)) == ["王导入"]


def test_refresh_of_everything_gives_the_same_rows(tree):
    m = make_member(tree.branch_a1, "王全部", branch_entry_date=D(2010, 1, 1))
    pay(m, D(2015, 1, 1))
    pay(m, D(2016, 1, 1))
    fields = ("member_id", "start", "lost_on", "over_on", "until", "unverified")
    rows = sorted(EvidenceGap.objects.values_list(*fields), key=str)
    refresh_gaps()
    assert sorted(EvidenceGap.objects.values_list(*fields), key=str) == rows
    # The branch's records begin 2015-01-01 (its 建账日期): before it nothing is claimed.
    assert set(rows) == {
        (m.pk, D(2015, 1, 1), D(2015, 7, 1), D(2015, 7, 2), D(2016, 1, 1), False),
        (m.pk, D(2016, 1, 1), D(2016, 7, 1), D(2016, 7, 2), None, False),
    }


# ---- 失控 -------------------------------------------------------------------------------------


def uncontrolled(as_of):
    return {m.name: m for m in selectors.uncontrolled_members(Member.objects.all(), as_of=as_of)}


def test_excused_for_going_away_starts_the_one_month_clock(tree):
    m = make_member(tree.branch_a1, "王外出", branch_entry_date=D(2010, 1, 1))
    attend(m, D(2016, 1, 10))
    attend(m, D(2016, 3, 20), AttendanceStatus.EXCUSED, "外出务工")
    attend(m, D(2016, 4, 10), AttendanceStatus.EXCUSED, "外出务工")
    assert uncontrolled(D(2016, 4, 20)) == {}
    row = uncontrolled(D(2016, 4, 21))["王外出"]
    assert (row.away_since, row.away_source, row.months_away) == (D(2016, 3, 20), "请假外出", 1)
    assert row.last_self_contact == D(2016, 1, 10)
    contact(m, D(2016, 5, 1))  # the branch reaches him: no longer 失控
    assert uncontrolled(D(2016, 6, 1)) == {}
    assert "王外出" in uncontrolled(D(2016, 4, 30))  # as of before that call, still


def test_excused_for_other_reasons_is_not_an_absence(tree):
    m = make_member(tree.branch_a1, "王病假", branch_entry_date=D(2010, 1, 1))
    attend(m, D(2016, 3, 20), AttendanceStatus.EXCUSED, "病假")
    assert uncontrolled(D(2016, 6, 1)) == {}


def test_absence_heard_from_others_unless_the_member_reported_it(tree):
    m = make_member(tree.branch_a1, "王听说", branch_entry_date=D(2010, 1, 1))
    contact(m, D(2016, 4, 1), with_member=False, away_since=D(2016, 2, 1), note="家属说去了广州")
    assert uncontrolled(D(2016, 3, 2)) == {}  # the note is dated 4-01: not known yet
    assert uncontrolled(D(2016, 4, 1))["王听说"].away_source == "他人反映外出"
    reported = make_member(tree.branch_a1, "王报告", branch_entry_date=D(2010, 1, 1))
    contact(reported, D(2016, 1, 25), away_since=D(2016, 2, 1), note="本人报告将去广州工作")
    contact(
        reported, D(2016, 4, 1), with_member=False, away_since=D(2016, 2, 1), note="家属说去了广州"
    )
    assert "王报告" not in uncontrolled(D(2016, 4, 1))


def test_open_flow_not_reported_at_the_destination(tree):
    from paicha.transfers import services as transfers

    m = make_member(tree.branch_a1, "王流动", branch_entry_date=D(2010, 1, 1))
    flow = transfers.flow_open(
        member=m,
        destination="深圳",
        since=D(2016, 1, 5),
        scope=FlowScope.CROSS_PROVINCE,
        acting_user=tree.department,
    )
    assert uncontrolled(D(2016, 2, 5)) == {}
    assert uncontrolled(D(2016, 2, 6))["王流动"].away_source == "流动未报到"
    pay(m, D(2016, 3, 1))  # he paid his dues from there: the branch is in touch
    assert uncontrolled(D(2016, 3, 10)) == {}
    flow.refresh_from_db()
    flow.reported = True
    flow.save()
    assert uncontrolled(D(2016, 2, 20)) == {}


def test_uncontrolled_list_agrees_with_the_rule_on_random_histories(tree):
    """Whatever the absences, reports and contacts, the list read from AwaySignal equals the
    definition (subqueries on the evidence), with the same start, source and last contact."""
    from paicha.transfers import services as transfers

    rng = random.Random(11)
    for n in range(24):
        m = make_member(
            tree.branch_a1 if n % 2 else tree.branch_b1,
            f"李{n:02d}",
            branch_entry_date=D(2015, 1, 1),
        )
        day = D(2015, 1, 1) + datetime.timedelta(days=rng.randrange(0, 60))
        flowed = None
        while day < D(2017, 1, 1):
            r = rng.random()
            if r < 0.3:
                attend(m, day)
            elif r < 0.45:
                pay(m, day)
            elif r < 0.6:
                attend(m, day, AttendanceStatus.EXCUSED, rng.choice(("外出务工", "病假")))
            elif r < 0.7:
                contact(
                    m,
                    day,
                    with_member=False,
                    away_since=day - datetime.timedelta(days=rng.randrange(0, 40)),
                    note="家属说外出了",
                )
            elif r < 0.78:
                contact(
                    m,
                    day,
                    away_since=day + datetime.timedelta(days=rng.randrange(0, 20)),
                    note="本人报告外出",
                )
            elif r < 0.84 and n % 3 == 0 and not flowed:
                flowed = transfers.flow_open(
                    member=m,
                    destination="深圳",
                    since=day,
                    scope=FlowScope.CROSS_PROVINCE,
                    acting_user=tree.department,
                )
                if rng.random() < 0.5:
                    transfers.flow_close(
                        record=flowed,
                        on=day + datetime.timedelta(days=rng.randrange(20, 90)),
                        acting_user=tree.department,
                    )
            day += datetime.timedelta(days=rng.choice((10, 25, 31, 45, 60, 95)))
    fields = ("pk", "away_since", "away_source", "months_away", "last_self_contact")
    as_of, seen, days, counts = D(2015, 2, 1), 0, [], []
    while as_of < D(2017, 3, 1):
        everyone = Member.objects.all()
        fast = sorted(selectors.uncontrolled_members(everyone, as_of=as_of).values_list(*fields))
        rule = sorted(
            selectors.uncontrolled_members_by_rule(everyone, as_of=as_of).values_list(*fields)
        )
        assert fast == rule, as_of
        branch = Member.objects.in_subtree(tree.branch_b1)
        assert sorted(selectors.uncontrolled_members(branch, as_of=as_of).values_list(*fields)) == [
            row for row in rule if row[0] in set(branch.values_list("pk", flat=True))
        ]
        seen += len(fast)
        days.append(as_of)
        counts.append(len(rule))
        as_of += datetime.timedelta(days=rng.randrange(3, 19))
    assert seen  # the histories do produce 失控 members
    # The dashboard's trend counts every date in one pass: the same numbers.
    assert selectors.uncontrolled_counts_on(Member.objects.all(), days) == counts


def test_uncontrolled_list_of_a_subtree_leaves_out_the_others(tree):
    a = make_member(tree.branch_a1, "王甲外出", branch_entry_date=D(2010, 1, 1))
    b = make_member(tree.branch_b1, "王乙外出", branch_entry_date=D(2010, 1, 1))
    for m in (a, b):
        attend(m, D(2016, 3, 20), AttendanceStatus.EXCUSED, "外出务工")
    rows = selectors.uncontrolled_members(
        Member.objects.in_subtree(tree.branch_b1), as_of=D(2016, 5, 1)
    )
    assert [m.name for m in rows] == ["王乙外出"]
    assert selectors.uncontrolled_members(Member.objects.all(), as_of=D(2016, 5, 1)).count() == 2


# ---- arrears and 排查前在册失联党员 --------------------------------------------------------------


def test_arrears_count_months_after_the_last_month_covered(tree):
    m = make_member(tree.branch_a1, "王欠费")
    pay(m, D(2016, 1, 5), month_from=D(2016, 1, 1), month_to=D(2016, 3, 1))
    pay(m, D(2016, 9, 5), month_from=D(2016, 4, 1), month_to=D(2016, 12, 1))
    row = selectors.annotate_dues_arrears(Member.objects.all(), as_of=D(2016, 8, 20)).get()
    assert (row.dues_paid_to, row.months_in_arrears) == (D(2016, 3, 1), 5)
    row = selectors.annotate_dues_arrears(Member.objects.all(), as_of=D(2016, 9, 20)).get()
    assert (row.dues_paid_to, row.months_in_arrears) == (D(2016, 12, 1), 0)


def test_pre_campaign_lost_adds_unreceipted_transfers_out(tree):
    from paicha.transfers import services as transfers

    lost = make_member(tree.branch_a1, "王失联", branch_entry_date=D(2010, 1, 1))
    pay(lost, D(2015, 6, 1))
    gone = make_member(tree.branch_a1, "王转走")
    pay(gone, D(2016, 1, 1))
    transfers.transfer_out_create(
        member=gone,
        letter_date=D(2012, 6, 1),
        province_scope="outside",
        counterpart_name="中共深圳市南山区委组织部",
        permanence="permanent",
        acting_user=tree.department,
    )
    result = selectors.pre_campaign_lost(org=tree.college_a, as_of=D(2016, 3, 1))
    assert [m.pk for m in result.lost] == [lost.pk]
    assert [t.member_id for t in result.unreceipted] == [gone.pk]
    assert result.total == 2 and result.overlap == 0


def test_refresh_command_rebuilds_rows_changed_behind_its_back(tree):
    from django.core.management import call_command

    member = make_member(tree.branch_a1, "王改日期", branch_entry_date=D(2015, 1, 1))
    assert lost_names(D(2016, 1, 1)) == ["王改日期"]
    Member.objects.filter(pk=member.pk).update(branch_entry_date=D(2015, 12, 1))  # no signal
    call_command("evidence_refresh", stdout=io.StringIO())
    assert lost_names(D(2016, 1, 1)) == []


def test_roster_counts_take_members_who_left_after_the_date(tree):
    make_member(tree.branch_a1, "王在册")
    make_member(tree.branch_a1, "王保留", status=MemberStatus.RETAINED)
    make_member(tree.branch_b1, "王后走", status=MemberStatus.REMOVED, status_date=D(2016, 6, 1))
    make_member(tree.branch_b1, "王早走", status=MemberStatus.REMOVED, status_date=D(2016, 1, 1))
    everyone = Member.objects.all()
    assert selectors.roster_count(everyone, as_of=D(2016, 3, 1)) == 3
    assert selectors.roster_count(everyone, as_of=D(2016, 6, 1)) == 2
    assert selectors.roster_count(everyone, as_of=D(2015, 12, 31)) == 4
    assert selectors.roster_count_by_org(everyone, as_of=D(2016, 3, 1)) == {
        tree.branch_a1.pk: 2,
        tree.branch_b1.pk: 1,
    }
    assert selectors.roster_count_by_org(everyone, as_of=D(2016, 7, 1)) == {tree.branch_a1.pk: 2}
    assert (
        selectors.roster_count(Member.objects.in_subtree(tree.branch_b1), as_of=D(2016, 3, 1)) == 1
    )
