import pytest

from paicha.evidence import selectors
from paicha.evidence.models import Attendance, ContactRecord, DuesPayment, OrgLifeMeeting
from paicha.members.models import Member
from paicha.organizations.models import Organization
from paicha.workspace import demo


@pytest.mark.django_db
def test_demo_has_meetings_everywhere_and_a_few_percent_lost():
    demo.build_university()
    ref = demo.REFERENCE_DATE
    branches = Organization.objects.filter(kind="branch")
    assert OrgLifeMeeting.objects.values("organization").distinct().count() == branches.count()
    assert not OrgLifeMeeting.objects.filter(date__gte=ref).exists()
    assert DuesPayment.objects.exists() and ContactRecord.objects.exists()
    members = Member.objects.all()
    roster = members.on_roster().count()
    lost = selectors.lost_members(members, as_of=ref).count()
    assert 0.03 * roster <= lost <= 0.05 * roster
    assert 3 <= selectors.uncontrolled_members(members, as_of=ref).count() <= 0.01 * roster
    # The fast list and the definition agree on the demo too.
    assert lost == selectors.lost_members_by_rule(members, as_of=ref).count()
    assert sorted(
        selectors.uncontrolled_members(members, as_of=ref).values_list(
            "pk", "away_since", "away_source"
        )
    ) == sorted(
        selectors.uncontrolled_members_by_rule(members, as_of=ref).values_list(
            "pk", "away_since", "away_source"
        )
    )
    assert Attendance.objects.filter(status="excused", reason__contains="外出").exists()
