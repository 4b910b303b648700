"""附件3: 与党组织失去联系党员情况汇总表 (seeds 000, 001, 003).

The seeds give only its 项目 column, 补充资料 and definitions; the layout follows the
party-statistics table of lost members (SPEC §9): three rows — 排查前在册失联党员 (every case of
the subtree opened by the fill date), 经查找取得联系党员, 经查找仍然无法取得联系党员 — and
bands that each add up to 总数. Where the seed leaves a choice open:
- 党龄 counts from 转正; a probationary member (no 党龄 yet) is counted in "1年以下".
- 失去联系时间 is measured as the registers measure it (last 组织生活 or 党费 to the end of
  the search, or the fill date); cases without a known start are reported by a failed check.
"""

from paicha.codes import (
    CaseOutcome, Education, Ethnicity, Gender, LossReason, MemberType, Occupation, OrgCategory,
)
from paicha.cases.rules import lost_months
from paicha.core.dates import full_years_between

from ..declarations import Check, Column, FormDeclaration, register

AGE_BANDS = (("age_35", "35岁及以下", 0, 35), ("age_45", "36岁至45岁", 36, 45),
             ("age_60", "46岁至60岁", 46, 60), ("age_61", "61岁及以上", 61, 999))
PARTY_AGE_BANDS = (("pa_1", "1年以下", -1, 0), ("pa_5", "1年至5年", 1, 5),
                   ("pa_10", "6年至10年", 6, 10), ("pa_20", "11年至20年", 11, 20),
                   ("pa_21", "21年及以上", 21, 999))
EDUCATION_BANDS = (
    ("edu_college", "大专及以上", {Education.POSTGRADUATE, Education.BACHELOR, Education.JUNIOR_COLLEGE}),
    ("edu_middle", "中专、高中、中技", {Education.SECONDARY_VOCATIONAL, Education.HIGH_SCHOOL}),
    ("edu_low", "初中及以下", {Education.JUNIOR_HIGH_OR_BELOW}),
)
# Months lost: [low, high).
LOST_BANDS = (("lost_1", "6个月以上不满1年", 6, 12), ("lost_5", "1年至5年", 12, 72),
              ("lost_10", "6年至10年", 72, 132), ("lost_11", "11年及以上", 132, 10**6))
ROWS = (("pre", "排查前在册失联党员"), ("regained", "经查找取得联系党员"),
        ("unreachable", "经查找仍然无法取得联系党员"))


def _columns() -> list[Column]:
    def n(key, title, *groups):
        return Column(key, title, groups=groups, kind="int", width=6)

    columns = [Column("item", "项目", width=26), n("total", "总数"),
               n("probationary", "预备党员", "其中"), n("female", "女", "其中"),
               n("minority", "少数民族", "其中")]
    columns += [n(k, t, "年龄") for k, t, *_ in AGE_BANDS]
    columns += [n(k, t, "党龄") for k, t, *_ in PARTY_AGE_BANDS]
    columns += [n(k, t, "学历") for k, t, _ in EDUCATION_BANDS]
    columns += [n(k, t, "失去联系时间") for k, t, *_ in LOST_BANDS]
    columns += [n(f"reason_{c.value}", LossReason.circled(c.value), "失去联系情形") for c in LossReason]
    columns += [n(f"occ_{c.value}", Occupation.circled(c.value), "职业") for c in Occupation]
    columns += [n(f"cat_{c.value}", OrgCategory.circled(c.value), "党组织类别") for c in OrgCategory]
    return columns


EDUCATION_BAND = {code: key for key, _title, codes in EDUCATION_BANDS for code in codes}


def _band(value, bands):
    for key, _title, low, high in bands:
        if value is not None and low <= value <= high:
            return key
    return None


def _lost_band(months):
    for key, _title, low, high in LOST_BANDS:
        if months is not None and low <= months < high:
            return key
    return None


GROUPS = {
    "年龄": [k for k, *_ in AGE_BANDS], "党龄": [k for k, *_ in PARTY_AGE_BANDS],
    "学历": [k for k, *_ in EDUCATION_BANDS], "失去联系时间": [k for k, *_ in LOST_BANDS],
    "失去联系情形": [f"reason_{c.value}" for c in LossReason],
    "职业": [f"occ_{c.value}" for c in Occupation],
    "党组织类别": [f"cat_{c.value}" for c in OrgCategory],
}


