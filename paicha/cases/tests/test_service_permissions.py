"""Every cases service refuses a user outside the case's subtree and a user who may only read,
before it changes anything."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from paicha.audit.models import AuditEntry
from paicha.cases import services
from paicha.cases.models import LostContactCase
from paicha.codes import CaseOutcome, LossReason, SearchMethod

from .conftest import OPENED

D = datetime.date


@pytest.mark.parametrize(
    "who, message", [("outsider", "不在您的管理范围内"), ("auditor", "您的角色没有此项操作权限")]
)
def test_case_services_refuse_outsiders_and_readers(opened_case, lost, personas, who, message):
    user = personas[who]
    audit_rows = AuditEntry.objects.count()
    later = OPENED + datetime.timedelta(days=3)
    calls = {
        "立案": lambda: services.case_open(member=lost, acting_user=user, opened_on=OPENED),
        "修改": lambda: services.case_update(
            case=opened_case, acting_user=user, loss_reason=LossReason.OTHER, remarks="改"
        ),
        "查找": lambda: services.attempt_record(
            case=opened_case,
            acting_user=user,
            date=later,
            method=SearchMethod.PHONE,
            reached="本人",
            process="电话",
            as_of=later,
        ),
        "查找结果": lambda: services.case_record_outcome(
            case=opened_case,
            acting_user=user,
            outcome=CaseOutcome.UNREACHABLE,
            outcome_on=later,
            as_of=later,
        ),
    }
    for what, call in calls.items():
        with pytest.raises(PermissionDenied, match=message):
            call()
            pytest.fail(f"{what}：未被拒绝")
    opened_case.refresh_from_db()
    assert LostContactCase.objects.count() == 1
    assert (opened_case.remarks, opened_case.outcome) == ("", CaseOutcome.SEARCHING)
    assert not opened_case.attempts.exists()
    assert AuditEntry.objects.count() == audit_rows
