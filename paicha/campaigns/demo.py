"""A demo campaign of the seed 003 template set by the university (login zzb): the first
college's branches have done their early steps and handed in both registers (one returned and
resubmitted, the rest accepted by xy01); the second college has done nothing and shows red on
the board; committees report 附件3 every month (seed 000: 每月月底前上报)."""

import datetime

from django.core.exceptions import ValidationError

from paicha.accounts.models import User
from paicha.codes import OrgKind
from paicha.core.dates import add_months
from paicha.organizations.models import Organization
from paicha.organizations.permissions import Role

from . import services
from .choices import Level, Recurrence
from .models import Step

REGISTERS = ("regained-register", "unreachable-register")


def populate(*, root: Organization, rng, ref: datetime.date) -> None:
    department = User.objects.filter(organization=root, role=Role.ORG_DEPARTMENT).first()
    colleges = list(Organization.objects.filter(parent=root, is_active=True).order_by("path"))
    if department is None or len(colleges) < 2:
        return
    start = add_months(ref.replace(day=1), -4)
    campaign = services.campaign_create_from_template(
        org=root,
        template="province-steps",
        name=f"{start.year}年党员组织关系集中排查",
        doc_number="湘组〔2016〕4号",
        start=start,
        acting_user=department,
        notice="根据中央组织部的部署，开展党员组织关系集中排查工作。排查数据不向社会公布、不在网络发布。",
    )
    services.required_form_save(
        campaign=campaign,
        acting_user=department,
        form_slug="attachment3",
        level=Level.COMMITTEE,
        recurrence=Recurrence.MONTHLY_END,
        deadline=None,
        note="每月月底前上报组织部审核汇总",
    )
    first = colleges[0]
    reviewer = User.objects.filter(organization=first, role=Role.COMMITTEE_REVIEWER).first()
    register_due = campaign.phases.get(name="登记造册").deadline
    branch_steps = [
        s
        for s in Step.objects.filter(phase__campaign=campaign, level=Level.BRANCH).select_related(
            "phase"
        )
        if s.due and s.due < ref
    ]
    returned_one = False
    for branch in Organization.objects.filter(
        parent=first, kind=OrgKind.BRANCH, is_active=True
    ).order_by("path"):
        worker = User.objects.filter(organization=branch, role=Role.BRANCH_WORKER).first()
        if worker is None:
            continue
        for step in branch_steps:
            services.step_tick(
                campaign=campaign,
                org=branch,
                step=step,
                done_on=step.due - datetime.timedelta(days=rng.randrange(1, 10)),
                evidence="支部排查小组按要求完成",
                acting_user=worker,
            )
        for slug in REGISTERS:
            try:
                sub = services.submission_submit(
                    campaign=campaign,
                    org=branch,
                    form_slug=slug,
                    period=register_due,
                    as_of=register_due,
                    acting_user=worker,
                )
            except ValidationError:
                continue  # a register whose checks fail stays with the branch to correct
            if reviewer is None:
                continue
            if not returned_one:
                services.submission_return(
                    submission=sub,
                    acting_user=reviewer,
                    reason="请核对联系电话和现工作单位后重新上报",
                )
                returned_one = True
                sub = services.submission_submit(
                    campaign=campaign,
                    org=branch,
                    form_slug=slug,
                    period=register_due,
                    as_of=register_due,
                    acting_user=worker,
                )
            services.submission_accept(submission=sub, acting_user=reviewer)
