"""Every change to a campaign: one keyword-only, atomic function each, taking `acting_user`.

Saves are audited by the audit app's signals inside the same transaction.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone

from paicha.core.transactions import service
from paicha.core.uploads import clean_upload
from paicha.organizations.models import Organization
from paicha.organizations.permissions import Perm
from paicha.organizations.scope import authorize, require
from paicha.organizations.tree import is_in_subtree

from .blueprints import BLUEPRINTS
from .choices import CampaignStatus, Recurrence, SubmissionStatus
from .models import Campaign, Phase, RequiredForm, Step, StepProgress, Submission
from .selectors import all_due_dates, level_of, plan_date, review_problem


def _full_clean(obj) -> None:
    obj.full_clean()


# ---- campaigns, phases, steps, required forms -------------------------------------------------


def _time_note(note: str, *, dated: bool) -> str:
    """The document's wording of a date ("8月15日前") stays only beside the document's dates; a
    standing note ("长期") always stays."""
    return note if dated or not re.search(r"\d", note) else ""


@service
def campaign_create_from_template(
    *,
    org: Organization,
    template: str,
    name: str,
    doc_number: str,
    start: datetime.date,
    acting_user,
    end: datetime.date | None = None,
    notice: str = "",
    keep_document_dates: bool = False,
) -> Campaign:
    """A campaign for `org`'s subtree with the phases, steps and forms of a seed template; all
    of them stay editable afterwards. With `keep_document_dates` (a campaign that follows the
    2016 document) the deadlines are the document's; otherwise they move with the start month
    and the steps' date wording is left out (the deadline field says when)."""
    authorize(acting_user, Perm.REVIEW, org, what="该党组织")
    blueprint = BLUEPRINTS.get(template)
    if blueprint is None:
        raise ValidationError({"template": f"没有名为 {template} 的模板"})

    def when(month_day):
        return plan_date(start, month_day, origin=blueprint.origin, keep=keep_document_dates)

    dated = keep_document_dates or (start.year, start.month) == blueprint.origin
    if end is None:
        planned = [when(p.deadline) for p in blueprint.phases if p.deadline]
        end = max(planned) if planned else start
    campaign = Campaign(
        organization=org,
        name=name,
        doc_number=doc_number,
        notice=notice,
        start=start,
        end=end,
        template=template,
        created_by=acting_user,
        status=CampaignStatus.ACTIVE,
        forms_document=blueprint.document,
        consult_department=blueprint.consult_department,
    )
    _full_clean(campaign)
    campaign.save()
    number = 0
    for p_order, plan in enumerate(blueprint.phases, start=1):
        phase = Phase.objects.create(
            campaign=campaign, order=p_order, name=plan.name, deadline=when(plan.deadline)
        )
        for step in plan.steps:
            number += 1
            Step.objects.create(
                phase=phase,
                order=number,
                text=step.text,
                level=step.level,
                time_note=_time_note(step.time_note, dated=dated),
                deadline=when(step.deadline),
            )
    for form in blueprint.forms:
        monthly = form.recurrence == Recurrence.MONTHLY_END
        RequiredForm.objects.create(
            campaign=campaign,
            form_slug=form.form_slug,
            level=form.level,
            note=form.note,
            recurrence=form.recurrence,
            deadline=None if monthly else when(form.deadline),
        )
    return campaign


def _owner_check(campaign: Campaign, acting_user) -> None:
    require(acting_user, Perm.REVIEW)
    if getattr(acting_user, "organization_id", None) != campaign.organization_id:
        raise PermissionDenied("只有部署该排查工作的党组织才能修改它")


@service
def campaign_update(*, campaign: Campaign, acting_user, **fields) -> Campaign:
    _owner_check(campaign, acting_user)
    for name, value in fields.items():
        setattr(campaign, name, value)
    _full_clean(campaign)
    campaign.save()
    return campaign


@service
def phase_save(
    *,
    campaign: Campaign,
    acting_user,
    phase: Phase | None = None,
    name: str,
    order: int,
    deadline: datetime.date | None,
) -> Phase:
    _owner_check(campaign, acting_user)
    phase = phase or Phase(campaign=campaign)
    if phase.campaign_id != campaign.pk:
        raise ValidationError("该阶段不属于本次排查工作")
    phase.name, phase.order, phase.deadline = name, order, deadline
    _full_clean(phase)
    phase.save()
    return phase


