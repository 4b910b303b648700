"""Every evidence service refuses a user outside the organization's subtree and a user who may
only read, before it changes anything."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from paicha.audit.models import AuditEntry
from paicha.codes import AttendanceStatus, OrgLifeKind
from paicha.conftest import make_member
from paicha.evidence import services
from paicha.evidence.models import ContactRecord, DuesPayment, OrgLifeMeeting

D = datetime.date


@pytest.mark.parametrize(
    "who, message", [("outsider", "不在您的管理范围内"), ("auditor", "您的角色没有此项操作权限")]
)
def test_evidence_services_refuse_outsiders_and_readers(tree, personas, who, message):
    member = make_member(tree.branch_a1, "李出席")
    meeting = services.meeting_record(
        organization=tree.branch_a1,
        date=D(2026, 3, 1),
        kind=OrgLifeKind.THEME_DAY,
        topic="主题党日",
        attendance={member.pk: (AttendanceStatus.PRESENT, "")},
        acting_user=personas["worker_a1"],
        as_of=D(2026, 3, 2),
    )
    user = personas[who]
    audit_rows = AuditEntry.objects.count()
    calls = {
        "组织生活": lambda: services.meeting_record(
            organization=tree.branch_a1,
            date=D(2026, 3, 5),
            kind=OrgLifeKind.THEME_DAY,
            topic="另一次",
            attendance={member.pk: (AttendanceStatus.PRESENT, "")},
            acting_user=user,
            as_of=D(2026, 3, 6),
        ),
        "修改组织生活": lambda: services.meeting_update(
            meeting=meeting,
            date=D(2026, 3, 1),
            kind=OrgLifeKind.THEME_DAY,
            topic="改",
            attendance={member.pk: (AttendanceStatus.ABSENT, "")},
            acting_user=user,
            as_of=D(2026, 3, 6),
        ),
        "删除组织生活": lambda: services.meeting_delete(meeting=meeting, acting_user=user),
        "党费": lambda: services.dues_record(
            member=member,
            amount=Decimal("2.00"),
            month_from=D(2026, 3, 1),
            month_to=D(2026, 3, 1),
            paid_on=D(2026, 3, 2),
            acting_user=user,
            as_of=D(2026, 3, 6),
        ),
        "联系": lambda: services.contact_record(
            member=member, date=D(2026, 3, 2), acting_user=user
        ),
        "建账日期": lambda: services.books_set(
            organization=tree.branch_a1,
            opened_on=D(2016, 1, 1),
            acting_user=user,
            as_of=D(2026, 3, 6),
        ),
    }
    for what, call in calls.items():
        with pytest.raises(PermissionDenied, match=message):
            call()
            pytest.fail(f"{what}：未被拒绝")
    meeting.refresh_from_db()
    tree.branch_a1.refresh_from_db()
    assert (meeting.topic, OrgLifeMeeting.objects.count()) == ("主题党日", 1)
    assert list(meeting.attendances.values_list("status", flat=True)) == [AttendanceStatus.PRESENT]
    assert not DuesPayment.objects.exists() and not ContactRecord.objects.exists()
    assert tree.branch_a1.books_opened_on is None
    assert AuditEntry.objects.count() == audit_rows
