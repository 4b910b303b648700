import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from paicha.campaigns import services
from paicha.campaigns.blueprints import BLUEPRINTS
from paicha.campaigns.choices import Level, Recurrence, SubmissionStatus
from paicha.campaigns.models import Step, StepProgress, Submission
from paicha.campaigns.selectors import (
    all_due_dates,
    current_period,
    due_dates,
    progress_board,
    rollup,
)
from paicha.conftest import make_user
from paicha.organizations.permissions import Role

from .conftest import DUE, FIGURES, START, submit


def _seed_002_steps() -> list[str]:
    import re

    from paicha.reports.tests.seeds import seed_text

    text = seed_text("002")  # skips where the seeds are not beside the repository
    flow = text.split("中国共产党党员基本情况登记表\n")[0]
    return [m.group(2) for m in re.finditer(r"^\t(\d+)、(.*)$", flow, re.M)]


def test_branch_template_copies_the_23_steps_of_seed_002(campaign):
    steps = list(Step.objects.filter(phase__campaign=campaign).select_related("phase"))
    assert [s.text for s in steps] == _seed_002_steps()
    assert [s.order for s in steps] == list(range(1, 24))
    assert [p.name for p in campaign.phases.all()] == [
        "学习部署",
        "集中排查",
        "规范处置",
        "总结巩固",
    ]
    by_order = {s.order: s for s in steps}
    assert by_order[1].due == datetime.date(2016, 2, 29)  # 2月底 of a leap year
    assert by_order[14].due == datetime.date(2016, 3, 31)
    assert by_order[19].due == datetime.date(2016, 7, 31)
    assert by_order[21].due == datetime.date(2016, 8, 31)
    assert by_order[23].due is None  # 长期


def test_province_template_has_the_six_phases_of_seed_003(tree, personas):
    campaign = services.campaign_create_from_template(
        org=tree.root,
        template="province-steps",
        name="集中排查",
        doc_number="湘组〔2016〕4号",
        start=START,
        acting_user=personas["department"],
    )
    assert [p.name for p in campaign.phases.all()] == [
        "集中摸排",
        "联系查找",
        "登记造册",
        "规范管理",
        "组织处置",
        "分析总结",
    ]
    assert campaign.end == datetime.date(2016, 8, 15)
    assert {(r.form_slug, r.deadline) for r in campaign.required_forms.all()} >= {
        ("attachment3", datetime.date(2016, 4, 20)),
        ("attachment5", datetime.date(2016, 8, 15)),
    }
    assert set(BLUEPRINTS) == {
        "branch-flow",
        "province-steps",
        "school-deepen",
        "school-2016",
        "justice-bureau",
        "colleges-hunan",
    }


def test_template_deadlines_move_with_a_later_start_month(tree, personas):
    campaign = services.campaign_create_from_template(
        org=tree.root,
        template="province-steps",
        name="秋季排查",
        doc_number="",
        start=datetime.date(2016, 9, 1),
        acting_user=personas["department"],
    )
    deadlines = [p.deadline for p in campaign.phases.all()]
    assert deadlines[:3] == [
        datetime.date(2016, 10, 31),
        datetime.date(2016, 12, 31),
        datetime.date(2016, 12, 20),
    ]
    assert deadlines[4:] == [datetime.date(2017, 3, 31), datetime.date(2017, 4, 15)]
    assert campaign.end == datetime.date(2017, 4, 15)


def test_a_branch_worker_cannot_start_a_campaign(tree, personas):
    with pytest.raises(PermissionDenied):
        services.campaign_create_from_template(
            org=tree.branch_a1,
            template="branch-flow",
            name="x",
            doc_number="",
            start=START,
            acting_user=personas["worker_a1"],
        )


