import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from paicha.audit.models import AuditAction, AuditEntry
from paicha.cases import services
from paicha.cases.models import ApprovalSignature, LostContactCase
from paicha.cases.rules import steps_for
from paicha.cases.selectors import (
    attempts_missing_signature,
    cases_waiting_for,
    cases_without_recent_attempt,
    next_step,
    regained_cases,
)
from paicha.codes import (
    ApprovalStep as S,
)
from paicha.codes import (
    CaseOutcome,
    DispositionState,
    LossReason,
    MemberStatus,
    MemberType,
    SearchMethod,
)
from paicha.codes import (
    DispositionCategory as D,
)
from paicha.conftest import make_org, make_user
from paicha.members.models import Member
from paicha.organizations.permissions import Role

from .conftest import LOST_SINCE, OPENED
from .conftest import member as make_member

DAY = datetime.timedelta(days=1)
TODAY = datetime.date(2016, 9, 20)


def attempt(case, user, date, signers=(), **extra):
    return services.attempt_record(
        case=case,
        acting_user=user,
        date=date,
        method=extra.pop("method", SearchMethod.PHONE),
        reached=extra.pop("reached", "原工作单位办公室陈某"),
        process=extra.pop("process", "电话询问，对方称其已离开"),
        signers=signers,
        as_of=TODAY,
        **extra,
    )


def unreachable_case(case, personas, searchers):
    worker = personas["worker_a1"]
    attempt(case, worker, datetime.date(2016, 3, 5), [searchers["li"], searchers["zhao"]])
    attempt(
        case,
        worker,
        datetime.date(2016, 4, 5),
        [searchers["li"], searchers["qian"]],
        method=SearchMethod.POLICE,
    )
    return services.case_record_outcome(
        case=case,
        acting_user=worker,
        outcome=CaseOutcome.UNREACHABLE,
        outcome_on=datetime.date(2016, 6, 30),
        as_of=TODAY,
    )


SIGNERS = {
    S.BRANCH_COMMITTEE: "worker_a1",
    S.COMMITTEE_PRE_REVIEW: "reviewer_a",
    S.DEPARTMENT_PRE_REVIEW: "department",
    S.BRANCH_ASSEMBLY: "worker_a1",
    S.COMMITTEE_APPROVAL: "reviewer_a",
    S.DEPARTMENT_APPROVAL: "department",
}


def approve(case, personas, step, day):
    return services.disposition_approve(
        case=case, acting_user=personas[SIGNERS[step]], step=step, opinion="同意", signed_on=day
    )


def propose_removal(case, personas, searchers, category=D.LOST_SELF_LAPSED):
    unreachable_case(case, personas, searchers)
    return services.disposition_propose(
        case=case,
        acting_user=personas["worker_a1"],
        category=category,
        proposal="经多方查找仍无法取得联系，按自行脱党予以除名",
        proposed_on=datetime.date(2016, 7, 1),
    )


# ---- opening --------------------------------------------------------------------------------


def test_open_copies_the_members_facts_and_the_start_of_the_loss(opened_case, lost, tree):
    case = opened_case
    assert (case.name, case.id_number, case.org_name) == (
        lost.name,
        lost.id_number,
        tree.branch_a1.name,
    )
    assert case.org_category == tree.branch_a1.category and case.contacts == "13800000001"
    assert case.lost_since == LOST_SINCE and case.org_path == tree.branch_a1.path
    lost.name = "王改名"
    lost.save()
    case.refresh_from_db()
    assert case.name == "王失联"


def test_one_open_case_per_member(opened_case, lost, personas):
    with pytest.raises(ValidationError, match="尚未结案"):
        services.case_open(member=lost, acting_user=personas["worker_a1"], opened_on=OPENED)
    with pytest.raises(IntegrityError), transaction.atomic():
        LostContactCase.objects.create(
            organization=lost.organization,
            member=lost,
            opened_on=OPENED,
            name=lost.name,
            gender=lost.gender,
            ethnicity=lost.ethnicity,
            birth_date=lost.birth_date,
            id_number=lost.id_number,
            member_type=lost.member_type,
            org_name="x",
            org_category="5",
        )


