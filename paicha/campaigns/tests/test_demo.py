"""The demo university has a campaign with progress, a returned and resubmitted register and
a college that shows red on the board."""

import pytest

from paicha.accounts.models import User
from paicha.campaigns.models import Campaign, Submission
from paicha.campaigns.selectors import progress_board
from paicha.workspace import demo


@pytest.mark.django_db
def test_demo_has_a_campaign_with_progress_and_a_late_college():
    demo.build_university()
    campaign = Campaign.objects.get()
    assert campaign.required_forms.filter(recurrence="monthly_end").exists()
    assert Submission.objects.filter(status="accepted").exists()
    assert Submission.objects.filter(status="returned", version=1).exists()
    zzb = User.objects.get(username="zzb")
    rows = progress_board(campaign, zzb.organization, as_of=demo.REFERENCE_DATE)
    children = rows[1:]
    assert children[0].steps_done > 0 and children[0].accepted > 0
    assert children[1].late > 0 and children[1].steps_done == 0