@service
def step_save(
    *,
    campaign: Campaign,
    acting_user,
    step: Step | None = None,
    phase: Phase,
    order: int,
    text: str,
    level: str,
    time_note: str = "",
    deadline: datetime.date | None = None,
) -> Step:
    _owner_check(campaign, acting_user)
    if phase.campaign_id != campaign.pk:
        raise ValidationError({"phase": "该阶段不属于本次排查工作"})
    step = step or Step()
    step.phase, step.order, step.text, step.level = phase, order, text, level
    step.time_note, step.deadline = time_note, deadline
    _full_clean(step)
    step.save()
    return step


@service
def step_delete(*, campaign: Campaign, step: Step, acting_user) -> None:
    _owner_check(campaign, acting_user)
    if step.phase.campaign_id != campaign.pk:
        raise ValidationError("该步骤不属于本次排查工作")
    if step.progress.exists():
        raise ValidationError(f"步骤“{step.order}”已有党组织登记完成，不能删除")
    step.delete()


@service
def required_form_save(
    *,
    campaign: Campaign,
    acting_user,
    required: RequiredForm | None = None,
    form_slug: str,
    level: str,
    recurrence: str,
    deadline: datetime.date | None,
    note: str = "",
) -> RequiredForm:
    _owner_check(campaign, acting_user)
    required = required or RequiredForm(campaign=campaign)
    required.form_slug, required.level, required.recurrence = form_slug, level, recurrence
    required.deadline, required.note = deadline, note
    _full_clean(required)
    required.save()
    return required


# ---- steps done -------------------------------------------------------------------------------


def _lock_org(org: Organization, acting_user) -> Organization:
    """`org`, locked, once `acting_user` may report for it (EDIT_MEMBERS over it)."""
    org = Organization.objects.select_for_update().get(pk=org.pk)
    authorize(acting_user, Perm.EDIT_MEMBERS, org, what="该党组织")
    return org


@service
def step_tick(
    *,
    campaign: Campaign,
    org: Organization,
    step: Step,
    done_on: datetime.date,
    acting_user,
    evidence: str = "",
    minutes=None,
) -> StepProgress:
    org = _lock_org(org, acting_user)
    if not is_in_subtree(org.path, campaign.org_path):
        raise ValidationError(f"{org.name}不在本次排查工作的范围内")
    if step.phase.campaign_id != campaign.pk:
        raise ValidationError("该步骤不属于本次排查工作")
    if step.level != level_of(org, campaign):
        raise ValidationError(
            f"步骤“{step.order}”由{step.get_level_display()}完成，{org.name}不需要登记"
        )
    if done_on < campaign.start:
        raise ValidationError({"done_on": "完成日期不能早于排查工作开始日期"})
    if StepProgress.objects.filter(organization=org, step=step).exists():
        raise ValidationError(f"步骤“{step.order}”已登记完成")
    stored = _store_minutes(campaign, minutes) if minutes else ""
    try:
        return StepProgress.objects.create(
            campaign=campaign,
            organization=org,
            step=step,
            done_on=done_on,
            evidence=evidence,
            minutes=stored,
            minutes_name=minutes.name[:200] if minutes else "",
            done_by=acting_user,
        )
    except Exception:
        if stored:
            default_storage.delete(stored)
        raise


MINUTES_MAX_BYTES = 10 * 1024 * 1024


def _store_minutes(campaign: Campaign, uploaded) -> str:
    """会议记录等材料 as a scan: jpg or png (re-encoded) or a PDF without scripts."""
    import uuid

    clean = clean_upload(uploaded, field="minutes", max_bytes=MINUTES_MAX_BYTES)
    return default_storage.save(
        f"campaigns/{campaign.pk}/{uuid.uuid4().hex}.{clean.file_type}", clean.content
    )


