"""paicha lost-list --org CODE [--date DATE] [--what lost|unverified|pre-campaign]
[--format json|text]

The 失联 list (6个月以上, with 恰满6个月 and 无记录待核实 marked), the 无记录待核实 members, or
排查前在册失联党员 on a date (a campaign's start), for an organization's subtree: the same
selectors as the pages. JSON carries every row and the totals; 身份证号码 is not printed.
"""

import json

from django.core.management.base import BaseCommand

from paicha.evidence import selectors
from paicha.evidence.books import books_for
from paicha.members.models import Member

from ._common import day, organization


def _iso(value):
    return value.isoformat() if value else None


def lost_payload(org, as_of):
    rows = (
        selectors.lost_members(Member.objects.in_subtree(org), as_of=as_of)
        .select_related("organization")
        .order_by("org_path", "lost_since", "name", "id")
    )
    members = [
        {
            "id": m.pk,
            "name": m.name,
            "branch": m.organization.name,
            "branch_code": m.organization.code,
            "status": m.get_status_display(),
            "last_org_life": _iso(m.last_org_life),
            "last_dues": _iso(m.last_dues),
            "last_contact": _iso(m.last_contact),
            "lost_since": _iso(m.lost_since),
            "lost_on": _iso(m.lost_on),
            "months_lost": m.months_lost,
            "exactly_six": bool(m.exactly_six),
            "unverified": bool(m.unverified),
        }
        for m in rows
    ]
    return {
        "total": len(members),
        "exactly_six": sum(m["exactly_six"] for m in members),
        "over_six_months": sum(not m["exactly_six"] for m in members),
        "unverified": sum(m["unverified"] for m in members),
        "members": members,
    }


def unverified_payload(org, as_of):
    rows = (
        selectors.unverified_members(Member.objects.in_subtree(org), as_of=as_of)
        .select_related("organization")
        .order_by("org_path", "name", "id")
    )
    members = [
        {
            "id": m.pk,
            "name": m.name,
            "branch": m.organization.name,
            "branch_code": m.organization.code,
            "lost_since": _iso(m.lost_since),
            "lost_on": _iso(m.lost_on),
            "lost": bool(m.lost),
        }
        for m in rows
    ]
    return {"total": len(members), "lost": sum(m["lost"] for m in members), "members": members}


def pre_campaign_payload(org, as_of):
    result = selectors.pre_campaign_lost(org=org, as_of=as_of)
    lost = list(result.lost.select_related("organization").order_by("org_path", "name", "id"))
    transfers = list(result.unreceipted.order_by("letter_date", "id"))
    return {
        "total": result.total,
        "lost": len(lost),
        "unreceipted": len(transfers),
        "overlap": result.overlap,
        "unverified": sum(bool(m.unverified) for m in lost),
        "lost_members": [
            {
                "id": m.pk,
                "name": m.name,
                "branch": m.organization.name,
                "lost_since": _iso(m.lost_since),
                "months_lost": m.months_lost,
                "unverified": bool(m.unverified),
            }
            for m in lost
        ],
        "unreceipted_transfers": [
            {
                "member_id": t.member_id,
                "name": t.member.name,
                "letter_date": _iso(t.letter_date),
                "counterpart": t.counterpart_name,
            }
            for t in transfers
        ],
    }


WHAT = {
    "lost": ("失联党员名单（6个月以上）", lost_payload),
    "unverified": ("无记录待核实党员", unverified_payload),
    "pre-campaign": ("排查前在册失联党员", pre_campaign_payload),
}


class Command(BaseCommand):
    help = "输出失联党员名单、无记录待核实党员或排查前在册失联党员（JSON 或文本）"

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="党组织代码（含下级）")
        parser.add_argument("--date", help="截至日期（排查前在册失联党员：排查开始日期），默认今天")
        parser.add_argument("--what", choices=sorted(WHAT), default="lost")
        parser.add_argument("--format", choices=("json", "text"), default="json")

    def handle(self, *args, org, date=None, what="lost", format="json", **options):
        organization_ = organization(org)
        as_of = day(date)
        title, build = WHAT[what]
        payload = {
            "what": title,
            "org": organization_.code,
            "org_name": organization_.name,
            "date": as_of.isoformat(),
            "books_date": books_for(organization_).explanation,
            **build(organization_, as_of),
        }
        if format == "json":
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1))
            return
        self.stdout.write(
            f"{title}：{organization_.name}，截至{as_of.isoformat()}，"
            f"共 {payload['total']} 人；建账日期 {payload['books_date']}"
        )
        for row in payload.get("members") or payload.get("lost_members") or []:
            marks = [
                label
                for key, label in (("exactly_six", "恰满6个月"), ("unverified", "无记录待核实"))
                if row.get(key)
            ]
            self.stdout.write(
                f"{row['name']}\t{row['branch']}\t{row.get('lost_since')}\t{' '.join(marks)}"
            )