def test_steps_stay_editable_after_creation(campaign, personas):
    phase = campaign.phases.get(order=1)
    step = services.step_save(
        campaign=campaign,
        acting_user=personas["department"],
        phase=phase,
        order=24,
        text="召开支部委员会，研究排查小组分工。",
        level=Level.BRANCH,
        deadline=datetime.date(2016, 2, 20),
    )
    assert step.due == datetime.date(2016, 2, 20)
    with pytest.raises(PermissionDenied):
        services.step_save(
            campaign=campaign,
            acting_user=personas["reviewer_a"],
            phase=phase,
            order=25,
            text="x",
            level=Level.BRANCH,
        )
    with pytest.raises(ValidationError):
        services.step_save(
            campaign=campaign,
            acting_user=personas["department"],
            phase=phase,
            order=24,
            text="重复序号",
            level=Level.BRANCH,
        )


def test_monthly_recurrence_gives_every_month_end(campaign):
    monthly = campaign.required_forms.get(recurrence=Recurrence.MONTHLY_END)
    assert all_due_dates(monthly)[:3] == [
        datetime.date(2016, 1, 31),
        datetime.date(2016, 2, 29),
        datetime.date(2016, 3, 31),
    ]
    assert all_due_dates(monthly)[-1] == campaign.end.replace(day=31)
    assert due_dates(monthly, as_of=datetime.date(2016, 3, 10)) == [
        datetime.date(2016, 1, 31),
        datetime.date(2016, 2, 29),
        datetime.date(2016, 3, 31),
    ]
    assert current_period(monthly, as_of=datetime.date(2016, 3, 31)) == datetime.date(2016, 3, 31)
    assert current_period(monthly, as_of=datetime.date(2016, 4, 1)) == datetime.date(2016, 4, 30)


def test_step_tick_and_untick(campaign, tree, personas):
    step = Step.objects.get(phase__campaign=campaign, order=1)
    worker = personas["worker_a1"]
    services.step_tick(
        campaign=campaign,
        org=tree.branch_a1,
        step=step,
        done_on=datetime.date(2016, 2, 3),
        evidence="支委会记录",
        acting_user=worker,
    )
    with pytest.raises(ValidationError, match="已登记完成"):
        services.step_tick(
            campaign=campaign,
            org=tree.branch_a1,
            step=step,
            done_on=datetime.date(2016, 2, 3),
            acting_user=worker,
        )
    with pytest.raises(PermissionDenied):
        services.step_tick(
            campaign=campaign,
            org=tree.branch_b1,
            step=step,
            done_on=datetime.date(2016, 2, 3),
            acting_user=worker,
        )
    with pytest.raises(ValidationError, match="党支部完成"):
        services.step_tick(
            campaign=campaign,
            org=tree.college_a,
            step=step,
            done_on=datetime.date(2016, 2, 3),
            acting_user=personas["reviewer_a"],
        )
    services.step_untick(campaign=campaign, org=tree.branch_a1, step=step, acting_user=worker)
    assert not StepProgress.objects.exists()


def test_failed_checks_block_submission(campaign, tree, personas):
    FIGURES["001001001"] = (3, 5)
    with pytest.raises(ValidationError) as exc:
        submit(campaign, tree.branch_a1, personas["worker_a1"])
    assert "已核查 ≤ 党员数（教职工）已核查5人，党员数3人" in " ".join(exc.value.messages)
    assert not Submission.objects.exists()


def test_submission_freezes_the_form_as_it_was(campaign, tree, personas):
    FIGURES["001001001"] = (3, 2)
    first = submit(campaign, tree.branch_a1, personas["worker_a1"])
    FIGURES["001001001"] = (9, 9)
    first.refresh_from_db()
    assert first.data["rows"][0] == {"item": "教职工", "members": 3, "checked": 2}
    assert first.version == 1 and first.status == SubmissionStatus.SUBMITTED


