import datetime

import pytest

from paicha.codes import AbroadKind, MemberStatus, TransferDirection, TransferState
from paicha.members.models import Member
from paicha.organizations.models import Organization
from paicha.transfers import selectors
from paicha.transfers.models import AbroadRecord, FlowRecord, PocketRecord, Transfer
from paicha.workspace import demo


@pytest.mark.django_db
def test_demo_university_has_transfers_of_every_kind():
    demo.build_university()
    ref = demo.REFERENCE_DATE
    root = Organization.objects.get(code="001")
    outs = Transfer.objects.filter(direction=TransferDirection.OUT)
    assert outs.filter(letter_date__year=2008).exists()
    receipted = outs.filter(state=TransferState.RECEIPTED).count()
    assert receipted > 0.8 * outs.count()
    overdue = selectors.overdue_transfers_out(org=root, as_of=ref)
    assert overdue.exists()
    # The sender keeps every member whose receipt has not come back (SPEC §5).
    for t in selectors.unreceipted_transfers_out(org=root, as_of=ref):
        assert t.member.status in (MemberStatus.ACTIVE, MemberStatus.RETAINED), t
    for t in outs.filter(state=TransferState.RECEIPTED, counterpart_org__isnull=True):
        assert t.member.status == MemberStatus.TRANSFERRED_OUT
    assert Transfer.objects.filter(direction=TransferDirection.IN).exists()
    assert Transfer.objects.filter(mirror__isnull=False).exists()
    assert PocketRecord.objects.count() == Member.objects.filter(pocket=True).count() > 0
    assert FlowRecord.objects.count() == Member.objects.filter(flowing=True).count() > 0
    assert selectors.flowing_members_count(org=root, start=datetime.date(2016, 1, 1), end=ref) > 0
    retained = AbroadRecord.objects.filter(kind=AbroadKind.RETAINED)
    assert retained.exists() and all(r.period_to > r.period_from for r in retained)
    assert selectors.suspension_reminders(org=root, as_of=ref)
    stats = selectors.receipt_statistics(org=root, year=2016)
    assert stats[1]["总数"] > 0 and stats[1]["本科生"] + stats[1]["研究生"] == stats[1]["总数"]
    for t in Transfer.objects.all()[:300]:
        assert t.org_path == t.organization.path