def test_other_reason_needs_the_reason_in_remarks(lost, personas):
    with pytest.raises(ValidationError, match="⑦其他"):
        services.case_open(
            member=lost,
            acting_user=personas["worker_a1"],
            opened_on=OPENED,
            loss_reason=LossReason.OTHER,
        )
    case = services.case_open(
        member=lost,
        acting_user=personas["worker_a1"],
        opened_on=OPENED,
        loss_reason=LossReason.OTHER,
        remarks="长期在外照顾病人",
    )
    assert case.loss_reason_text == "⑦其他：长期在外照顾病人"


def test_worker_of_another_branch_cannot_open(lost, personas):
    with pytest.raises(PermissionDenied, match="该党员不在您的管理范围内"):
        services.case_open(member=lost, acting_user=personas["worker_b1"], opened_on=OPENED)
    assert not LostContactCase.objects.exists()


def test_lost_period_runs_to_the_fill_date_then_to_the_end_of_the_search(
    opened_case, personas, searchers
):
    case = opened_case
    assert case.lost_months(datetime.date(2016, 3, 2)) == 12
    assert (
        case.lost_period_text(datetime.date(2016, 9, 2)) == "2015年3月2日至2016年9月2日（1年6个月）"
    )
    case = unreachable_case(case, personas, searchers)
    assert case.lost_until(datetime.date(2017, 1, 1)) == datetime.date(2016, 6, 30)
    assert case.lost_months(datetime.date(2017, 1, 1)) == 15


# ---- attempts and signers ---------------------------------------------------------------------


def test_attempts_are_numbered_in_order_and_cannot_go_back_in_time(opened_case, personas):
    worker = personas["worker_a1"]
    first = attempt(opened_case, worker, datetime.date(2016, 3, 5))
    second = attempt(opened_case, worker, datetime.date(2016, 3, 9))
    assert (first.seq, second.seq) == (1, 2)
    with pytest.raises(ValidationError, match="第2次查找"):
        attempt(opened_case, worker, datetime.date(2016, 3, 6))
    with pytest.raises(ValidationError, match="晚于今天"):
        attempt(opened_case, worker, TODAY + DAY)


def test_second_signer_must_be_full_member(opened_case, personas, searchers):
    with pytest.raises(ValidationError, match="孙预备.*预备党员"):
        attempt(
            opened_case,
            personas["worker_a1"],
            datetime.date(2016, 3, 5),
            [searchers["li"], searchers["sun"]],
        )
    assert not opened_case.attempts.exists()  # nothing half-stored


def test_signer_must_belong_to_the_members_committee(opened_case, personas, searchers, lost):
    worker = personas["worker_a1"]
    with pytest.raises(ValidationError, match="周外院.*文学院党委"):
        attempt(opened_case, worker, datetime.date(2016, 3, 5), [searchers["zhou"]])
    with pytest.raises(ValidationError, match="本人"):
        attempt(opened_case, worker, datetime.date(2016, 3, 5), [lost])
    # A member of another branch of the same committee (the working group) may sign.
    a = attempt(opened_case, worker, datetime.date(2016, 3, 5), [searchers["qian"]])
    removed = make_member(opened_case.organization, "吴已出", status=MemberStatus.REMOVED)
    with pytest.raises(ValidationError, match="吴已出.*不在党员名册"):
        services.attempt_sign(
            attempt=a, signer=removed, acting_user=worker, signed_on=datetime.date(2016, 3, 5)
        )
    with pytest.raises(ValidationError, match="已经在第1次查找上签过名"):
        services.attempt_sign(
            attempt=a,
            signer=searchers["qian"],
            acting_user=worker,
            signed_on=datetime.date(2016, 3, 5),
        )


def test_unreachable_needs_two_signatures_on_every_attempt(opened_case, personas, searchers):
    worker = personas["worker_a1"]
    with pytest.raises(ValidationError, match="还没有任何联系查找记录"):
        services.case_record_outcome(
            case=opened_case,
            acting_user=worker,
            outcome=CaseOutcome.UNREACHABLE,
            outcome_on=datetime.date(2016, 6, 1),
            as_of=TODAY,
        )
    a = attempt(opened_case, worker, datetime.date(2016, 3, 5), [searchers["li"]])
    assert list(attempts_missing_signature(opened_case.attempts.all())) == [a]
    with pytest.raises(ValidationError, match="第1次查找只有1名查找人签名"):
        services.case_record_outcome(
            case=opened_case,
            acting_user=worker,
            outcome=CaseOutcome.UNREACHABLE,
            outcome_on=datetime.date(2016, 6, 1),
            as_of=TODAY,
        )
    services.attempt_sign(
        attempt=a, signer=searchers["zhao"], acting_user=worker, signed_on=datetime.date(2016, 3, 6)
    )
    assert not attempts_missing_signature(opened_case.attempts.all()).exists()
    case = services.case_record_outcome(
        case=opened_case,
        acting_user=worker,
        outcome=CaseOutcome.UNREACHABLE,
        outcome_on=datetime.date(2016, 6, 1),
        as_of=TODAY,
    )
    assert case.outcome == CaseOutcome.UNREACHABLE


