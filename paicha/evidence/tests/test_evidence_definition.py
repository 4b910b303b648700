"""What counts as evidence of contact (SPEC §4), the 建账日期 and the roster of the date."""

import datetime

import pytest
from django.core.management import call_command

from paicha.codes import CaseOutcome, MemberStatus, SearchMethod
from paicha.conftest import make_member
from paicha.evidence import selectors, services
from paicha.evidence.books import books_for
from paicha.evidence.models import BooksSource
from paicha.members.models import Member
from paicha.organizations.models import Organization

from .conftest import attend, contact, pay

D = datetime.date


def lost_names(as_of, qs=None, fn=None):
    qs = qs if qs is not None else Member.objects.all()
    return sorted(m.name for m in (fn or selectors.lost_members)(qs, as_of=as_of))


def both_paths(as_of):
    fast = lost_names(as_of)
    assert fast == lost_names(as_of, fn=selectors.lost_members_by_rule), as_of
    return fast


# ---- contacts ---------------------------------------------------------------------------------


def test_contact_with_the_member_is_evidence_and_news_from_others_is_not(tree):
    reached = make_member(tree.branch_a1, "王本人", branch_entry_date=D(2010, 1, 1))
    heard = make_member(tree.branch_a1, "王他人", branch_entry_date=D(2010, 1, 1))
    for m in (reached, heard):
        pay(m, D(2016, 1, 10))
    contact(reached, D(2016, 5, 1))
    contact(heard, D(2016, 5, 1), with_member=False, note="邻居说他在深圳")
    assert both_paths(D(2016, 7, 10)) == ["王他人"]
    assert both_paths(D(2016, 10, 31)) == ["王他人"]
    assert both_paths(D(2016, 11, 1)) == ["王他人", "王本人"]  # 2016-05-01 + 6 months


def test_declared_dates_of_the_roster_are_evidence(tree):
    m = make_member(
        tree.branch_a1,
        "王名册",
        branch_entry_date=D(2010, 1, 1),
        declared_last_org_life=D(2016, 2, 15),
        declared_last_dues=D(2016, 4, 30),
    )
    row = selectors.annotate_last_evidence(Member.objects.filter(pk=m.pk), as_of=D(2016, 5, 1))
    row = row.get()
    assert (row.last_org_life, row.last_dues, row.last_evidence) == (
        D(2016, 2, 15),
        D(2016, 4, 30),
        D(2016, 4, 30),
    )
    # Declared after the date: ignored on that date.
    early = selectors.annotate_last_evidence(
        Member.objects.filter(pk=m.pk), as_of=D(2016, 3, 1)
    ).get()
    assert (early.last_org_life, early.last_dues) == (D(2016, 2, 15), None)
    assert both_paths(D(2016, 10, 29)) == []
    assert both_paths(D(2016, 10, 30)) == ["王名册"]


def _case(tree, personas, member, opened_on):
    from paicha.cases.services import case_open

    return case_open(
        member=member,
        acting_user=personas["worker_a1"],
        opened_on=opened_on,
        lost_since=D(2016, 1, 10),
    )


def test_a_search_that_reached_the_member_is_evidence_one_that_reached_others_is_not(
    tree, personas
):
    from paicha.cases.services import attempt_record

    found = make_member(tree.branch_a1, "王找到", branch_entry_date=D(2010, 1, 1))
    other = make_member(tree.branch_a1, "王没找到", branch_entry_date=D(2010, 1, 1))
    for m in (found, other):
        pay(m, D(2016, 1, 10))
    assert both_paths(D(2016, 8, 1)) == ["王找到", "王没找到"]
    for m, reached in ((found, True), (other, False)):
        case = _case(tree, personas, m, D(2016, 8, 1))
        attempt_record(
            case=case,
            acting_user=personas["worker_a1"],
            date=D(2016, 8, 20),
            method=SearchMethod.PHONE,
            reached="本人" if reached else "其母亲",
            process="电话联系",
            as_of=D(2016, 9, 1),
            reached_member=reached,
        )
    assert both_paths(D(2016, 8, 19)) == ["王找到", "王没找到"]
    assert both_paths(D(2016, 8, 20)) == ["王没找到"]


