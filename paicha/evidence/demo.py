"""Demo evidence for the fictional university: 18 months of 组织生活 with attendance in every
branch, monthly or quarterly 党费, some contacts — and the members who drift away: about 3 %
stop coming and paying somewhere 7–17 months before the reference date (失联), a few more
stopped 4–5 months before (not yet), and a handful left for work elsewhere without a word,
excused at a meeting as 外出 (失控)."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from paicha.audit.context import suspended
from paicha.audit.services import audit_record
from paicha.codes import AttendanceStatus, ContactChannel, MemberStatus, OrgKind, OrgLifeKind
from paicha.core.bulk import bulk_insert
from paicha.core.dates import add_months
from paicha.members.models import ON_ROSTER, Member
from paicha.organizations.models import Organization

from .gaps import mark_all_current, refresh_gaps
from .models import Attendance, ContactRecord, DuesPayment, OrgLifeMeeting

MONTHS = 18
TOPICS = {
    OrgLifeKind.GENERAL_MEETING: (
        "学习贯彻党的二十届三中全会精神",
        "讨论发展党员",
        "评议党员",
        "支部工作总结和计划",
    ),
    OrgLifeKind.COMMITTEE_MEETING: ("研究本月支部工作", "研究发展对象", "研究党费收缴"),
    OrgLifeKind.GROUP_MEETING: ("学习《中国共产党章程》", "交流思想汇报"),
    OrgLifeKind.PARTY_LECTURE: ("书记讲党课：做合格党员", "党的组织纪律", "防止党员“失联”警示教育"),
    OrgLifeKind.THEME_DAY: ("重温入党誓词", "参观革命纪念馆", "志愿服务进社区", "学习先进典型"),
}
AWAY_REASONS = ("外出务工", "外出经商", "外出（去广东打工）")
EXCUSES = ("出差", "病假", "上课", "家中有事")


def _schedule(rng, ref: datetime.date) -> list[tuple[datetime.date, str]]:
    """A branch's meetings over the last MONTHS months: a 主题党日 every month, a 支部党员大会
    and a 党课 every quarter, a 支委会 now and then."""
    meetings = []
    for back in range(MONTHS, 0, -1):
        month = add_months(ref.replace(day=1), -back)
        meetings.append(
            (month + datetime.timedelta(days=rng.randrange(5, 25)), OrgLifeKind.THEME_DAY)
        )
        if back % 3 == 0:
            meetings.append(
                (
                    month + datetime.timedelta(days=rng.randrange(1, 27)),
                    rng.choice((OrgLifeKind.GENERAL_MEETING, OrgLifeKind.PARTY_LECTURE)),
                )
            )
        if rng.random() < 0.3:
            meetings.append(
                (
                    month + datetime.timedelta(days=rng.randrange(1, 27)),
                    OrgLifeKind.COMMITTEE_MEETING,
                )
            )
    return sorted(m for m in meetings if m[0] < ref)


def populate(*, root: Organization, rng, ref: datetime.date) -> None:
    now = timezone.now()
    branches = list(
        Organization.objects.filter(
            path__startswith=root.path, kind=OrgKind.BRANCH, is_active=True
        ).order_by("path")
    )
    members = list(
        Member.objects.filter(org_path__startswith=root.path, status__in=ON_ROSTER)
        .values_list(
            "id", "organization_id", "org_path", "monthly_dues", "status", "branch_entry_date"
        )
        .order_by("id")
    )
    # When each member was last seen (None: still coming) and who went away without a word.
    stop: dict[int, datetime.date] = {}
    away: dict[int, datetime.date] = {}
    for member_id, *_rest, status, _entry in members:
        r = rng.random()
        if status == MemberStatus.RETAINED:
            stop[member_id] = ref - datetime.timedelta(days=rng.randrange(240, 500))
        elif r < 0.03:
            stop[member_id] = ref - datetime.timedelta(days=rng.randrange(215, 520))
        elif r < 0.04:
            stop[member_id] = ref - datetime.timedelta(days=rng.randrange(120, 170))
        elif r < 0.044:
            away[member_id] = ref - datetime.timedelta(days=rng.randrange(45, 120))
            stop[member_id] = away[member_id] - datetime.timedelta(days=rng.randrange(5, 20))
    schedule = {b.pk: _schedule(rng, ref) for b in branches}
    with transaction.atomic(), suspended():
        bulk_insert(
            OrgLifeMeeting,
            ("organization", "org_path", "date", "kind", "topic", "notes", "created_at"),
            [
                (b.pk, b.path, day, kind, rng.choice(TOPICS[kind]), "", now)
                for b in branches
                for day, kind in schedule[b.pk]
            ],
        )
        meetings: dict[int, list[tuple[int, datetime.date, str]]] = {}
        for pk, org_id, day, kind in OrgLifeMeeting.objects.filter(
            org_path__startswith=root.path
        ).values_list("id", "organization_id", "date", "kind"):
            meetings.setdefault(org_id, []).append((pk, day, kind))
        attendance, dues, contacts = [], [], []
        for member_id, org_id, path, monthly, _status, entry in members:
            last, gone = stop.get(member_id), away.get(member_id)
            for meeting_id, day, kind in meetings.get(org_id, ()):
                if entry and day < entry:
                    continue
                if kind == OrgLifeKind.COMMITTEE_MEETING and rng.random() < 0.8:
                    continue  # the 支委会 is the committee's, not everyone's
                if gone and day >= gone:
                    status_, reason = AttendanceStatus.EXCUSED, rng.choice(AWAY_REASONS)
                elif last and day > last:
                    status_, reason = AttendanceStatus.ABSENT, ""
                else:
                    r = rng.random()
                    status_, reason = (
                        (AttendanceStatus.PRESENT, "")
                        if r < 0.88
                        else (AttendanceStatus.EXCUSED, rng.choice(EXCUSES))
                        if r < 0.96
                        else (AttendanceStatus.ABSENT, "")
                    )
                attendance.append((meeting_id, member_id, org_id, path, day, status_, reason))
            amount = monthly or Decimal("2.00")
            quarterly = rng.random() < 0.3
            month = add_months(ref.replace(day=1), -MONTHS)
            while month < ref.replace(day=1):
                span = 3 if quarterly else 1
                paid = month + datetime.timedelta(days=rng.randrange(0, 25))
                if (last and paid > last) or paid >= ref:
                    break
                dues.append(
                    (
                        member_id,
                        org_id,
                        path,
                        amount * span,
                        month,
                        add_months(month, span - 1),
                        paid,
                        "",
                        now,
                    )
                )
                month = add_months(month, span)
            if rng.random() < 0.08 and not last:
                day = ref - datetime.timedelta(days=rng.randrange(5, 300))
                contacts.append(
                    (
                        member_id,
                        org_id,
                        path,
                        day,
                        rng.choice(ContactChannel.values[:4]),
                        "支部组织委员",
                        True,
                        None,
                        "了解近况，提醒按时参加组织生活",
                        now,
                    )
                )
            if gone and rng.random() < 0.5:
                contacts.append(
                    (
                        member_id,
                        org_id,
                        path,
                        gone + datetime.timedelta(days=20),
                        ContactChannel.VISIT,
                        "支部书记",
                        False,
                        gone,
                        "走访家中，家属反映已外出打工，未向支部报告",
                        now,
                    )
                )
        bulk_insert(
            Attendance,
            ("meeting", "member", "organization", "org_path", "date", "status", "reason"),
            attendance,
        )
        bulk_insert(
            DuesPayment,
            (
                "member",
                "organization",
                "org_path",
                "amount",
                "month_from",
                "month_to",
                "paid_on",
                "note",
                "created_at",
            ),
            dues,
        )
        bulk_insert(
            ContactRecord,
            (
                "member",
                "organization",
                "org_path",
                "date",
                "channel",
                "by_whom",
                "with_member",
                "away_since",
                "note",
                "created_at",
            ),
            contacts,
        )
        refresh_gaps()
        mark_all_current()
    audit_record(
        action="import",
        obj=root,
        note=f"演示数据：组织生活出席 {len(attendance)} 条，党费 {len(dues)} 笔，"
        f"联系记录 {len(contacts)} 条",
    )