def test_scan_type_and_size_are_checked(opened_case, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    worker = personas["worker_a1"]
    with pytest.raises(ValidationError, match="只接受 jpg、png、pdf"):
        services.attachment_add(
            case=opened_case, acting_user=worker, uploaded=SimpleUploadedFile("a.exe", b"MZ...")
        )
    with pytest.raises(ValidationError, match="内容不是 pdf"):
        services.attachment_add(
            case=opened_case,
            acting_user=worker,
            uploaded=SimpleUploadedFile("a.pdf", b"\x89PNG\r\n\x1a\nxx"),
        )
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError, match="超过 10 MB"):
        services.attachment_add(case=opened_case, acting_user=worker, uploaded=big)
    scan = services.attachment_add(
        case=opened_case, acting_user=worker, uploaded=SimpleUploadedFile("信函.pdf", b"%PDF-1.4 x")
    )
    assert scan.file_type == "pdf" and "信函" not in scan.stored_name
    assert (tmp_path / scan.stored_name).read_bytes() == b"%PDF-1.4 x"


# ---- outcome ----------------------------------------------------------------------------------


def test_regained_contact_needs_place_and_contacts(opened_case, personas):
    worker = personas["worker_a1"]
    with pytest.raises(ValidationError, match="所在地和新的联系方式"):
        services.case_record_outcome(
            case=opened_case,
            acting_user=worker,
            outcome=CaseOutcome.REGAINED,
            outcome_on=datetime.date(2016, 5, 1),
            as_of=TODAY,
        )
    with pytest.raises(ValidationError, match="11位"):
        services.case_record_outcome(
            case=opened_case,
            acting_user=worker,
            outcome=CaseOutcome.REGAINED,
            regained_place="深圳",
            new_mobile="12345",
            outcome_on=datetime.date(2016, 5, 1),
            as_of=TODAY,
        )
    services.case_record_outcome(
        case=opened_case,
        acting_user=worker,
        outcome=CaseOutcome.REGAINED,
        regained_place="广东省深圳市",
        new_mobile="13912345678",
        outcome_on=datetime.date(2016, 5, 1),
        as_of=TODAY,
    )
    assert list(regained_cases()) == [opened_case]
    record = lost_contact_record(opened_case)
    assert record.date == datetime.date(2016, 5, 1) and record.with_member
    assert "广东省深圳市" in record.note


def lost_contact_record(case):
    from paicha.evidence.models import ContactRecord

    return ContactRecord.objects.get(member=case.member_id)


def test_the_loss_starts_at_the_last_dues_from_the_evidence_app(lost, personas, monkeypatch):
    from paicha.cases import selectors
    from paicha.evidence.services import dues_record

    monkeypatch.setattr(services, "last_org_life_or_dues", selectors.last_org_life_or_dues)
    dues_record(
        member=lost,
        amount="12.50",
        month_from=datetime.date(2015, 1, 1),
        month_to=datetime.date(2015, 6, 1),
        paid_on=datetime.date(2015, 6, 20),
        acting_user=personas["worker_a1"],
        as_of=OPENED,
    )
    case = services.case_open(member=lost, acting_user=personas["worker_a1"], opened_on=OPENED)
    assert case.lost_since == datetime.date(2015, 6, 20)


# ---- disposition ------------------------------------------------------------------------------


