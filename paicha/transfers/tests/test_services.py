import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from paicha.audit.models import AuditEntry
from paicha.codes import (
    AbroadKind,
    FlowScope,
    MemberStatus,
    MemberType,
    ProvinceScope,
    TransferDirection,
    TransferState,
)
from paicha.members.idcard import make_id_number
from paicha.members.models import Member
from paicha.transfers import selectors, services
from paicha.transfers.models import Transfer

from .conftest import make_member

D = datetime.date


def test_transfer_out_keeps_member_on_roster_until_the_receipt(tree, member_a1, make_out):
    t = make_out(member_a1)
    member_a1.refresh_from_db()
    assert t.state == TransferState.OPEN and t.organization == tree.branch_a1
    assert member_a1.status == MemberStatus.ACTIVE
    assert list(selectors.unreceipted_transfers_out(org=tree.root, as_of=D(2026, 3, 2))) == [t]

    services.transfer_receipt_record(transfer=t, on=D(2026, 4, 10), acting_user=tree.department)
    member_a1.refresh_from_db()
    assert member_a1.status == MemberStatus.TRANSFERRED_OUT
    assert member_a1.status_date == D(2026, 4, 10)
    assert not selectors.unreceipted_transfers_out(org=tree.root, as_of=D(2026, 5, 1)).exists()
    # As of a day before the receipt, the letter was still open.
    assert selectors.unreceipted_transfers_out(org=tree.root, as_of=D(2026, 4, 9)).count() == 1


def test_receipt_due_uses_the_settings(settings, tree, member_a1, make_out):
    settings.PAICHA_TRANSFER_VALIDITY_DAYS = {"within": 10, "outside": 60}
    settings.PAICHA_TRANSFER_RECEIPT_DAYS = 20
    t = make_out(member_a1, letter_date=D(2026, 1, 1))
    assert t.validity_days == 60
    assert t.receipt_due == D(2026, 1, 1) + datetime.timedelta(days=80)
    other = make_member(tree.branch_a1, "王省内")
    t2 = make_out(other, scope=ProvinceScope.WITHIN, letter_date=D(2026, 1, 1))
    assert t2.validity_days == 10


def test_validity_longer_than_allowed_is_refused(settings, member_a1, make_out):
    settings.PAICHA_TRANSFER_VALIDITY_MAX_DAYS = 90
    with pytest.raises(ValidationError) as exc:
        make_out(member_a1, validity_days=120)
    assert "有效期" in str(exc.value.message_dict["validity_days"])
    assert not Transfer.objects.exists()


def test_second_open_letter_for_the_same_member_is_refused(member_a1, make_out):
    make_out(member_a1)
    with pytest.raises(ValidationError) as exc:
        make_out(member_a1)
    assert "尚未收到回执" in str(exc.value)


def test_transfer_out_needs_a_destination_and_nature(member_a1, make_out):
    with pytest.raises(ValidationError) as exc:
        make_out(member_a1, name="  ")
    assert "counterpart_name" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        make_out(member_a1, permanence="")
    assert "permanence" in exc.value.message_dict


def test_accept_inside_the_system_moves_the_member_and_records_the_receipt(
    tree, personas, member_a1, make_out
):
    t = make_out(member_a1, to=tree.branch_b1, scope=ProvinceScope.WITHIN)
    assert list(selectors.incoming_for_user(personas["worker_b1"])) == [t]
    assert not selectors.incoming_for_user(personas["worker_a1"]).exists()

    services.transfer_accept(transfer=t, on=D(2026, 3, 5), acting_user=personas["worker_b1"])
    t.refresh_from_db()
    member_a1.refresh_from_db()
    assert member_a1.organization == tree.branch_b1
    assert member_a1.org_path == tree.branch_b1.path
    assert member_a1.status == MemberStatus.ACTIVE
    assert member_a1.branch_entry_date == D(2026, 3, 5)
    assert t.state == TransferState.RECEIPTED and t.receipt_date == D(2026, 3, 5)
    incoming = t.mirror
    assert incoming.direction == TransferDirection.IN and incoming.organization == tree.branch_b1
    assert incoming.receipt_date == D(2026, 3, 5) and incoming.counterpart_org == tree.branch_a1
    assert not selectors.unreceipted_transfers_out(org=tree.branch_a1, as_of=D(2026, 3, 6)).exists()
    assert not selectors.incoming_for_user(personas["worker_b1"]).exists()
    move = AuditEntry.objects.filter(action="move", member_id=member_a1.pk).get()
    assert move.actor == personas["worker_b1"]
    assert move.changes["现所在支部"] == [tree.branch_a1.name, tree.branch_b1.name]


