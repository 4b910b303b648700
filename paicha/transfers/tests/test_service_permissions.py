"""Every transfers service refuses a user outside the member's subtree and a user who may only
read, before it changes anything."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from paicha.audit.models import AuditEntry
from paicha.codes import AbroadKind, FlowScope, MemberStatus, ProvinceScope, TransferState
from paicha.transfers import services
from paicha.transfers.models import AbroadRecord, FlowRecord, PocketRecord, Transfer

D = datetime.date

REFUSALS = [("outsider", "不在您的管理范围内"), ("auditor", "您的角色没有此项操作权限")]


@pytest.mark.parametrize("who, message", REFUSALS)
def test_transfer_services_refuse_outsiders_and_readers(
    tree, personas, member_a1, make_out, who, message
):
    letter = make_out(member_a1)
    flow = services.flow_open(
        member=member_a1,
        destination="深圳市",
        since=D(2026, 1, 5),
        scope=FlowScope.CROSS_PROVINCE,
        acting_user=tree.department,
    )
    user = personas[who]
    audit_rows = AuditEntry.objects.count()
    calls = {
        "开具介绍信": lambda: services.transfer_out_create(
            member=member_a1,
            letter_date=D(2026, 3, 2),
            province_scope=ProvinceScope.WITHIN,
            counterpart_name="中共某县委组织部",
            acting_user=user,
        ),
        "登记回执": lambda: services.transfer_receipt_record(
            transfer=letter, on=D(2026, 4, 1), acting_user=user
        ),
        "修改介绍信": lambda: services.transfer_update(
            transfer=letter, remarks="改", acting_user=user
        ),
        "跟踪": lambda: services.followup_add(
            transfer=letter, on=D(2026, 3, 9), by_whom="李", what="电话", acting_user=user
        ),
        "口袋党员": lambda: services.pocket_mark(
            member=member_a1, on=D(2026, 6, 1), reason="未报到", acting_user=user
        ),
        "结束流动": lambda: services.flow_close(record=flow, on=D(2026, 6, 1), acting_user=user),
        "转入": lambda: services.transfer_in_register(
            organization=tree.branch_a1,
            member_fields={},
            letter_date=D(2026, 3, 1),
            province_scope=ProvinceScope.WITHIN,
            counterpart_name="外单位",
            acting_user=user,
        ),
        "出国（境）": lambda: services.abroad_register(
            member=member_a1,
            kind=AbroadKind.RETAINED,
            place="加拿大",
            period_from=D(2026, 5, 1),
            period_to=D(2027, 5, 1),
            acting_user=user,
        ),
    }
    for what, call in calls.items():
        with pytest.raises(PermissionDenied, match=message):
            call()
            pytest.fail(f"{what}：未被拒绝")
    letter.refresh_from_db()
    member_a1.refresh_from_db()
    assert (letter.state, letter.remarks) == (TransferState.OPEN, "")
    assert (member_a1.status, member_a1.pocket, member_a1.flowing) == (
        MemberStatus.ACTIVE,
        False,
        True,
    )
    assert Transfer.objects.count() == 1 and not letter.followups.exists()
    assert not PocketRecord.objects.exists() and not AbroadRecord.objects.exists()
    assert FlowRecord.objects.get().closed_on is None
    assert AuditEntry.objects.count() == audit_rows


def test_only_the_receiving_side_accepts_a_letter(tree, personas, member_a1, make_out):
    letter = make_out(member_a1, to=tree.branch_b1)
    with pytest.raises(PermissionDenied, match="“理学院教工党支部”不在您的管理范围内"):
        services.transfer_accept(
            transfer=letter, on=D(2026, 3, 5), acting_user=personas["worker_a1"]
        )
    with pytest.raises(PermissionDenied, match="接收党组织不在您的管理范围内"):
        services.transfer_refuse(
            transfer=letter, on=D(2026, 3, 5), reason="查无此人", acting_user=personas["worker_a1"]
        )
    letter.refresh_from_db()
    member_a1.refresh_from_db()
    assert letter.state == TransferState.OPEN and member_a1.organization == tree.branch_a1
    services.transfer_accept(transfer=letter, on=D(2026, 3, 5), acting_user=personas["worker_b1"])
    member_a1.refresh_from_db()
    assert member_a1.organization == tree.branch_b1