def test_category_must_match_the_side_of_the_outcome(opened_case, personas, searchers):
    worker = personas["worker_a1"]
    with pytest.raises(ValidationError, match="目前仍未取得联系的党员.*正在查找"):
        services.disposition_propose(
            case=opened_case,
            acting_user=worker,
            category=D.LOST_SELF_LAPSED,
            proposal="除名",
            proposed_on=datetime.date(2016, 7, 1),
        )
    unreachable_case(opened_case, personas, searchers)
    with pytest.raises(ValidationError, match="经查找取得联系的党员"):
        services.disposition_propose(
            case=opened_case,
            acting_user=worker,
            category=D.SELF_LAPSED,
            proposal="除名",
            proposed_on=datetime.date(2016, 7, 1),
        )
    with pytest.raises(ValidationError, match="只适用于预备党员"):
        services.disposition_propose(
            case=opened_case,
            acting_user=worker,
            category=D.LOST_PROBATION_CANCELLED,
            proposal="取消",
            proposed_on=datetime.date(2016, 7, 1),
        )


def test_only_the_branch_proposes(opened_case, personas, searchers):
    unreachable_case(opened_case, personas, searchers)
    with pytest.raises(ValidationError, match="由党员所在的"):
        services.disposition_propose(
            case=opened_case,
            acting_user=personas["reviewer_a"],
            category=D.LOST_SELF_LAPSED,
            proposal="除名",
            proposed_on=datetime.date(2016, 7, 1),
        )


def test_every_removal_category_has_its_chain():
    assert steps_for(D.LOST_SELF_LAPSED) == ("1", "2", "3", "4", "5", "6")
    # 开除党籍 has no 上一级党委组织部门 row: the seed's two rows are for 劝退/除名 only.
    assert steps_for(D.EXPELLED) == ("1", "2", "4", "5")
    assert steps_for(D.LOST_UNREACHABLE_SUSPENDED)[-1] == S.COMMITTEE_APPROVAL
    assert steps_for(D.MANAGED) == () and steps_for(D.STILL_SEARCHING) == ()
    for category in "EHIJKLMQRTUV":
        assert steps_for(category)[0] == S.BRANCH_COMMITTEE, category


def test_no_status_change_before_the_final_approval(opened_case, personas, searchers, lost):
    propose_removal(opened_case, personas, searchers)
    day = datetime.date(2016, 7, 2)
    for i, step in enumerate(steps_for(D.LOST_SELF_LAPSED)):
        lost.refresh_from_db()
        assert lost.status == MemberStatus.ACTIVE, step
        assert LostContactCase.objects.get(pk=opened_case.pk).is_open
        approve(opened_case, personas, step, day + i * DAY)
    lost.refresh_from_db()
    assert lost.status == MemberStatus.REMOVED and lost.status_date == day + 5 * DAY
    assert not Member.objects.on_roster().filter(pk=lost.pk).exists()
    case = LostContactCase.objects.get(pk=opened_case.pk)
    assert case.closed_on == day + 5 * DAY
    assert case.disposition.state == DispositionState.EFFECTIVE
    assert case.attempts.count() == 2 and case.approvals.count() == 6  # the record is kept
    notes = AuditEntry.objects.filter(action=AuditAction.APPROVE).values_list("note", flat=True)
    assert len(notes) == 6 and any("上一级党委组织部门审批意见" in n for n in notes)


def test_no_step_out_of_order(opened_case, personas, searchers):
    propose_removal(opened_case, personas, searchers)
    with pytest.raises(ValidationError, match="当前应签署“支委会初步处置意见”"):
        approve(opened_case, personas, S.COMMITTEE_PRE_REVIEW, datetime.date(2016, 7, 2))
    approve(opened_case, personas, S.BRANCH_COMMITTEE, datetime.date(2016, 7, 2))
    with pytest.raises(ValidationError, match="当前应签署“基层党委预审意见”"):
        approve(opened_case, personas, S.BRANCH_ASSEMBLY, datetime.date(2016, 7, 3))
    with pytest.raises(ValidationError, match="签署日期不能早于"):
        approve(opened_case, personas, S.COMMITTEE_PRE_REVIEW, datetime.date(2016, 7, 1))
    assert ApprovalSignature.objects.count() == 1