def test_resubmission_after_return_and_correction_after_acceptance_keep_versions(
    campaign, tree, personas
):
    worker, reviewer = personas["worker_a1"], personas["reviewer_a"]
    FIGURES["001001001"] = (3, 2)
    first = submit(campaign, tree.branch_a1, worker)
    with pytest.raises(ValidationError, match="等待上级审核"):
        submit(campaign, tree.branch_a1, worker)
    with pytest.raises(ValidationError, match="退回原因"):
        services.submission_return(submission=first, reason="  ", acting_user=reviewer)
    services.submission_return(submission=first, reason="人数与名册不符", acting_user=reviewer)
    FIGURES["001001001"] = (4, 4)
    second = submit(campaign, tree.branch_a1, worker)
    services.submission_accept(submission=second, acting_user=reviewer)
    third = submit(campaign, tree.branch_a1, worker)
    assert [s.version for s in Submission.objects.order_by("version")] == [1, 2, 3]
    first.refresh_from_db()
    assert first.status == SubmissionStatus.RETURNED and first.return_reason == "人数与名册不符"
    assert first.data["rows"][0]["members"] == 3 and third.data["rows"][0]["members"] == 4
    with pytest.raises(ValidationError, match="最新版本"):
        services.submission_accept(submission=second, acting_user=reviewer)


def test_a_branch_cannot_accept_its_own_submission(campaign, tree, personas):
    FIGURES["001001001"] = (3, 2)
    sub = submit(campaign, tree.branch_a1, personas["worker_a1"])
    with pytest.raises(PermissionDenied):
        services.submission_accept(submission=sub, acting_user=personas["worker_a1"])
    # Even with the review permission, an organization never reviews itself.
    own_reviewer = make_user("a1_reviewer", tree.branch_a1, Role.COMMITTEE_REVIEWER)
    with pytest.raises(PermissionDenied, match="本单位"):
        services.submission_accept(submission=sub, acting_user=own_reviewer)
    # Nor does a reviewer of another subtree.
    reviewer_b = make_user("reviewer_b", tree.college_b, Role.COMMITTEE_REVIEWER)
    with pytest.raises(PermissionDenied):
        services.submission_accept(submission=sub, acting_user=reviewer_b)
    # The committee's own form goes to the root, not to itself.
    FIGURES["001001"] = (5, 5)
    committee_sub = submit(campaign, tree.college_a, personas["reviewer_a"])
    with pytest.raises(PermissionDenied):
        services.submission_accept(submission=committee_sub, acting_user=personas["reviewer_a"])
    services.submission_accept(submission=committee_sub, acting_user=personas["department"])


def test_only_required_forms_and_their_periods_can_be_submitted(campaign, tree, personas):
    with pytest.raises(ValidationError, match="上报期限"):
        submit(campaign, tree.branch_a1, personas["worker_a1"], period=datetime.date(2016, 4, 21))
    with pytest.raises(ValidationError, match="不要求"):
        submit(
            campaign,
            tree.college_a,
            personas["reviewer_a"],
            slug="branch-roster",
            period=datetime.date(2016, 3, 31),
        )
    roster = submit(
        campaign,
        tree.branch_a1,
        personas["worker_a1"],
        slug="branch-roster",
        period=datetime.date(2016, 3, 31),
    )
    assert roster.data["title"] == "支 部 党 员 名 册"


