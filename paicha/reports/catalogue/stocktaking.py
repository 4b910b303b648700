"""党员摸底核查情况统计表 (seed 001 附件9), 教职工 and 学生 separately.

Seed 001 names the form but does not print it; its columns are what SPEC §9 lists for it:
members (正式/预备), flowing, pocket, lost, regained and unreceipted transfers, one row per
child organization (and the organization's own members, "本级") plus 合计.
"""

from django.db.models import Count, Q
from django.db.models.functions import Substr

from paicha.codes import CaseOutcome, MemberType, PersonCategory
from paicha.members.models import Member
from paicha.organizations.models import Organization
from paicha.organizations.tree import SEGMENT_WIDTH

from ..declarations import INCLUSIVE, Column, FormDeclaration, register

COUNTS = ("total", "full", "probationary", "flowing", "pocket", "lost", "regained", "unreceipted")


def _n(key, title, *groups):
    return Column(key, title, groups=groups, kind="int", width=9)


def _by_child(queryset, child_length, field="org_path", **aggregates):
    return {
        item["child"]: item
        for item in queryset.annotate(child=Substr(field, 1, child_length))
        .values("child")
        .annotate(**aggregates)
        .order_by()
    }


class Stocktaking(FormDeclaration):
    seed = "001"
    convention = INCLUSIVE
    person_category: str
    columns = [
        Column("unit", "单位", width=26),
        _n("total", "党员总数"),
        _n("full", "正式党员", "其中"),
        _n("probationary", "预备党员", "其中"),
        _n("flowing", "流动党员"),
        _n("pocket", "“口袋”党员"),
        _n("lost", "失联党员"),
        _n("regained", "经查找取得联系党员"),
        _n("unreceipted", "组织关系转出后未收到回执党员"),
    ]
    notes = (
        "失联党员指截至填表日期连续6个月以上未参加组织生活、未交纳党费的在册党员；"
        "组织关系转出后未收到回执党员统计2007年实行回执制度以来的转出。"
    )

    def rows(self, *, org, as_of):
        child_length = len(org.path) + SEGMENT_WIDTH
        members = (
            Member.objects.in_subtree(org)
            .on_roster_on(as_of)
            .filter(person_category=self.person_category)
        )
        counts = _by_child(
            members,
            child_length,
            total=Count("id"),
            full=Count("id", filter=Q(member_type=MemberType.FULL)),
            probationary=Count("id", filter=Q(member_type=MemberType.PROBATIONARY)),
            flowing=Count("id", filter=Q(flowing=True)),
            pocket=Count("id", filter=Q(pocket=True)),
        )
        extra = {
            "lost": self._lost(members, as_of, child_length),
            "regained": self._regained(org, as_of, child_length),
            "unreceipted": self._unreceipted(org, as_of, child_length),
        }
        units = [
            (c.path, c.name, c.code)
            for c in Organization.objects.filter(parent=org, is_active=True).order_by("path")
        ]
        units.append((org.path, f"{org.name}（本级）", org.code))
        rows = []
        for path, name, code in units:
            row = {
                "unit": name,
                "unit_code": code,
                **{k: counts.get(path, {}).get(k, 0) for k in COUNTS[:5]},
                **{k: extra[k].get(path, 0) for k in extra},
            }
            if path != org.path or any(row[k] for k in COUNTS):
                rows.append(row)
        rows.append(
            {"unit": "合计", "unit_code": org.code, **{k: sum(r[k] for r in rows) for k in COUNTS}}
        )
        return rows

    def _lost(self, members, as_of, child_length):
        from paicha.evidence.selectors import lost_members

        return {
            k: v["n"]
            for k, v in _by_child(
                lost_members(members, as_of=as_of), child_length, n=Count("id")
            ).items()
        }

    def _regained(self, org, as_of, child_length):
        from paicha.cases.models import LostContactCase

        cases = LostContactCase.objects.in_subtree(org).filter(
            outcome=CaseOutcome.REGAINED,
            outcome_on__lte=as_of,
            member__person_category=self.person_category,
        )
        return {k: v["n"] for k, v in _by_child(cases, child_length, n=Count("id")).items()}

    def _unreceipted(self, org, as_of, child_length):
        from paicha.transfers.selectors import unreceipted_transfers_out

        transfers = unreceipted_transfers_out(org=org, as_of=as_of).filter(
            member__person_category=self.person_category
        )
        return {k: v["n"] for k, v in _by_child(transfers, child_length, n=Count("id")).items()}


@register
class StocktakingStaff(Stocktaking):
    slug = "stocktaking-staff"
    title = "党员摸底核查情况统计表（教职工）"
    person_category = PersonCategory.STAFF


@register
class StocktakingStudents(Stocktaking):
    slug = "stocktaking-students"
    title = "党员摸底核查情况统计表（学生）"
    person_category = PersonCategory.STUDENT