def test_no_signer_from_the_wrong_organization_or_role(opened_case, personas, searchers, tree):
    propose_removal(opened_case, personas, searchers)
    day = datetime.date(2016, 7, 2)

    def sign(user, step):
        return services.disposition_approve(
            case=opened_case, acting_user=user, step=step, opinion="同意", signed_on=day
        )

    worker_a2 = make_user("worker_a2", tree.branch_a2, Role.BRANCH_WORKER)
    # Users outside the case's subtree are refused before any rule of the chain is asked.
    with pytest.raises(PermissionDenied, match="该案件不在您的管理范围内"):
        sign(worker_a2, S.BRANCH_COMMITTEE)
    with pytest.raises(ValidationError, match="须由支部工作人员签署"):
        sign(personas["reviewer_a"], S.BRANCH_COMMITTEE)
    sign(personas["worker_a1"], S.BRANCH_COMMITTEE)
    reviewer_b = make_user("reviewer_b", tree.college_b, Role.COMMITTEE_REVIEWER)
    with pytest.raises(PermissionDenied, match="该案件不在您的管理范围内"):
        sign(reviewer_b, S.COMMITTEE_PRE_REVIEW)
    with pytest.raises(ValidationError, match="须由基层党委审核人员签署"):
        sign(personas["department"], S.COMMITTEE_PRE_REVIEW)
    sign(personas["reviewer_a"], S.COMMITTEE_PRE_REVIEW)
    # A department user at the committee itself is not above it.
    dept_at_college = make_user("dept_a", tree.college_a, Role.ORG_DEPARTMENT)
    with pytest.raises(ValidationError, match="上一级党委组织部门"):
        sign(dept_at_college, S.DEPARTMENT_PRE_REVIEW)
    outsider_dept = make_user("dept_x", tree.other_root, Role.ORG_DEPARTMENT)
    with pytest.raises(PermissionDenied, match="该案件不在您的管理范围内"):
        sign(outsider_dept, S.DEPARTMENT_PRE_REVIEW)
    sign(personas["department"], S.DEPARTMENT_PRE_REVIEW)
    assert ApprovalSignature.objects.count() == 3


def test_general_branch_counts_as_the_grassroots_committee(tree, personas, searchers):
    from paicha.codes import OrgKind

    general = make_org(tree.college_a, "001001009", "文学院某党总支", OrgKind.GENERAL_BRANCH)
    branch = make_org(general, "001001009001", "党总支下属支部")
    member = make_member(branch, "郑总支")
    worker = make_user("zb_g", branch, Role.BRANCH_WORKER)
    case = services.case_open(member=member, acting_user=worker, opened_on=OPENED)
    services.case_record_outcome(
        case=case,
        acting_user=worker,
        outcome=CaseOutcome.DECEASED,
        outcome_on=datetime.date(2016, 5, 1),
        as_of=TODAY,
    )
    services.disposition_propose(
        case=case,
        acting_user=worker,
        category=D.DEAD,
        proposal="经核实已于2016年病故",
        proposed_on=datetime.date(2016, 5, 2),
    )
    services.disposition_approve(
        case=case,
        acting_user=worker,
        step=S.BRANCH_COMMITTEE,
        opinion="情况属实",
        signed_on=datetime.date(2016, 5, 3),
    )
    with pytest.raises(ValidationError, match="文学院某党总支"):
        services.disposition_approve(
            case=case,
            acting_user=personas["reviewer_a"],
            step=S.COMMITTEE_APPROVAL,
            opinion="同意",
            signed_on=datetime.date(2016, 5, 4),
        )
    reviewer = make_user("zzb_g", general, Role.COMMITTEE_REVIEWER)
    services.disposition_approve(
        case=case,
        acting_user=reviewer,
        step=S.COMMITTEE_APPROVAL,
        opinion="同意",
        signed_on=datetime.date(2016, 5, 4),
    )
    member.refresh_from_db()
    assert member.status == MemberStatus.DECEASED


