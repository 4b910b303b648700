"""Fixtures of the campaigns app: a test-only form with int columns and a check, and a campaign
of the root over the shared tree that asks branches for it and committees for the roster."""

import datetime

import pytest

from paicha.campaigns import services
from paicha.campaigns.choices import Level, Recurrence
from paicha.campaigns.models import RequiredForm
from paicha.core.catalogue import _FORMS
from paicha.reports.declarations import Check, Column, FormDeclaration

START = datetime.date(2016, 1, 27)
DUE = datetime.date(2016, 4, 20)

# What the test form reports per organization code: {code: (members, checked)}.
FIGURES: dict[str, tuple[int, int]] = {}


class CountsForm(FormDeclaration):
    """Two bands and a rule: 已核查 cannot exceed 党员数."""

    slug = "test-counts"
    title = "测试核查情况统计表"
    columns = [
        Column("item", "项目"),
        Column("members", "党员数", kind="int"),
        Column("checked", "已核查", kind="int"),
    ]

    def rows(self, *, org, as_of):
        members, checked = FIGURES.get(org.code, (0, 0))
        return [
            {"item": "教职工", "members": members, "checked": checked},
            {"item": "学生", "members": 1, "checked": 1},
        ]

    def checks(self, rows, *, org, as_of):
        return [
            Check(
                rule="已核查 ≤ 党员数",
                where=row["item"],
                ok=row["checked"] <= row["members"],
                detail=f"已核查{row['checked']}人，党员数{row['members']}人",
            )
            for row in rows
        ]


@pytest.fixture
def counts_form():
    from paicha.reports.declarations import get_form

    get_form("branch-roster")  # the catalogue registers itself first
    _FORMS[CountsForm.slug] = CountsForm
    FIGURES.clear()
    yield CountsForm
    _FORMS.pop(CountsForm.slug, None)
    FIGURES.clear()


@pytest.fixture
def campaign(tree, personas, counts_form):
    campaign = services.campaign_create_from_template(
        org=tree.root,
        template="branch-flow",
        name="党员组织关系集中排查",
        doc_number="湘组〔2016〕4号",
        start=START,
        acting_user=personas["department"],
    )
    RequiredForm.objects.create(
        campaign=campaign, form_slug="test-counts", level=Level.BRANCH, deadline=DUE
    )
    RequiredForm.objects.create(
        campaign=campaign, form_slug="test-counts", level=Level.COMMITTEE, deadline=DUE
    )
    RequiredForm.objects.create(
        campaign=campaign,
        form_slug="branch-roster",
        level=Level.BRANCH,
        recurrence=Recurrence.MONTHLY_END,
    )
    return campaign


def submit(campaign, org, user, slug="test-counts", period=DUE, as_of=datetime.date(2016, 4, 15)):
    return services.submission_submit(
        campaign=campaign, org=org, form_slug=slug, period=period, as_of=as_of, acting_user=user
    )
