"""The approval chain of each 附件5 category, as seed 004 附件4 prints its rows, and seed
001's rule (adopted by a campaign) that the department is consulted before any 处置."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from paicha.campaigns import services as campaign_services
from paicha.cases import services
from paicha.cases.rules import steps_for
from paicha.codes import ApprovalStep as S
from paicha.codes import DispositionCategory as D
from paicha.codes import MemberStatus

from .test_services import approve, propose_removal

BRANCH, PRE, DEPT_PRE, ASSEMBLY, APPROVAL, DEPT_APPROVAL, CONSULT = "1234567"


def test_only_persuasion_and_removal_pass_the_departments_two_rows():
    # 劝退或劝而不退除名, 自行脱党除名, 退党除名 (contacted) and 自行脱党除名 (not contacted).
    for category in "HIJQ":
        assert steps_for(category) == (BRANCH, PRE, DEPT_PRE, ASSEMBLY, APPROVAL, DEPT_APPROVAL)
    # 开除党籍 (M, V), 停止党籍 (E, T, U), 不予承认 (K), 取消预备党员资格 (L, R).
    for category in "MVETUKLR":
        assert steps_for(category) == (BRANCH, PRE, ASSEMBLY, APPROVAL), category
    assert steps_for("D") == (BRANCH, APPROVAL) and steps_for("X") == (BRANCH, APPROVAL)


def test_consultation_step_sits_after_the_committees_pre_review():
    assert steps_for("V", consult=True) == (BRANCH, PRE, CONSULT, ASSEMBLY, APPROVAL)
    assert steps_for("D", consult=True) == (BRANCH, CONSULT, APPROVAL)
    # The department already pre-reviews 劝退/除名.
    assert steps_for("Q", consult=True) == steps_for("Q")
    assert steps_for("C", consult=True) == ()


def test_expulsion_takes_effect_at_the_committees_approval(opened_case, personas, searchers, lost):
    propose_removal(opened_case, personas, searchers, category=D.LOST_EXPELLED)
    day = datetime.date(2016, 7, 2)
    for step in (S.BRANCH_COMMITTEE, S.COMMITTEE_PRE_REVIEW, S.BRANCH_ASSEMBLY):
        approve(opened_case, personas, step, day)
    lost.refresh_from_db()
    assert lost.status == MemberStatus.ACTIVE
    with pytest.raises(ValidationError, match="当前应签署“基层党委审核（审批）意见”"):
        approve(opened_case, personas, S.DEPARTMENT_APPROVAL, day)
    approve(opened_case, personas, S.COMMITTEE_APPROVAL, day)
    lost.refresh_from_db()
    assert lost.status == MemberStatus.REMOVED


def test_a_campaign_with_seed_001s_rule_adds_the_consultation(
    tree, opened_case, personas, searchers, lost
):
    campaign = campaign_services.campaign_create_from_template(
        org=tree.root,
        template="school-2016",
        name="学校集中排查",
        doc_number="",
        start=datetime.date(2016, 3, 1),
        acting_user=personas["department"],
    )
    assert campaign.consult_department
    disposition = propose_removal(
        opened_case, personas, searchers, category=D.LOST_UNREACHABLE_SUSPENDED
    )
    assert disposition.consult_department
    day = datetime.date(2016, 7, 2)
    approve(opened_case, personas, S.BRANCH_COMMITTEE, day)
    approve(opened_case, personas, S.COMMITTEE_PRE_REVIEW, day)
    with pytest.raises(ValidationError, match="当前应签署“与上级党委组织部门沟通意见”"):
        approve(opened_case, personas, S.BRANCH_ASSEMBLY, day)
    with pytest.raises(ValidationError, match="须由组织部门签署|角色"):
        services.disposition_approve(
            case=opened_case,
            acting_user=personas["reviewer_a"],
            step=S.DEPARTMENT_CONSULT,
            opinion="同意",
            signed_on=day,
        )
    services.disposition_approve(
        case=opened_case,
        acting_user=personas["department"],
        step=S.DEPARTMENT_CONSULT,
        opinion="已沟通，同意",
        signed_on=day,
    )
    approve(opened_case, personas, S.BRANCH_ASSEMBLY, day)
    approve(opened_case, personas, S.COMMITTEE_APPROVAL, day)
    lost.refresh_from_db()
    assert lost.status == MemberStatus.SUSPENDED