def test_rejection_returns_the_case_and_a_new_round_starts(opened_case, personas, searchers, lost):
    propose_removal(opened_case, personas, searchers)
    approve(opened_case, personas, S.BRANCH_COMMITTEE, datetime.date(2016, 7, 2))
    services.disposition_reject(
        case=opened_case,
        acting_user=personas["reviewer_a"],
        step=S.COMMITTEE_PRE_REVIEW,
        reason="查找方式单一，请再向公安部门核实",
        signed_on=datetime.date(2016, 7, 3),
    )
    disposition = LostContactCase.objects.get(pk=opened_case.pk).disposition
    assert disposition.state == DispositionState.RETURNED
    assert "请再向公安部门核实" in disposition.returned_reason
    assert next_step(disposition) is None
    with pytest.raises(ValidationError, match="没有待签署"):
        approve(opened_case, personas, S.COMMITTEE_PRE_REVIEW, datetime.date(2016, 7, 4))
    services.disposition_propose(
        case=opened_case,
        acting_user=personas["worker_a1"],
        category=D.LOST_UNREACHABLE_SUSPENDED,
        proposal="停止党籍",
        proposed_on=datetime.date(2016, 7, 10),
    )
    disposition.refresh_from_db()
    assert disposition.round == 2 and next_step(disposition) == S.BRANCH_COMMITTEE
    for i, step in enumerate(steps_for(D.LOST_UNREACHABLE_SUSPENDED)):
        approve(opened_case, personas, step, datetime.date(2016, 7, 11) + i * DAY)
    lost.refresh_from_db()
    assert lost.status == MemberStatus.SUSPENDED
    assert ApprovalSignature.objects.filter(case=opened_case, round=1).count() == 2


def test_waiting_list_follows_the_chain(opened_case, personas, searchers):
    propose_removal(opened_case, personas, searchers)
    assert cases_waiting_for(personas["worker_a1"]) == [opened_case]
    assert cases_waiting_for(personas["reviewer_a"]) == []
    approve(opened_case, personas, S.BRANCH_COMMITTEE, datetime.date(2016, 7, 2))
    assert [c.waiting_step for c in cases_waiting_for(personas["reviewer_a"])] == [
        S.COMMITTEE_PRE_REVIEW
    ]
    assert cases_waiting_for(personas["worker_a1"]) == []
    assert cases_waiting_for(personas["department"]) == []
    assert cases_waiting_for(personas["worker_b1"]) == []


def test_managed_takes_effect_at_once_and_retained_records_its_period(opened_case, personas, lost):
    worker = personas["worker_a1"]
    services.case_record_outcome(
        case=opened_case,
        acting_user=worker,
        outcome=CaseOutcome.REGAINED,
        regained_place="英国伦敦",
        new_contacts="微信 wx1",
        outcome_on=datetime.date(2016, 5, 1),
        as_of=TODAY,
    )
    with pytest.raises(ValidationError, match="期限的起止日期"):
        services.disposition_propose(
            case=opened_case,
            acting_user=worker,
            category=D.RETAINED,
            proposal="出国留学，保留组织关系",
            proposed_on=datetime.date(2016, 5, 2),
        )
    services.disposition_propose(
        case=opened_case,
        acting_user=worker,
        category=D.RETAINED,
        proposal="出国留学，保留组织关系",
        proposed_on=datetime.date(2016, 5, 2),
        period_start=datetime.date(2016, 5, 2),
        period_end=datetime.date(2018, 5, 1),
    )
    with pytest.raises(ValidationError, match="只有已生效"):
        services.followup_record(
            case=opened_case, acting_user=worker, date=datetime.date(2016, 6, 1), note="通话"
        )
    approve(opened_case, personas, S.BRANCH_COMMITTEE, datetime.date(2016, 5, 3))
    approve(opened_case, personas, S.COMMITTEE_APPROVAL, datetime.date(2016, 5, 4))
    lost.refresh_from_db()
    assert lost.status == MemberStatus.RETAINED
    assert Member.objects.on_roster().filter(pk=lost.pk).exists()
    services.followup_record(
        case=opened_case,
        acting_user=worker,
        date=datetime.date(2016, 12, 1),
        note="视频通话，学习情况良好，按时交纳党费",
    )
    assert opened_case.follow_ups.count() == 1


def test_work_list_of_searches_without_recent_attempt(opened_case, personas, lost, tree):
    other = make_member(tree.branch_a1, "冯二")
    other_case = services.case_open(
        member=other, acting_user=personas["worker_a1"], opened_on=OPENED
    )
    attempt(other_case, personas["worker_a1"], datetime.date(2016, 9, 1))
    cases = LostContactCase.objects.visible_to(personas["worker_a1"])
    assert list(cases_without_recent_attempt(cases, as_of=TODAY)) == [opened_case]
    assert set(cases_without_recent_attempt(cases, as_of=TODAY + 30 * DAY)) == {
        opened_case,
        other_case,
    }