@service
def step_untick(*, campaign: Campaign, org: Organization, step: Step, acting_user) -> None:
    org = _lock_org(org, acting_user)
    progress = (
        StepProgress.objects.select_for_update()
        .filter(campaign=campaign, organization=org, step=step)
        .first()
    )
    if progress is None:
        raise ValidationError(f"步骤“{step.order}”尚未登记完成")
    progress.delete()


# ---- submissions ------------------------------------------------------------------------------


@service
def submission_submit(
    *,
    campaign: Campaign,
    org: Organization,
    form_slug: str,
    period: datetime.date,
    as_of: datetime.date,
    acting_user,
) -> Submission:
    """Freeze the form as it is now for `org` and hand it up. Refused while any of the form's
    checks fails; a resubmission after return, or a correction after acceptance, is a new
    version and the earlier ones stay."""
    from paicha.core.catalogue import get_form

    org = _lock_org(org, acting_user)
    if not is_in_subtree(org.path, campaign.org_path):
        raise ValidationError(f"{org.name}不在本次排查工作的范围内")
    if campaign.status != CampaignStatus.ACTIVE:
        raise ValidationError("该排查工作不在进行中，不能上报")
    level = level_of(org, campaign)
    required = [rf for rf in campaign.required_forms.filter(form_slug=form_slug, level=level)]
    if not required:
        raise ValidationError({"form_slug": f"本次排查工作不要求{org.name}上报该报表"})
    if not any(period in all_due_dates(rf) for rf in required):
        raise ValidationError({"period": f"{period:%Y-%m-%d} 不是该报表的上报期限"})
    try:
        form = get_form(form_slug)
    except KeyError as exc:
        raise ValidationError({"form_slug": f"没有编号为 {form_slug} 的报表"}) from exc
    # Submissions of one organization are serialized (the organization is locked above):
    # versions are numbered without gaps.
    latest = (
        Submission.objects.filter(
            campaign=campaign, organization=org, form_slug=form_slug, period=period
        )
        .order_by("-version")
        .first()
    )
    if latest is not None and latest.status == SubmissionStatus.SUBMITTED:
        raise ValidationError(f"第{latest.version}版已上报，正在等待上级审核，不能重复上报")
    result = form.build(org=org, as_of=as_of, user=acting_user)
    failed = result.failed_checks
    if failed:
        raise ValidationError(
            [f"表内关系不成立：{c.rule}（{c.where}）{c.detail}".rstrip() for c in failed]
        )
    return Submission.objects.create(
        campaign=campaign,
        organization=org,
        form_slug=form_slug,
        period=period,
        version=(latest.version + 1) if latest else 1,
        as_of=as_of,
        data=result.as_json(),
        submitted_by=acting_user,
        submitted_at=timezone.now(),
        status=SubmissionStatus.SUBMITTED,
    )


def _lock_for_review(submission: Submission, acting_user) -> Submission:
    submission = (
        Submission.objects.select_for_update().select_related("campaign").get(pk=submission.pk)
    )
    if (problem := review_problem(acting_user, submission)) is not None:
        raise PermissionDenied(problem)
    newer = Submission.objects.filter(
        campaign=submission.campaign_id,
        organization=submission.organization_id,
        form_slug=submission.form_slug,
        period=submission.period,
        version__gt=submission.version,
    ).exists()
    if newer:
        raise ValidationError("已有更新的版本，只能审核最新版本")
    if submission.status != SubmissionStatus.SUBMITTED:
        raise ValidationError(f"该报表{submission.get_status_display()}，不能再次审核")
    return submission


@service
def submission_accept(*, submission: Submission, acting_user) -> Submission:
    submission = _lock_for_review(submission, acting_user)
    submission.status = SubmissionStatus.ACCEPTED
    submission.reviewed_by, submission.reviewed_at = acting_user, timezone.now()
    submission.save()
    return submission


@service
def submission_return(*, submission: Submission, reason: str, acting_user) -> Submission:
    if not (reason or "").strip():
        raise ValidationError({"return_reason": "退回时必须填写退回原因"})
    submission = _lock_for_review(submission, acting_user)
    submission.status = SubmissionStatus.RETURNED
    submission.return_reason = reason.strip()
    submission.reviewed_by, submission.reviewed_at = acting_user, timezone.now()
    submission.save()
    return submission