def test_rollup_sums_accepted_children_and_lists_the_missing(campaign, tree, personas):
    reviewer = personas["reviewer_a"]
    FIGURES.update({"001001001": (3, 2), "001001002": (10, 7)})
    a1 = submit(campaign, tree.branch_a1, personas["worker_a1"])
    worker_a2 = make_user("worker_a2", tree.branch_a2, Role.BRANCH_WORKER)
    a2 = submit(campaign, tree.branch_a2, worker_a2)
    services.submission_accept(submission=a1, acting_user=reviewer)
    result = rollup(campaign=campaign, org=tree.college_a, form_slug="test-counts", period=DUE)
    assert result.totals == {"members": 4, "checked": 3}
    assert [m.code for m in result.missing] == ["001001002"]
    services.submission_accept(submission=a2, acting_user=reviewer)
    result = rollup(campaign=campaign, org=tree.college_a, form_slug="test-counts", period=DUE)
    assert result.missing == []
    assert [r["cells"] for r in result.rows] == [[13, 9], [2, 2]]
    assert {r["label"]: r["values"] for r in result.rows} == {
        "教职工": {"members": 13, "checked": 9},
        "学生": {"members": 2, "checked": 2},
    }
    assert [c["title"] for c in result.columns] == ["党员数", "已核查"]
    # A correction waiting for review does not replace the accepted figures.
    FIGURES["001001001"] = (30, 20)
    submit(campaign, tree.branch_a1, personas["worker_a1"])
    again = rollup(campaign=campaign, org=tree.college_a, form_slug="test-counts", period=DUE)
    assert again.totals == {"members": 15, "checked": 11}


def test_board_counts_steps_and_marks_late_forms(campaign, tree, personas):
    FIGURES["001001001"] = (3, 2)
    submit(campaign, tree.branch_a1, personas["worker_a1"])
    step = Step.objects.get(phase__campaign=campaign, order=1)
    services.step_tick(
        campaign=campaign,
        org=tree.branch_a1,
        step=step,
        done_on=datetime.date(2016, 2, 3),
        acting_user=personas["worker_a1"],
    )
    rows = {
        r.org.code: r
        for r in progress_board(campaign, tree.college_a, as_of=datetime.date(2016, 4, 21))
    }
    a1, a2 = rows["001001001"], rows["001001002"]
    assert (a1.steps_done, a1.steps_total) == (1, 23)
    assert a1.submitted == 1 and a2.missing >= 1
    assert any(i.label == "测试核查情况统计表" for i in a2.late_items)
    assert not any(i.label == "测试核查情况统计表" for i in a1.late_items)
    # Before the deadline nothing of the form is late.
    early = {
        r.org.code: r
        for r in progress_board(campaign, tree.college_a, as_of=datetime.date(2016, 4, 20))
    }
    assert not any(i.label == "测试核查情况统计表" for i in early["001001002"].late_items)


def test_reminders_list_own_items_and_count_late_children(campaign, tree, personas):
    from paicha.campaigns.selectors import reminders

    as_of = datetime.date(2016, 4, 15)
    own = reminders(personas["worker_a1"], as_of=as_of)
    assert [i.label for i in own["due_soon"]] == ["测试核查情况统计表"]  # due 4月20日
    assert {i.due for i in own["late"]} >= {datetime.date(2016, 2, 29), datetime.date(2016, 3, 31)}
    assert own["children_late"] == []
    committee = reminders(personas["reviewer_a"], as_of=as_of)
    assert {c["org"].code for c in committee["children_late"]} == {"001001001", "001001002"}
    assert all(i.org == tree.college_a for i in committee["due_soon"] + committee["late"])
    # Once A1 has done every step due by then and handed in the roster, it drops out.
    for step in Step.objects.filter(phase__campaign=campaign):
        if step.due and step.due < as_of:
            services.step_tick(
                campaign=campaign,
                org=tree.branch_a1,
                step=step,
                done_on=datetime.date(2016, 2, 1),
                acting_user=personas["worker_a1"],
            )
    for period in (
        datetime.date(2016, 1, 31),
        datetime.date(2016, 2, 29),
        datetime.date(2016, 3, 31),
    ):
        submit(
            campaign,
            tree.branch_a1,
            personas["worker_a1"],
            slug="branch-roster",
            period=period,
            as_of=period,
        )
    committee = reminders(personas["reviewer_a"], as_of=as_of)
    assert {c["org"].code for c in committee["children_late"]} == {"001001002"}
    assert reminders(personas["outsider"], as_of=as_of) == {
        "due_soon": [],
        "late": [],
        "children_late": [],
        "as_of": as_of,
    }
