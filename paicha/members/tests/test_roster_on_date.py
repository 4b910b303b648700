"""Membership on a date (SPEC §4): who is on a roster on D does not depend on what happened
after D — removals, receipts and moves take effect on their own dates."""

import datetime

from paicha.codes import AbroadKind, MemberStatus, ProvinceScope, TransferPermanence
from paicha.conftest import make_member, setup_actor
from paicha.members.models import Member
from paicha.transfers import services as transfers
from paicha.transfers.selectors import members_on_roster_of

D = datetime.date


def names(queryset):
    return sorted(queryset.values_list("name", flat=True))


def transfer_out(member, *, letter_date, to=None):
    return transfers.transfer_out_create(
        member=member,
        letter_date=letter_date,
        province_scope=ProvinceScope.WITHIN,
        counterpart_org=to,
        counterpart_name="" if to else "中共某县委组织部",
        permanence=TransferPermanence.PERMANENT,
        acting_user=setup_actor(member.organization),
    )


def test_a_receipt_takes_the_member_off_on_its_date(tree):
    leaving = make_member(tree.branch_a1, "转出者", join_date=D(2010, 1, 1))
    transfer = transfer_out(leaving, letter_date=D(2016, 11, 15))
    transfers.transfer_receipt_record(
        transfer=transfer, on=D(2016, 12, 1), acting_user=tree.department
    )
    leaving.refresh_from_db()
    assert (leaving.status, leaving.status_date) == (MemberStatus.TRANSFERRED_OUT, D(2016, 12, 1))
    on = members_on_roster_of
    assert names(on(tree.branch_a1, D(2016, 11, 30))) == ["转出者"]
    assert names(on(tree.branch_a1, D(2016, 12, 1))) == []


def settle_abroad(member, personas, *, since, approved_on):
    """出国（境）定居 → 停止党籍 through its whole chain; the last approval takes effect."""
    from paicha.transfers.tests.test_services import approve_abroad

    record = transfers.abroad_register(
        member=member,
        kind=AbroadKind.SUSPENDED,
        place="加拿大",
        period_from=since,
        acting_user=setup_actor(member.organization),
    )
    approve_abroad(record, personas, approved_on)


def test_settling_abroad_stops_membership_from_its_date(tree, personas):
    abroad = make_member(tree.branch_a1, "定居者", join_date=D(2010, 1, 1))
    settle_abroad(abroad, personas, since=D(2016, 11, 1), approved_on=D(2016, 12, 1))
    on = Member.objects.on_roster_on
    assert names(on(D(2016, 11, 30)).filter(pk=abroad.pk)) == ["定居者"]
    assert names(on(D(2016, 12, 1)).filter(pk=abroad.pk)) == []


def test_a_member_who_arrives_after_the_date_is_not_on_its_roster(tree):
    make_member(tree.branch_a1, "新来", join_date=D(2010, 1, 1), branch_entry_date=D(2016, 11, 1))
    make_member(tree.branch_a1, "新党员", join_date=D(2016, 11, 1))
    make_member(tree.branch_a1, "老党员", join_date=D(2010, 1, 1))
    assert names(members_on_roster_of(tree.branch_a1, D(2016, 10, 31))) == ["老党员"]
    assert names(members_on_roster_of(tree.branch_a1, D(2016, 11, 1))) == [
        "新党员",
        "新来",
        "老党员",
    ]


def test_a_move_within_the_system_counts_in_the_sending_branch_until_accepted(tree):
    mover = make_member(tree.branch_a1, "调动者", join_date=D(2010, 1, 1))
    transfer = transfer_out(mover, letter_date=D(2016, 11, 10), to=tree.branch_b1)
    transfers.transfer_accept(transfer=transfer, on=D(2016, 11, 20), acting_user=tree.department)
    on = members_on_roster_of
    # Before the acceptance: in A1 (and college A, and the university), not in B1.
    assert names(on(tree.branch_a1, D(2016, 11, 19))) == ["调动者"]
    assert names(on(tree.college_a, D(2016, 11, 19))) == ["调动者"]
    assert names(on(tree.branch_b1, D(2016, 11, 19))) == []
    assert names(on(tree.root, D(2016, 11, 19))) == ["调动者"]
    # From the acceptance: in B1 only.
    assert names(on(tree.branch_a1, D(2016, 11, 20))) == []
    assert names(on(tree.branch_b1, D(2016, 11, 20))) == ["调动者"]
    assert names(on(tree.root, D(2016, 11, 20))) == ["调动者"]


def test_two_moves_place_the_member_where_he_was_on_each_date(tree):
    mover = make_member(tree.branch_a1, "两次调动", join_date=D(2010, 1, 1))
    first = transfer_out(mover, letter_date=D(2016, 3, 1), to=tree.branch_a2)
    transfers.transfer_accept(transfer=first, on=D(2016, 3, 10), acting_user=tree.department)
    mover.refresh_from_db()
    second = transfer_out(mover, letter_date=D(2016, 6, 1), to=tree.branch_b1)
    transfers.transfer_accept(transfer=second, on=D(2016, 6, 10), acting_user=tree.department)
    where = {
        day: [
            b.name
            for b in (tree.branch_a1, tree.branch_a2, tree.branch_b1)
            if members_on_roster_of(b, day).filter(pk=mover.pk).exists()
        ]
        for day in (D(2016, 3, 9), D(2016, 3, 10), D(2016, 6, 9), D(2016, 6, 10))
    }
    assert where == {
        D(2016, 3, 9): ["文学院教工第一党支部"],
        D(2016, 3, 10): ["文学院学生党支部"],
        D(2016, 6, 9): ["文学院学生党支部"],
        D(2016, 6, 10): ["理学院教工党支部"],
    }


def test_backfill_dates_members_off_the_roster_from_their_records(tree, personas):
    import importlib

    from django.apps import apps

    backfill = importlib.import_module(
        "paicha.members.migrations.0010_backfill_status_date"
    ).backfill
    left = make_member(tree.branch_a1, "早已转出", join_date=D(2010, 1, 1))
    transfer = transfer_out(left, letter_date=D(2016, 4, 1))
    transfers.transfer_receipt_record(
        transfer=transfer, on=D(2016, 4, 20), acting_user=tree.department
    )
    settled = make_member(tree.branch_a1, "早已定居", join_date=D(2010, 1, 1))
    settle_abroad(settled, personas, since=D(2015, 2, 3), approved_on=D(2015, 2, 3))
    kept = make_member(tree.branch_a1, "在册", join_date=D(2010, 1, 1))
    Member.objects.filter(pk__in=[left.pk, settled.pk, kept.pk]).update(status_date=None)
    backfill(apps, None)
    dates = dict(
        Member.objects.filter(pk__in=[left.pk, settled.pk, kept.pk]).values_list(
            "name", "status_date"
        )
    )
    assert dates == {"早已转出": D(2016, 4, 20), "早已定居": D(2015, 2, 3), "在册": None}


def test_a_roster_nobody_has_left_since_is_read_from_the_subtree_alone(tree):
    """With no move after the date out of the subtree, the roster's query is the subtree's
    range without an OR'd list of movers (which made the planner scan every member)."""
    make_member(tree.branch_a1, "留下者", join_date=D(2010, 1, 1))
    roster = members_on_roster_of(tree.college_a, D(2016, 11, 30))
    assert names(roster) == ["留下者"]
    sql = str(roster.query)
    assert '"members_member"."id" IN' not in sql and ".id IN" not in sql
