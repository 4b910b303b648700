"""Two signers of the same step at the same moment: exactly one signature is stored.

The service locks the case row (select_for_update) and re-reads the step waiting; the unique
constraint on (case, step, round) holds even when that check is fooled.
"""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from paicha.cases import services
from paicha.cases.models import ApprovalSignature, LostContactCase
from paicha.codes import ApprovalStep as S
from paicha.conftest import make_user
from paicha.organizations.permissions import Role

from .test_services import approve, propose_removal

DAY = datetime.date(2016, 7, 3)


def _ready(opened_case, personas, searchers):
    propose_removal(opened_case, personas, searchers)
    approve(opened_case, personas, S.BRANCH_COMMITTEE, datetime.date(2016, 7, 2))


def test_constraint_holds_when_the_step_check_is_fooled(
    opened_case, personas, searchers, monkeypatch
):
    _ready(opened_case, personas, searchers)
    approve(opened_case, personas, S.COMMITTEE_PRE_REVIEW, DAY)
    # A stale read of the chain (as two simultaneous requests could have) says step 2 waits.
    monkeypatch.setattr(services, "next_step", lambda disposition: S.COMMITTEE_PRE_REVIEW)
    with pytest.raises(ValidationError, match="本轮已由他人签署"):
        approve(opened_case, personas, S.COMMITTEE_PRE_REVIEW, DAY)
    assert ApprovalSignature.objects.filter(step=S.COMMITTEE_PRE_REVIEW).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fool_the_check", [False, True])
def test_concurrent_approvals_of_the_same_step_cannot_both_succeed(
    tree, personas, searchers, opened_case, monkeypatch, fool_the_check
):
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent transactions need PostgreSQL")
    _ready(opened_case, personas, searchers)
    second = make_user("reviewer_a2", tree.college_a, Role.COMMITTEE_REVIEWER)
    if fool_the_check:
        monkeypatch.setattr(services, "next_step", lambda disposition: S.COMMITTEE_PRE_REVIEW)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def sign(user):
        try:
            barrier.wait()
            services.disposition_approve(
                case=opened_case,
                acting_user=user,
                step=S.COMMITTEE_PRE_REVIEW,
                opinion="同意",
                signed_on=DAY,
            )
            results.append("ok")
        except ValidationError as exc:
            results.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=sign, args=(u,)) for u in (personas["reviewer_a"], second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2 and results.count("ok") == 1, results
    refused = [r for r in results if r != "ok"][0]
    assert "本轮已由他人签署" in refused or "当前应签署“上一级党委组织部门预审意见”" in refused
    case = LostContactCase.objects.get(pk=opened_case.pk)
    assert case.approvals.filter(step=S.COMMITTEE_PRE_REVIEW).count() == 1