def test_accept_into_a_branch_below_the_receiving_committee(tree, member_a1, make_out):
    t = make_out(member_a1, to=tree.college_b)
    services.transfer_accept(
        transfer=t, on=D(2026, 3, 5), branch=tree.branch_b1, acting_user=tree.department
    )
    member_a1.refresh_from_db()
    assert member_a1.organization == tree.branch_b1
    t2 = make_out(make_member(tree.branch_a1, "赵错位"), to=tree.college_b)
    with pytest.raises(ValidationError):
        services.transfer_accept(
            transfer=t2, on=D(2026, 3, 5), branch=tree.branch_a2, acting_user=tree.department
        )


def test_refused_letter_keeps_the_member_and_closes_the_item(tree, member_a1, make_out):
    t = make_out(member_a1, to=tree.branch_b1)
    with pytest.raises(ValidationError):
        services.transfer_refuse(
            transfer=t, on=D(2026, 3, 5), reason=" ", acting_user=tree.department
        )
    services.transfer_refuse(
        transfer=t, on=D(2026, 3, 5), reason="该党员未到本单位工作", acting_user=tree.department
    )
    member_a1.refresh_from_db()
    assert member_a1.organization == tree.branch_a1 and member_a1.status == MemberStatus.ACTIVE
    assert not selectors.unreceipted_transfers_out(org=tree.root, as_of=D(2026, 3, 6)).exists()
    assert selectors.unreceipted_transfers_out(org=tree.root, as_of=D(2026, 3, 4)).count() == 1
    with pytest.raises(ValidationError):
        services.transfer_accept(transfer=t, on=D(2026, 3, 6), acting_user=tree.department)


def test_internal_letter_cannot_get_a_typed_receipt(tree, member_a1, make_out):
    t = make_out(member_a1, to=tree.branch_b1)
    with pytest.raises(ValidationError):
        services.transfer_receipt_record(transfer=t, on=D(2026, 3, 5), acting_user=tree.department)


def test_receipt_before_the_letter_is_refused(tree, member_a1, make_out):
    t = make_out(member_a1)
    with pytest.raises(ValidationError) as exc:
        services.transfer_receipt_record(transfer=t, on=D(2026, 2, 1), acting_user=tree.department)
    assert "早于" in str(exc.value)
    member_a1.refresh_from_db()
    assert member_a1.status == MemberStatus.ACTIVE


def test_transfer_in_from_outside_registers_the_member(tree):
    number = make_id_number("430102", D(1985, 3, 4), 7, "F")
    t = services.transfer_in_register(
        organization=tree.branch_b1,
        letter_date=D(2026, 2, 1),
        receipt_date=D(2026, 2, 10),
        province_scope=ProvinceScope.OUTSIDE,
        counterpart_name="中共武汉大学委员会",
        member_fields={
            "name": "周新来",
            "id_number": number.lower(),
            "ethnicity": "01",
            "member_type": MemberType.FULL,
            "join_date": D(2008, 6, 1),
            "full_date": D(2009, 6, 1),
        },
        acting_user=tree.department,
    )
    member = t.member
    assert member.organization == tree.branch_b1 and member.birth_date == D(1985, 3, 4)
    assert member.gender == "F" and t.state == TransferState.RECEIPTED
    with pytest.raises(ValidationError) as exc:
        services.transfer_in_register(
            organization=tree.branch_a1,
            letter_date=D(2026, 2, 1),
            province_scope=ProvinceScope.OUTSIDE,
            counterpart_name="某单位",
            member_fields={
                "name": "周新来",
                "id_number": number,
                "member_type": MemberType.FULL,
                "join_date": D(2008, 6, 1),
                "full_date": D(2009, 6, 1),
            },
            acting_user=tree.department,
        )
    assert tree.branch_b1.name in str(exc.value)