def test_a_case_closed_as_contact_regained_takes_the_member_off_from_that_date(tree, personas):
    from paicha.cases.services import case_record_outcome

    m = make_member(tree.branch_a1, "王回来", branch_entry_date=D(2010, 1, 1))
    pay(m, D(2016, 1, 10))
    case = _case(tree, personas, m, D(2016, 8, 1))
    case_record_outcome(
        case=case,
        acting_user=personas["worker_a1"],
        outcome=CaseOutcome.REGAINED,
        outcome_on=D(2016, 9, 5),
        as_of=D(2016, 9, 5),
        regained_place="深圳",
        new_mobile="13900000000",
    )
    assert both_paths(D(2016, 9, 4)) == ["王回来"]
    assert both_paths(D(2016, 9, 5)) == []
    assert both_paths(D(2017, 3, 4)) == []
    assert both_paths(D(2017, 3, 5)) == ["王回来"]  # six months after the contact


# ---- the roster of the date ---------------------------------------------------------------------


def test_member_removed_later_is_lost_on_earlier_dates_and_absent_after(tree):
    m = make_member(tree.branch_a1, "王除名", branch_entry_date=D(2010, 1, 1))
    pay(m, D(2015, 1, 10))
    Member.objects.filter(pk=m.pk).update(status=MemberStatus.REMOVED, status_date=D(2016, 12, 1))
    assert both_paths(D(2016, 10, 31)) == ["王除名"]
    assert both_paths(D(2016, 11, 30)) == ["王除名"]
    assert both_paths(D(2016, 12, 1)) == []
    pre = selectors.pre_campaign_lost(org=tree.root, as_of=D(2016, 3, 1))
    assert [x.name for x in pre.lost] == ["王除名"] and pre.total == 1


# ---- 建账日期 ------------------------------------------------------------------------------------


def test_books_date_is_the_earliest_record_of_the_subtree_then_inherited_when_set(tree):
    a1, a2 = tree.branch_a1, tree.branch_a2
    x = make_member(a1, "王一", branch_entry_date=D(2005, 1, 1))
    y = make_member(a2, "王二", branch_entry_date=D(2005, 1, 1))
    pay(x, D(2014, 6, 1))
    attend(y, D(2015, 3, 1))
    assert (books_for(a1).opened_on, books_for(a1).source) == (D(2014, 6, 1), BooksSource.RECORDS)
    assert books_for(a2).opened_on == D(2015, 3, 1)
    # 王二 had no evidence before his branch's books: counted from 2015-03-01, not from 2005.
    assert both_paths(D(2014, 11, 30)) == []
    assert both_paths(D(2014, 12, 1)) == ["王一"]
    assert both_paths(D(2015, 8, 31)) == ["王一"]
    assert both_paths(D(2015, 9, 1)) == ["王一", "王二"]
    # The college sets its 建账日期: both branches inherit it.
    services.books_set(
        organization=tree.college_a,
        opened_on=D(2013, 1, 1),
        acting_user=tree.department,
        as_of=D(2016, 1, 1),
    )
    for org in (a1, a2):
        row = books_for(org)
        assert (row.opened_on, row.source, row.source_org_id) == (
            D(2013, 1, 1),
            BooksSource.INHERITED,
            tree.college_a.pk,
        )
    assert books_for(tree.college_a).source == BooksSource.SET
    assert "文学院党委" in books_for(a1).explanation
    # 王二: last evidence before 2015-03-01 is none; counted from 2013-01-01 now.
    assert both_paths(D(2013, 6, 30)) == []
    assert both_paths(D(2013, 7, 1)) == ["王一", "王二"]
    assert both_paths(D(2014, 11, 30)) == ["王二"]
    # Cleared: derived again from the records.
    services.books_set(
        organization=tree.college_a,
        opened_on=None,
        acting_user=tree.department,
        as_of=D(2016, 1, 1),
    )
    assert books_for(a2).opened_on == D(2015, 3, 1)
    assert both_paths(D(2014, 11, 30)) == []


def test_books_date_cannot_be_in_the_future(tree):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as err:
        services.books_set(
            organization=tree.branch_a1,
            opened_on=D(2017, 1, 2),
            acting_user=tree.department,
            as_of=D(2017, 1, 1),
        )
    assert "建账日期" in str(err.value)
    assert Organization.objects.get(pk=tree.branch_a1.pk).books_opened_on is None


