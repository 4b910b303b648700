"""Fixtures of the evidence app: quick writers of evidence for a member (no services, no
acting user), each keeping the derived rows (EvidenceGap, the 建账日期) in step as the
services do."""

from decimal import Decimal

import pytest

from paicha.codes import AttendanceStatus, OrgLifeKind
from paicha.evidence.gaps import books_and_gaps_after_records, refresh_gaps
from paicha.evidence.models import Attendance, ContactRecord, DuesPayment, OrgLifeMeeting


def attend(member, date, status=AttendanceStatus.PRESENT, reason="", *, kind=OrgLifeKind.THEME_DAY):
    org = member.organization
    meeting = OrgLifeMeeting.objects.create(
        organization=org, date=date, kind=kind, topic="主题党日"
    )
    Attendance.objects.create(
        meeting=meeting, member=member, organization=org, date=date, status=status, reason=reason
    )
    books_and_gaps_after_records(org, date)
    refresh_gaps([member.pk])
    return meeting


def pay(member, paid_on, *, month_from=None, month_to=None, amount="2.00"):
    month_from = month_from or paid_on.replace(day=1)
    payment = DuesPayment.objects.create(
        member=member,
        organization=member.organization,
        amount=Decimal(amount),
        month_from=month_from,
        month_to=month_to or month_from,
        paid_on=paid_on,
    )
    books_and_gaps_after_records(member.organization, paid_on)
    refresh_gaps([member.pk])
    return payment


def contact(member, date, *, with_member=True, away_since=None, note="电话联系"):
    record = ContactRecord.objects.create(
        member=member,
        organization=member.organization,
        date=date,
        channel="phone",
        by_whom="李书记",
        with_member=with_member,
        away_since=away_since,
        note=note,
    )
    refresh_gaps([member.pk])
    return record


@pytest.fixture
def evidence():
    """The writers above, as a fixture: evidence.attend(...), evidence.pay(...), …"""

    class Writers:
        pass

    writers = Writers()
    writers.attend, writers.pay, writers.contact = attend, pay, contact
    return writers