def test_pocket_member_stays_on_the_roster_with_a_note_until_the_receipt(tree, member_a1, make_out):
    t = make_out(member_a1, letter_date=D(2025, 1, 10))
    with pytest.raises(ValidationError):
        services.pocket_mark(
            member=member_a1, on=D(2025, 9, 1), reason="", transfer=t, acting_user=tree.department
        )
    record = services.pocket_mark(
        member=member_a1,
        on=D(2025, 9, 1),
        reason="毕业后未报到",
        transfer=t,
        acting_user=tree.department,
    )
    member_a1.refresh_from_db()
    assert member_a1.pocket and "“口袋”党员" in member_a1.remarks
    assert member_a1 in Member.objects.in_subtree(tree.branch_a1).on_roster()
    assert record.organization == tree.branch_a1
    services.transfer_receipt_record(transfer=t, on=D(2025, 10, 1), acting_user=tree.department)
    member_a1.refresh_from_db()
    record.refresh_from_db()
    assert not member_a1.pocket and "“口袋”党员" not in member_a1.remarks
    assert record.resolved_on == D(2025, 10, 1)


def test_flow_records_keep_the_member_flags_in_step(tree, member_a1):
    r = services.flow_open(
        member=member_a1,
        destination="广东省深圳市",
        since=D(2024, 5, 1),
        scope=FlowScope.CROSS_PROVINCE,
        certificate_number="流2024001",
        acting_user=tree.department,
    )
    member_a1.refresh_from_db()
    assert member_a1.flowing and member_a1.flow_destination == "广东省深圳市"
    assert r.certificate_issued_by == tree.college_a.name
    with pytest.raises(ValidationError):
        services.flow_open(
            member=member_a1,
            destination="上海",
            since=D(2024, 6, 1),
            scope=FlowScope.CROSS_PROVINCE,
            acting_user=tree.department,
        )
    services.flow_update(
        record=r, destination="广东省广州市", reported=True, acting_user=tree.department
    )
    member_a1.refresh_from_db()
    assert member_a1.flow_destination == "广东省广州市"
    with pytest.raises(ValidationError):
        services.flow_close(record=r, on=D(2024, 1, 1), acting_user=tree.department)
    services.flow_close(record=r, on=D(2025, 1, 1), reason="返校", acting_user=tree.department)
    member_a1.refresh_from_db()
    assert not member_a1.flowing and member_a1.flow_destination == ""


def test_abroad_retained_then_back(tree, member_a1):
    with pytest.raises(ValidationError) as exc:
        services.abroad_register(
            member=member_a1,
            kind=AbroadKind.RETAINED,
            place="英国",
            period_from=D(2025, 9, 1),
            acting_user=tree.department,
        )
    assert "period_to" in exc.value.message_dict
    r = services.abroad_register(
        member=member_a1,
        kind=AbroadKind.RETAINED,
        place="英国曼彻斯特大学",
        period_from=D(2025, 9, 1),
        period_to=D(2027, 9, 1),
        acting_user=tree.department,
    )
    member_a1.refresh_from_db()
    assert member_a1.status == MemberStatus.RETAINED and "2027年9月1日" in member_a1.remarks
    services.abroad_end(record=r, on=D(2026, 7, 1), acting_user=tree.department)
    member_a1.refresh_from_db()
    assert member_a1.status == MemberStatus.ACTIVE and "出国（境）" not in member_a1.remarks


ABROAD_SIGNERS = (("1", "worker_a1"), ("2", "reviewer_a"), ("4", "worker_a1"), ("5", "reviewer_a"))


def approve_abroad(record, personas, on):
    for step, who in ABROAD_SIGNERS:
        services.abroad_approve(
            record=record, acting_user=personas[who], step=step, opinion="同意", signed_on=on
        )


