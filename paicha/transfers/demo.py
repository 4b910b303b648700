"""Demo transfers for the fictional university: graduates leaving since 2007 (most with their
receipts back, some open and overdue), staff arriving from outside, a few moves between
branches, the pocket members' letters, flow records and members abroad."""

import datetime
import re

from paicha.codes import (
    AbroadKind,
    FlowScope,
    MemberStatus,
    OrgKind,
    PersonCategory,
    ProvinceScope,
    TransferDirection,
    TransferPermanence,
    TransferState,
)
from paicha.core.bulk import bulk_insert
from paicha.members.demo import MemberFactory
from paicha.members.models import Member
from paicha.members.signals import members_changed_in_bulk
from paicha.organizations.models import Organization

from . import conf
from .models import AbroadRecord, FlowRecord, PocketRecord, Transfer, TransferFollowUp
from .services import receipt_due_for

START = datetime.date(2007, 8, 1)
DESTINATIONS = (
    ("中共长沙市岳麓区委组织部", ProvinceScope.WITHIN, "湖南省长沙市岳麓区"),
    ("中共湖南省人才交流服务中心委员会", ProvinceScope.WITHIN, "湖南省长沙市"),
    ("中共株洲市天元区委组织部", ProvinceScope.WITHIN, "湖南省株洲市"),
    ("中共湖南大学研究生院委员会", ProvinceScope.WITHIN, "湖南大学"),
    ("中共深圳市南山区委组织部", ProvinceScope.OUTSIDE, "广东省深圳市南山区"),
    ("华为技术有限公司党委", ProvinceScope.OUTSIDE, "广东省深圳市华为技术有限公司"),
    ("中共上海市浦东新区委员会组织部", ProvinceScope.OUTSIDE, "上海市浦东新区"),
    ("中共北京大学研究生院委员会", ProvinceScope.OUTSIDE, "北京大学"),
    ("中共杭州市西湖区委组织部", ProvinceScope.OUTSIDE, "浙江省杭州市西湖区"),
)
ORIGINS = (
    ("中共中南大学委员会", ProvinceScope.WITHIN),
    ("中共湖南师范大学委员会", ProvinceScope.WITHIN),
    ("中共武汉大学委员会", ProvinceScope.OUTSIDE),
    ("中共中山大学委员会", ProvinceScope.OUTSIDE),
    ("中共长沙市天心区委组织部", ProvinceScope.WITHIN),
)
CROSS_PROVINCE = ("广东", "上海", "浙江", "北京", "江苏")


def _letter_number(year: int, n: int) -> str:
    return f"湘江大组转〔{year}〕{n:03d}号"


