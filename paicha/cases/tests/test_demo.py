"""The demo university has cases in every state, made through the services."""

import pytest

from paicha.accounts.models import User
from paicha.cases.models import LostContactCase
from paicha.cases.selectors import (
    attempts_missing_signature,
    cases_waiting_for,
    cases_without_recent_attempt,
)
from paicha.codes import CaseOutcome, DispositionState, MemberStatus
from paicha.codes import DispositionCategory as D
from paicha.workspace import demo


@pytest.mark.django_db
def test_demo_has_cases_in_every_state():
    demo.build_university()
    cases = LostContactCase.objects.all()
    assert {c.outcome for c in cases} == set(CaseOutcome.values)
    removed = cases.get(
        disposition__category=D.LOST_SELF_LAPSED,
        disposition__state=DispositionState.EFFECTIVE,
        organization__code="001001001",
    )
    assert removed.member.status == MemberStatus.REMOVED and removed.approvals.count() == 6
    assert cases.filter(disposition__state=DispositionState.RETURNED).exists()
    zb, xy, zzb = (User.objects.get(username=u) for u in ("zb0101", "xy01", "zzb"))
    assert cases_waiting_for(xy) and cases_waiting_for(zzb)
    mine = cases.visible_to(zb)
    assert cases_without_recent_attempt(mine, as_of=demo.REFERENCE_DATE).exists()
    assert attempts_missing_signature(removed.attempts.model.objects.visible_to(zb)).exists()
    assert cases.filter(source="transfer").exists()
    for case in cases:
        if case.outcome in (CaseOutcome.SEARCHING, CaseOutcome.UNREACHABLE):
            assert case.lost_months(demo.REFERENCE_DATE) >= 6
