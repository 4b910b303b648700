"""Every campaigns service refuses a user outside the organization's subtree and a user without
the permission, before it changes anything."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from paicha.audit.models import AuditEntry
from paicha.campaigns import services
from paicha.campaigns.models import Campaign, Step, StepProgress, Submission
from paicha.conftest import make_user
from paicha.organizations.permissions import Role

from .conftest import DUE, START


@pytest.mark.parametrize(
    "who, message",
    [("department of another tree", "不在您的管理范围内"), ("auditor", "您的角色没有此项操作权限")],
)
def test_campaign_services_refuse_outsiders_and_readers(campaign, tree, personas, who, message):
    user = (
        personas["auditor"]
        if who == "auditor"
        else make_user("dept_x", tree.other_root, Role.ORG_DEPARTMENT)
    )
    step = Step.objects.get(phase__campaign=campaign, order=1)
    audit_rows = AuditEntry.objects.count()
    calls = {
        "部署": lambda: services.campaign_create_from_template(
            org=tree.branch_a1,
            template="branch-flow",
            name="另一次排查",
            doc_number="湘组〔2016〕5号",
            start=START,
            acting_user=user,
        ),
        "登记步骤": lambda: services.step_tick(
            campaign=campaign,
            org=tree.branch_a1,
            step=step,
            done_on=datetime.date(2016, 2, 3),
            acting_user=user,
        ),
        "上报": lambda: services.submission_submit(
            campaign=campaign,
            org=tree.branch_a1,
            form_slug="test-counts",
            period=DUE,
            as_of=datetime.date(2016, 4, 15),
            acting_user=user,
        ),
    }
    for what, call in calls.items():
        with pytest.raises(PermissionDenied, match=message):
            call()
            pytest.fail(f"{what}：未被拒绝")
    assert Campaign.objects.count() == 1
    assert not StepProgress.objects.exists() and not Submission.objects.exists()
    assert AuditEntry.objects.count() == audit_rows