def test_the_same_step_cannot_be_signed_twice_in_a_round(opened_case, personas, searchers):
    """The database refuses a second signature of a step in the same round (both engines)."""
    propose_removal(opened_case, personas, searchers)
    first = approve(opened_case, personas, S.BRANCH_COMMITTEE, datetime.date(2016, 7, 2))
    with pytest.raises(IntegrityError), transaction.atomic():
        ApprovalSignature.objects.create(
            case=opened_case,
            disposition=first.disposition,
            step=S.BRANCH_COMMITTEE,
            round=1,
            category=first.category,
            decision=first.decision,
            opinion="再签",
            signed_on=first.signed_on,
            signer=first.signer,
            signer_name="x",
            signer_org=first.signer_org,
            signer_org_name="x",
        )
    with pytest.raises(ValidationError, match="当前应签署“基层党委预审意见”"):
        approve(opened_case, personas, S.BRANCH_COMMITTEE, datetime.date(2016, 7, 2))


def test_member_type_is_copied_for_probation_rules(lost, personas):
    lost.member_type = MemberType.PROBATIONARY
    lost.full_date = None
    lost.save()
    case = services.case_open(member=lost, acting_user=personas["worker_a1"], opened_on=OPENED)
    assert case.member_type == MemberType.PROBATIONARY


def test_grassroots_of_many_organizations_in_one_query(tree, django_assert_num_queries):
    from paicha.cases.selectors import grassroots_map, grassroots_of

    orgs = [tree.branch_a1, tree.branch_b1, tree.college_a, tree.other_branch]
    with django_assert_num_queries(1):
        found = grassroots_map(orgs)
    assert found == {o.pk: grassroots_of(o) for o in orgs}
    assert found[tree.branch_a1.pk] == tree.college_a


def test_returned_case_waits_in_the_branch_todo_until_it_searches_again(
    opened_case, personas, searchers
):
    from paicha.cases.selectors import cases_returned_to

    propose_removal(opened_case, personas, searchers)
    with pytest.raises(ValidationError, match="只有处置意见被退回"):
        services.case_search_again(case=opened_case, acting_user=personas["worker_a1"])
    approve(opened_case, personas, S.BRANCH_COMMITTEE, datetime.date(2016, 7, 2))
    services.disposition_reject(
        case=opened_case,
        acting_user=personas["reviewer_a"],
        step=S.COMMITTEE_PRE_REVIEW,
        reason="请再向公安部门核实",
        signed_on=datetime.date(2016, 7, 3),
    )
    assert list(cases_returned_to(personas["worker_a1"])) == [opened_case]
    assert list(cases_returned_to(personas["worker_b1"])) == []
    assert list(cases_returned_to(personas["reviewer_a"])) == []
    case = services.case_search_again(case=opened_case, acting_user=personas["worker_a1"])
    assert case.outcome == CaseOutcome.SEARCHING and case.outcome_on is None
    assert list(cases_returned_to(personas["worker_a1"])) == []
    disposition = LostContactCase.objects.get(pk=opened_case.pk).disposition
    assert disposition.state == DispositionState.RETURNED
    assert disposition.returned_reason == "基层党委预审意见：请再向公安部门核实"
    attempt(
        case,
        personas["worker_a1"],
        datetime.date(2016, 7, 5),
        [searchers["li"], searchers["zhao"]],
        method=SearchMethod.POLICE,
    )
    assert case.attempts.count() == 3


def test_disposition_form_offers_only_the_categories_of_the_outcome(
    opened_case, personas, searchers
):
    from paicha.cases.forms import DispositionForm

    def offered(case):
        case = LostContactCase.objects.select_related("member").get(pk=case.pk)
        return [
            value
            for _, group in DispositionForm(case=case).fields["category"].choices[1:]
            for value, _ in group
        ]

    assert offered(opened_case) == ["W"]
    unreachable_case(opened_case, personas, searchers)
    assert offered(opened_case) == ["Q", "T", "U", "V", "W"]
    case = LostContactCase.objects.select_related("member").get(pk=opened_case.pk)
    labels = dict(
        choice
        for _, group in DispositionForm(case=case).fields["category"].choices[1:]
        for choice in group
    )
    assert labels["Q"] == "仍未取得联系：自行脱党除名" and labels["V"] == "仍未取得联系：开除党籍"