def populate(*, root: Organization, rng, ref: datetime.date) -> None:
    branches = list(
        Organization.objects.filter(
            path__startswith=root.path, kind=OrgKind.BRANCH, is_active=True
        ).order_by("path")
    )
    student_branches = [b for b in branches if "生" in b.name and "党支部" in b.name]
    factory = MemberFactory(rng, ref)
    factory.used_ids = set(Member.objects.values_list("id_number", flat=True))
    transfers: list[Transfer] = []
    counters: dict[int, int] = {}

    def number(year):
        counters[year] = counters.get(year, 0) + 1
        return _letter_number(year, counters[year])

    def transfer(**fields) -> Transfer:
        t = Transfer(org_path=fields["organization"].path, **fields)
        t.receipt_due = receipt_due_for(t.letter_date, t.validity_days)
        transfers.append(t)
        return t

    # 1. Graduates who left since 2007: new member rows, then their letters.
    leavers = []
    for year in range(2008, ref.year + 1):
        for branch in student_branches:
            if rng.random() < 0.45:
                letter = datetime.date(year, rng.choice((6, 6, 7, 9)), rng.randrange(1, 29))
                if letter > ref - datetime.timedelta(days=20):
                    continue
                kind = "postgraduate" if "研究生" in branch.name else "undergraduate"
                row = dict(zip(MemberFactory.fields, MemberFactory(rng, letter).row(branch, kind)))
                if row["id_number"] in factory.used_ids:
                    continue
                factory.used_ids.add(row["id_number"])
                row.update(
                    flowing=False,
                    flow_destination="",
                    pocket=False,
                    remarks="",
                    status=MemberStatus.ACTIVE,
                )
                leavers.append((row, letter))
    open_numbers = set()
    for row, letter in leavers:
        days = (ref - letter).days
        received = rng.random() < (0.97 if days > 400 else 0.75)
        receipt = min(ref, letter + datetime.timedelta(days=rng.randrange(10, 80)))
        if received and receipt <= ref:
            row["status"], row["status_date"] = MemberStatus.TRANSFERRED_OUT, receipt
        else:
            open_numbers.add(row["id_number"])
    bulk_insert(
        Member,
        MemberFactory.fields,
        [tuple(r[f] for f in MemberFactory.fields) for r, _ in leavers],
    )
    by_number = {
        m.id_number: m
        for m in Member.objects.filter(
            id_number__in=[r["id_number"] for r, _ in leavers]
        ).select_related("organization")
    }
    for row, letter in leavers:
        member = by_number[row["id_number"]]
        name, scope, place = rng.choice(DESTINATIONS)
        validity = conf.validity_days(scope)
        is_open = row["id_number"] in open_numbers
        transfer(
            direction=TransferDirection.OUT,
            organization=member.organization,
            member=member,
            letter_number=number(letter.year),
            letter_date=letter,
            counterpart_name=name,
            province_scope=scope,
            validity_days=validity,
            permanence=TransferPermanence.PERMANENT
            if rng.random() < 0.85
            else TransferPermanence.TEMPORARY,
            contact_phone=member.mobile,
            contact_wechat=f"wx{member.mobile[-6:]}",
            destination=place,
            backup_contact=factory.name(),
            backup_contact_phone=f"13{rng.randrange(10**9):09d}",
            dues_paid_to=letter.replace(day=1),
            talk_date=letter - datetime.timedelta(days=rng.randrange(1, 10))
            if letter.year >= 2018
            else None,
            talk_by=member.organization.secretary if letter.year >= 2018 else "",
            talk_notes="提醒按期报到、保持联系" if letter.year >= 2018 else "",
            commitment_signed_on=letter if letter.year >= 2018 else None,
            card_given_on=letter if letter.year >= 2018 else None,
            state=TransferState.OPEN if is_open else TransferState.RECEIPTED,
            receipt_date=None if is_open else row["status_date"],
        )

    # 2. The pocket members the roster already flags: an open, overdue letter each.
    pockets = list(
        Member.objects.filter(org_path__startswith=root.path, pocket=True).select_related(
            "organization"
        )
    )
    pocket_letters = []
    for member in pockets:
        letter = ref - datetime.timedelta(days=rng.randrange(200, 900))
        name, scope, place = rng.choice(DESTINATIONS)
        pocket_letters.append(
            (
                member,
                transfer(
                    direction=TransferDirection.OUT,
                    organization=member.organization,
                    member=member,
                    letter_number=number(letter.year),
                    letter_date=letter,
                    counterpart_name=name,
                    province_scope=scope,
                    validity_days=conf.validity_days(scope),
                    permanence=TransferPermanence.PERMANENT,
                    contact_phone=member.mobile,
                    destination=place,
                    state=TransferState.OPEN,
                ),
            )
        )

    # 3. Staff who arrived from outside (transfers in, receipt sent back).
    staff = list(
        Member.objects.filter(
            org_path__startswith=root.path,
            person_category=PersonCategory.STAFF,
            retired=False,
            status=MemberStatus.ACTIVE,
            branch_entry_date__gte=START,
        )
        .select_related("organization")
        .order_by("id")
    )
    arrivals = rng.sample(staff, min(len(staff), 120))
    for member in arrivals[:110]:
        name, scope = rng.choice(ORIGINS)
        letter = member.branch_entry_date - datetime.timedelta(days=rng.randrange(1, 15))
        transfer(
            direction=TransferDirection.IN,
            organization=member.organization,
            member=member,
            letter_number=f"{name[:6]}〔{letter.year}〕{rng.randrange(1, 300)}号",
            letter_date=letter,
            counterpart_name=name,
            province_scope=scope,
            validity_days=conf.validity_days(scope),
            state=TransferState.RECEIPTED,
            receipt_date=member.branch_entry_date + datetime.timedelta(days=rng.randrange(2, 20)),
        )

    # 4. Moves between branches of the university: received in the past (one record on each
    # side), and two letters still waiting for the receiving branch.
    internal = []
    for member in arrivals[110:]:
        source = rng.choice([b for b in branches if b.pk != member.organization_id])
        on = member.branch_entry_date
        letter = on - datetime.timedelta(days=rng.randrange(1, 10))
        common = dict(
            member=member,
            letter_date=letter,
            letter_number=number(letter.year),
            province_scope=ProvinceScope.WITHIN,
            validity_days=conf.validity_days("within"),
            permanence=TransferPermanence.PERMANENT,
            state=TransferState.RECEIPTED,
            receipt_date=on,
        )
        out = transfer(
            direction=TransferDirection.OUT,
            organization=source,
            counterpart_org=member.organization,
            counterpart_name=member.organization.name,
            **common,
        )
        into = transfer(
            direction=TransferDirection.IN,
            organization=member.organization,
            counterpart_org=source,
            counterpart_name=source.name,
            **common,
        )
        internal.append((out, into))
    waiting = [m for m in staff if m not in arrivals][:2]
    for member in waiting:
        target = rng.choice([b for b in branches if b.pk != member.organization_id])
        letter = ref - datetime.timedelta(days=rng.randrange(3, 12))
        transfer(
            direction=TransferDirection.OUT,
            organization=member.organization,
            member=member,
            letter_number=number(letter.year),
            letter_date=letter,
            counterpart_org=target,
            counterpart_name=target.name,
            province_scope=ProvinceScope.WITHIN,
            validity_days=conf.validity_days("within"),
            permanence=TransferPermanence.PERMANENT,
            contact_phone=member.mobile,
            destination=f"湘江示范大学{target.parent.name if target.parent else ''}",
            state=TransferState.OPEN,
        )

    Transfer.objects.bulk_create(transfers, batch_size=500)
    for out, into in internal:
        out.mirror, into.mirror = into, out
    Transfer.objects.bulk_update([t for pair in internal for t in pair], ["mirror"], batch_size=500)

    # Follow-ups on the letters that are overdue, and the pocket records.
    followups = []
    for t in transfers:
        if t.state == TransferState.OPEN and t.receipt_due < ref:
            for k in range(rng.randrange(1, 3)):
                followups.append(
                    TransferFollowUp(
                        transfer=t,
                        organization=t.organization,
                        org_path=t.org_path,
                        date=min(ref, t.receipt_due + datetime.timedelta(days=15 + 40 * k)),
                        by_whom=t.organization.organizer or "支部组织委员",
                        what=rng.choice(
                            (
                                "电话联系本人未接通，已发短信提醒",
                                "联系接收单位党组织，答复尚未报到",
                                "通过微信联系本人，称近期去报到",
                                "联系备用联系人，请其转告本人尽快报到",
                            )
                        ),
                    )
                )
    TransferFollowUp.objects.bulk_create(followups, batch_size=500)
    PocketRecord.objects.bulk_create(
        [
            PocketRecord(
                member=m,
                organization=m.organization,
                org_path=m.org_path,
                transfer=t,
                marked_on=min(ref, t.receipt_due + datetime.timedelta(days=30)),
                reason=rng.choice(
                    (
                        "毕业后自主创业，未到接收单位报到",
                        "工作单位变动，介绍信过期未使用",
                        "继续考研，组织关系暂未接转",
                    )
                ),
            )
            for m, t in pocket_letters
        ]
    )

    # 5. Flow records for the members the roster marks as flowing.
    flows = []
    for member in Member.objects.filter(org_path__startswith=root.path, flowing=True):
        place = member.flow_destination or "广东省深圳市"
        issued = rng.random() < 0.7
        since = ref - datetime.timedelta(days=rng.randrange(60, 3000))
        flows.append(
            FlowRecord(
                member=member,
                organization_id=member.organization_id,
                org_path=member.org_path,
                destination=place,
                since=since,
                scope=FlowScope.CROSS_PROVINCE
                if place.startswith(CROSS_PROVINCE)
                else FlowScope.CROSS_CITY,
                certificate_number=f"流{since.year}{rng.randrange(10**4):04d}" if issued else "",
                certificate_issued_by="湘江示范大学党委组织部" if issued else "",
                certificate_issued_on=since + datetime.timedelta(days=7) if issued else None,
                contact_person=factory.name(),
                contact_phone=f"13{rng.randrange(10**9):09d}",
                reported=rng.random() < 0.6,
            )
        )
    FlowRecord.objects.bulk_create(flows, batch_size=500)
    # Written in bulk (no post_save): the areas that derive rows from them follow.
    members_changed_in_bulk.send(Member, member_ids=[f.member_id for f in flows])

    # 6. Members abroad: the retained ones of the roster get their period; one staff member
    # settled abroad two years ago, so the reminder is due.
    abroad = []
    for member in Member.objects.filter(
        org_path__startswith=root.path, status=MemberStatus.RETAINED
    ):
        match = re.search(r"出国（境）留学：(.+?)，", member.remarks)
        start = ref - datetime.timedelta(days=rng.randrange(60, 600))
        abroad.append(
            AbroadRecord(
                member=member,
                organization_id=member.organization_id,
                org_path=member.org_path,
                kind=AbroadKind.RETAINED,
                place=match.group(1) if match else "英国曼彻斯特大学",
                reason="出国（境）留学",
                period_from=start,
                period_to=start + datetime.timedelta(days=365 * rng.choice((1, 2, 3))),
            )
        )
    settled = next((m for m in staff if m not in arrivals and m not in waiting), None)
    if settled is not None:
        stopped = ref - datetime.timedelta(days=2 * 365 - 10)
        Member.objects.filter(pk=settled.pk).update(
            status=MemberStatus.SUSPENDED,
            status_date=stopped,
            remarks=(settled.remarks + "\n" if settled.remarks else "")
            + "因出国（境）定居（加拿大多伦多）停止党籍",
        )
        abroad.append(
            AbroadRecord(
                member=settled,
                organization_id=settled.organization_id,
                org_path=settled.org_path,
                kind=AbroadKind.SUSPENDED,
                place="加拿大多伦多",
                reason="出国（境）定居",
                period_from=stopped,
            )
        )
    AbroadRecord.objects.bulk_create(abroad)