def test_members_without_evidence_since_the_books_date_are_unverified_then_lost(tree):
    seen = make_member(tree.branch_a1, "王有记录", branch_entry_date=D(2005, 1, 1))
    never = make_member(tree.branch_a1, "王无记录", branch_entry_date=D(2005, 1, 1))
    old = make_member(tree.branch_a1, "王旧记录", branch_entry_date=D(2005, 1, 1))
    pay(old, D(2012, 5, 1))
    services.books_set(
        organization=tree.branch_a1,
        opened_on=D(2016, 1, 1),
        acting_user=tree.department,
        as_of=D(2016, 1, 1),
    )
    pay(seen, D(2016, 2, 1))

    def unverified(as_of):
        return sorted(
            m.name for m in selectors.unverified_members(Member.objects.all(), as_of=as_of)
        )

    assert unverified(D(2015, 12, 31)) == []  # before the books: nothing is claimed
    assert unverified(D(2016, 3, 1)) == ["王无记录", "王旧记录"]
    assert both_paths(D(2016, 6, 30)) == []
    assert both_paths(D(2016, 7, 1)) == ["王无记录", "王旧记录"]  # 2016-01-01 + 6 months
    rows = {m.name: m for m in selectors.lost_members(Member.objects.all(), as_of=D(2016, 7, 1))}
    assert rows["王无记录"].unverified and rows["王无记录"].lost_since == D(2016, 1, 1)
    assert rows["王无记录"].exactly_six
    # A record after the books ends the mark.
    pay(never, D(2016, 8, 1))
    assert unverified(D(2016, 8, 1)) == ["王旧记录"]
    assert unverified(D(2016, 7, 31)) == ["王无记录", "王旧记录"]


def test_importing_a_roster_into_a_branch_without_records_starts_the_clock_on_import(
    tree, personas
):
    from django.utils import timezone

    from paicha.members.importing import import_commit

    roster = (
        "姓名,身份证号码,性别,出生日期,入党时间,转正时间,进入支部日期\n"
        "王导甲,430102198001010134,男,1980-01-01,2000-06-01,2001-06-01,2002-01-01\n"
        "王导乙,430102198101010254,男,1981-01-01,2000-06-01,2001-06-01,2002-01-01\n"
    ).encode()
    result = import_commit(
        content=roster,
        filename="名册.csv",
        organization=tree.branch_b1,
        acting_user=personas["worker_b1"],
    )
    assert result.created == 2
    today = timezone.localdate()
    row = books_for(tree.branch_b1)
    assert (row.opened_on, row.source) == (today, BooksSource.IMPORT)
    members = Member.objects.in_subtree(tree.branch_b1)
    assert not selectors.lost_members(members, as_of=today).exists()
    assert selectors.unverified_members(members, as_of=today).count() == 2
    from paicha.core.dates import add_months

    assert selectors.lost_members(members, as_of=add_months(today, 6)).count() == 2


def test_books_command_sets_and_shows_the_date(tree, capsys):
    call_command("books-date", tree.branch_a1.code, "--set", "2016-01-01", "--date", "2016-02-01")
    assert Organization.objects.get(pk=tree.branch_a1.pk).books_opened_on == D(2016, 1, 1)
    call_command("books-date", tree.branch_a1.code)
    out = capsys.readouterr().out
    assert "2016年1月1日" in out and "本组织设定" in out
    call_command("books-date", tree.branch_a1.code, "--clear", "--date", "2016-02-01")
    assert Organization.objects.get(pk=tree.branch_a1.pk).books_opened_on is None


# ---- machine-readable ---------------------------------------------------------------------------


def test_lost_list_command_prints_the_lists_as_json(tree, capsys):
    import json

    exact = make_member(tree.branch_a1, "王恰满", branch_entry_date=D(2005, 1, 1))
    pay(exact, D(2016, 3, 20))
    older = make_member(tree.branch_a1, "王更久", branch_entry_date=D(2005, 1, 1))
    pay(older, D(2016, 3, 19))
    make_member(tree.branch_a1, "王无记录", branch_entry_date=D(2005, 1, 1))
    make_member(tree.branch_b1, "王理学院", branch_entry_date=D(2005, 1, 1))

    def run(*args):
        call_command("lost-list", "--org", tree.college_a.code, "--date", "2016-09-20", *args)
        return json.loads(capsys.readouterr().out)

    lost = run()
    assert lost["date"] == "2016-09-20" and lost["org"] == tree.college_a.code
    assert [(m["name"], m["exactly_six"], m["unverified"]) for m in lost["members"]] == [
        ("王无记录", False, True),
        ("王更久", False, False),
        ("王恰满", True, False),
    ]
    assert (lost["total"], lost["exactly_six"], lost["over_six_months"], lost["unverified"]) == (
        3,
        1,
        2,
        1,
    )
    assert "2016年3月19日" in lost["books_date"]
    assert [m["lost_since"] for m in lost["members"]] == ["2016-03-19", "2016-03-19", "2016-03-20"]
    unverified = run("--what", "unverified")
    assert [(m["name"], m["lost"]) for m in unverified["members"]] == [("王无记录", True)]
    pre = run("--what", "pre-campaign")
    assert (pre["total"], pre["lost"], pre["unreceipted"], pre["unverified"]) == (3, 3, 0, 1)