def test_suspension_reminder_is_due_two_years_after_the_stop(tree, member_a1, personas):
    r = services.abroad_register(
        member=member_a1,
        kind=AbroadKind.SUSPENDED,
        place="加拿大",
        period_from=D(2024, 3, 15),
        acting_user=tree.department,
    )
    approve_abroad(r, personas, D(2024, 3, 15))
    member_a1.refresh_from_db()
    assert member_a1.status == MemberStatus.SUSPENDED
    assert selectors.suspension_reminders(org=tree.root, as_of=D(2026, 1, 1)) == []
    rows = selectors.suspension_reminders(org=tree.root, as_of=D(2026, 3, 1))
    assert rows[0]["due"] == D(2026, 3, 15) and not rows[0]["overdue"]
    assert selectors.suspension_reminders(org=tree.root, as_of=D(2026, 3, 15))[0]["overdue"]
    assert selectors.suspension_reminders(org=tree.college_b, as_of=D(2026, 3, 15)) == []
    services.abroad_restoration_request(
        record=r, on=D(2025, 5, 1), note="本人来信申请恢复", acting_user=tree.department
    )
    rows = selectors.suspension_reminders(org=tree.root, as_of=D(2026, 3, 15))
    assert rows[0]["restoration_requested_on"] == D(2025, 5, 1)


def test_settling_abroad_suspends_only_after_its_chain(tree, member_a1, personas):
    r = services.abroad_register(
        member=member_a1,
        kind=AbroadKind.SUSPENDED,
        place="加拿大",
        period_from=D(2024, 3, 15),
        acting_user=tree.department,
    )
    member_a1.refresh_from_db()
    assert member_a1.status == MemberStatus.ACTIVE
    # 支委会 → 基层党委预审 → 支部党员大会 → 基层党委审核（审批）: no department row.
    assert services.abroad_steps(r) == ("1", "2", "4", "5")
    with pytest.raises(ValidationError, match="当前应签署“支委会初步处置意见”"):
        services.abroad_approve(
            record=r,
            acting_user=personas["reviewer_a"],
            step="2",
            opinion="同意",
            signed_on=D(2024, 3, 20),
        )
    with pytest.raises(ValidationError, match="须由"):
        services.abroad_approve(
            record=r,
            acting_user=personas["reviewer_a"],
            step="1",
            opinion="同意",
            signed_on=D(2024, 3, 20),
        )
    with pytest.raises(PermissionDenied, match="不在您的管理范围内"):
        services.abroad_approve(
            record=r,
            acting_user=personas["worker_b1"],
            step="1",
            opinion="同意",
            signed_on=D(2024, 3, 20),
        )
    for step, who in ABROAD_SIGNERS[:3]:
        services.abroad_approve(
            record=r, acting_user=personas[who], step=step, opinion="同意", signed_on=D(2024, 3, 20)
        )
        member_a1.refresh_from_db()
        assert member_a1.status == MemberStatus.ACTIVE, step
    services.abroad_approve(
        record=r,
        acting_user=personas["reviewer_a"],
        step="5",
        opinion="同意停止党籍",
        signed_on=D(2024, 4, 1),
    )
    member_a1.refresh_from_db()
    assert member_a1.status == MemberStatus.SUSPENDED and member_a1.status_date == D(2024, 4, 1)


def test_a_refused_suspension_goes_back_and_changes_nothing(tree, member_a1, personas):
    r = services.abroad_register(
        member=member_a1,
        kind=AbroadKind.SUSPENDED,
        place="加拿大",
        period_from=D(2024, 3, 15),
        acting_user=tree.department,
    )
    services.abroad_approve(
        record=r,
        acting_user=personas["worker_a1"],
        step="1",
        opinion="拟停止党籍",
        signed_on=D(2024, 3, 20),
    )
    services.abroad_approve(
        record=r,
        acting_user=personas["reviewer_a"],
        step="2",
        opinion="定居材料不全",
        signed_on=D(2024, 3, 21),
        approved=False,
    )
    r.refresh_from_db()
    member_a1.refresh_from_db()
    assert r.approval_state == "returned" and "定居材料不全" in r.returned_reason
    assert member_a1.status == MemberStatus.ACTIVE
    # The branch may register again.
    services.abroad_register(
        member=member_a1,
        kind=AbroadKind.SUSPENDED,
        place="加拿大",
        period_from=D(2024, 5, 1),
        acting_user=tree.department,
    )