@register
class LostSummary(FormDeclaration):
    slug = "attachment3"
    title = "与党组织失去联系党员情况汇总表"
    seed = "000"
    notes_title = "《与党组织失去联系党员情况汇总表》填表要求和指标解释"
    notes = """1. 本表根据党支部填报的《经查找仍然无法取得联系党员登记表》，由基层党委（党总支、直属党支部）填写审核后，报党委组织部。
2. 排查前在册失联党员指排查工作开始前统计的2007以来正式组织关系转出后未收到组织关系介绍信回执的党员以及截至填表日期为止连续6个月以上不参加组织生活、不交纳党费，与组织关系所在党组织失去联系的党员。
3.经查找仍然无法取得联系党员是指党员组织关系排查工作结束时，与党组织失去联系6个月以上，经多方努力确实无法取得联系的党员。
4.年龄、党龄：计算截止时间以填表日期为准。
5.本表补充资料统计2016年1月1日至填表日期期间的流动党员人数。流动党员是指由于就业或居住地变化等原因，在较长时间内无法正常参加正式组织关系所在党组织活动的党员。"""
    columns = _columns()
    footer_fields = ("补充资料：流动党员", "填表人", "联系电话")

    def footer_values(self, *, org, as_of, user=None):
        values = super().footer_values(org=org, as_of=as_of, user=user)
        flowing = self.flowing_count(org=org, as_of=as_of)
        return {"补充资料：流动党员": f"{flowing} 人" if flowing is not None else "（流动党员记录尚未建立）",
                **values}

    @staticmethod
    def flowing_count(*, org, as_of):
        import datetime

        try:
            from paicha.transfers.selectors import flowing_members_count
        except ImportError:
            return None
        return flowing_members_count(org=org, start=datetime.date(2016, 1, 1), end=as_of)

    FIELDS = ("name", "birth_date", "full_date", "gender", "ethnicity", "member_type",
              "education", "lost_since", "outcome", "outcome_on", "loss_reason", "occupation",
              "org_category")

    def rows(self, *, org, as_of):
        from paicha.cases.models import LostContactCase

        # Plain tuples, not model instances: a province has tens of thousands of cases.
        cases = (LostContactCase.objects.in_subtree(org).filter(opened_on__lte=as_of)
                 .values_list(*self.FIELDS))
        rows = {key: {"item": title, **{c.key: 0 for c in self.columns[1:]}, "unbanded": {}}
                for key, title in ROWS}
        for values in cases.iterator(chunk_size=5000):
            case = dict(zip(self.FIELDS, values, strict=True))
            keys = ["pre"]
            ended = case["outcome_on"] is not None and case["outcome_on"] <= as_of
            if ended and case["outcome"] == CaseOutcome.REGAINED:
                keys.append("regained")
            elif ended and case["outcome"] == CaseOutcome.UNREACHABLE:
                keys.append("unreachable")
            cells = self._cells(case, as_of)
            for key in keys:
                row = rows[key]
                row["total"] += 1
                for cell in cells:
                    if cell[0] == "?":
                        row["unbanded"].setdefault(cell[1:], []).append(case["name"])
                    else:
                        row[cell] += 1
        return [rows[key] for key, _ in ROWS]

    @staticmethod
    def _cells(case: dict, as_of) -> list[str]:
        """The columns one case counts in; '?group' where its data cannot be banded."""
        cells = []
        if case["member_type"] == MemberType.PROBATIONARY:
            cells.append("probationary")
        if case["gender"] == Gender.FEMALE:
            cells.append("female")
        if case["ethnicity"] and case["ethnicity"] != Ethnicity.HAN:
            cells.append("minority")
        cells.append(_band(full_years_between(case["birth_date"], as_of), AGE_BANDS) or "?年龄")
        full = case["full_date"]
        party_age = full_years_between(full, as_of) if full and full <= as_of else 0
        cells.append(_band(party_age, PARTY_AGE_BANDS) or "?党龄")
        cells.append(EDUCATION_BAND.get(case["education"], "?学历"))
        cells.append(_lost_band(lost_months(case["lost_since"], case["outcome"],
                                            case["outcome_on"], as_of)) or "?失去联系时间")
        cells.append(f"reason_{case['loss_reason']}" if case["loss_reason"] else "?失去联系情形")
        cells.append(f"occ_{case['occupation']}" if case["occupation"] else "?职业")
        cells.append(f"cat_{case['org_category']}" if case["org_category"] else "?党组织类别")
        return cells

    def checks(self, rows, *, org, as_of):
        found = []
        for row in rows:
            for group, keys in GROUPS.items():
                banded = sum(row[k] for k in keys)
                missing = row["unbanded"].get(group, [])
                detail = ""
                if banded != row["total"]:
                    names = "、".join(missing[:10]) + ("等" if len(missing) > 10 else "")
                    detail = f"{group}各项之和 {banded}，总数 {row['total']}；无法归类：{names}"
                found.append(Check(rule=f"{group}各项之和＝总数", where=row["item"],
                                   ok=banded == row["total"], detail=detail))
        return found
