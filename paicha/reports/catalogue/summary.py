"""附件3: 与党组织失去联系党员情况汇总表 (seeds 000, 001, 003).

The seeds give only its 项目 column, 补充资料 and definitions; the layout follows the
party-statistics table of lost members (SPEC §9): three rows and bands that each add up to 总数.

- 排查前在册失联党员 (说明 2) is the evidence's count (`evidence.selectors.lost_stretches`, the
  same members as the 失联 list) plus the unreceipted transfers out, taken on the start of the
  latest campaign that covers the organization and started by the fill date (the fill date
  itself when there is none). A member with a case is described by his latest case (the facts
  it recorded, as rows 2 and 3 are, so one person is banded alike in every row); a member with
  no case yet by his roster record, and he cannot be banded in 失去联系情形 and 职业: the check
  says so by name.
- 经查找取得联系党员 / 经查找仍然无法取得联系党员 are the cases whose outcome is dated on or
  before the fill date and whose member was still on the roster on it (SPEC §4) — the same
  people as the registers 附件1 / 附件2 list, counted here by another query (crosschecks.py).
- 党龄 counts from 转正; a probationary member (no 党龄 yet) is counted in "1年以下". Ages and
  党龄 are reached on the anniversary (a 29 February birthday on 1 March).
- 失去联系时间 runs from the last contact to the end of the search (the outcome's date), or to
  the campaign's start for row 1; bands are [6, 12), [12, 72), [72, 132) and 132+ months.

Every figure is counted in the database by conditional aggregation: a query for each of row
1's three sources (members with a case, lost members without one, unreceipted transfers), one
for rows 2 and 3; nothing loops over the members or the cases in Python.
"""

import datetime
from calendar import monthrange

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear, Mod
from django.db.models.lookups import Exact, In, LessThanOrEqual

from paicha.codes import (
    CaseOutcome,
    Education,
    Ethnicity,
    Gender,
    LossReason,
    MemberType,
    Occupation,
    OrgCategory,
)

from ..declarations import INCLUSIVE, Check, Column, FormDeclaration, register

# (key, title, lowest, highest) in whole years, both ends included.
AGE_BANDS = (
    ("age_35", "35岁及以下", 0, 35),
    ("age_45", "36岁至45岁", 36, 45),
    ("age_60", "46岁至60岁", 46, 60),
    ("age_61", "61岁及以上", 61, None),
)
PARTY_AGE_BANDS = (
    ("pa_1", "1年以下", None, 0),
    ("pa_5", "1年至5年", 1, 5),
    ("pa_10", "6年至10年", 6, 10),
    ("pa_20", "11年至20年", 11, 20),
    ("pa_21", "21年及以上", 21, None),
)
EDUCATION_BANDS = (
    (
        "edu_college",
        "大专及以上",
        (Education.POSTGRADUATE, Education.BACHELOR, Education.JUNIOR_COLLEGE),
    ),
    ("edu_middle", "中专、高中、中技", (Education.SECONDARY_VOCATIONAL, Education.HIGH_SCHOOL)),
    ("edu_low", "初中及以下", (Education.JUNIOR_HIGH_OR_BELOW,)),
)
# Months lost: [low, high).
LOST_BANDS = (
    ("lost_1", "6个月以上不满1年", 6, 12),
    ("lost_5", "1年至5年", 12, 72),
    ("lost_10", "6年至10年", 72, 132),
    ("lost_11", "11年及以上", 132, None),
)
ROWS = (
    ("pre", "排查前在册失联党员"),
    ("regained", "经查找取得联系党员"),
    ("unreachable", "经查找仍然无法取得联系党员"),
)
SUPPLEMENT = "补充资料：流动党员"
FLOWING_SINCE = datetime.date(2016, 1, 1)


def _columns() -> list[Column]:
    def n(key, title, *groups):
        return Column(key, title, groups=groups, kind="int", width=6)

    columns = [
        Column("item", "项目", width=26),
        n("total", "总数"),
        n("probationary", "预备党员", "其中"),
        n("female", "女", "其中"),
        n("minority", "少数民族", "其中"),
    ]
    columns += [n(k, t, "年龄") for k, t, *_ in AGE_BANDS]
    columns += [n(k, t, "党龄") for k, t, *_ in PARTY_AGE_BANDS]
    columns += [n(k, t, "学历") for k, t, _ in EDUCATION_BANDS]
    columns += [n(k, t, "失去联系时间") for k, t, *_ in LOST_BANDS]
    columns += [
        n(f"reason_{c.value}", LossReason.circled(c.value), "失去联系情形") for c in LossReason
    ]
    columns += [n(f"occ_{c.value}", Occupation.circled(c.value), "职业") for c in Occupation]
    columns += [
        n(f"cat_{c.value}", OrgCategory.circled(c.value), "党组织类别") for c in OrgCategory
    ]
    return columns


GROUPS = {
    "年龄": [k for k, *_ in AGE_BANDS],
    "党龄": [k for k, *_ in PARTY_AGE_BANDS],
    "学历": [k for k, *_ in EDUCATION_BANDS],
    "失去联系时间": [k for k, *_ in LOST_BANDS],
    "失去联系情形": [f"reason_{c.value}" for c in LossReason],
    "职业": [f"occ_{c.value}" for c in Occupation],
    "党组织类别": [f"cat_{c.value}" for c in OrgCategory],
}


# ---- dates and bands as database conditions -------------------------------------------------


def years_cutoff(as_of: datetime.date, years: int) -> datetime.date:
    """The latest date d with full_years_between(d, as_of) >= years: the anniversary, with a
    29 February fill date falling back to the 28th in a common year."""
    year = as_of.year - years
    return datetime.date(year, as_of.month, min(as_of.day, monthrange(year, as_of.month)[1]))


def _years_band(field: str, as_of, low, high) -> Q:
    """Whole years from `field` to as_of in [low, high] (None: open end)."""
    q = Q()
    if low is not None:
        q &= Q(**{f"{field}__lte": years_cutoff(as_of, low)})
    if high is not None:
        q &= Q(**{f"{field}__gt": years_cutoff(as_of, high + 1)})
    return q


def _party_age_band(as_of, low, high) -> Q:
    if low is None:  # under one year, or no 党龄 yet (probationary, 转正 after the fill date)
        return Q(_full__isnull=True) | Q(_full__gt=years_cutoff(as_of, high + 1))
    return _years_band("_full", as_of, low, high)


def months_between_columns(start, end):
    """Whole months from the date expression `start` to `end`, in the database, exactly as
    core.dates.months_between (the largest n with add_months(start, n) <= end): one month
    fewer than the calendar difference when start's day is past end's, unless end is the last
    day of its month (add_months clamps there)."""
    ye, me, de = ExtractYear(end), ExtractMonth(end), ExtractDay(end)
    leap = Case(
        When(Exact(Mod(ye, 400), 0), then=Value(1)),
        When(Exact(Mod(ye, 100), 0), then=Value(0)),
        When(Exact(Mod(ye, 4), 0), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    month_days = Case(
        When(Exact(me, 2), then=Value(28) + leap),
        When(In(me, (4, 6, 9, 11)), then=Value(30)),
        default=Value(31),
        output_field=IntegerField(),
    )
    short = Case(
        When(LessThanOrEqual(ExtractDay(start), de), then=Value(0)),
        When(Exact(de, month_days), then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (ye * 12 + me) - (ExtractYear(start) * 12 + ExtractMonth(start)) - short


def _lost_band(lost_until: datetime.date | None, low: int, high: int | None) -> Q:
    """失去联系时间 in [low, high) months. Counted up to one date (row 1: the campaign's
    start), it is a range of the start of the count (`_since`): months_between(s, end) >= n
    exactly when s <= the latest start of n months before end, so no month arithmetic runs
    per record. Counted up to each case's outcome, it is the months expression `_months`."""
    from paicha.evidence.selectors import latest_start_inclusive

    if lost_until is None:
        return Q(_months__gte=low) & (Q(_months__lt=high) if high else Q())
    q = Q(_since__lte=latest_start_inclusive(lost_until, low))
    if high:
        q &= Q(_since__gt=latest_start_inclusive(lost_until, high))
    return q


def band_conditions(as_of: datetime.date, lost_until: datetime.date | None = None) -> dict[str, Q]:
    """Column key → the condition on the aliased fields (_gender, _birth, _months …).
    `lost_until`: the one date 失去联系时间 is counted up to (see _lost_band)."""
    conditions = {
        "total": Q(),
        "probationary": Q(_type=MemberType.PROBATIONARY) | Q(_full__gt=as_of),
        "female": Q(_gender=Gender.FEMALE),
        "minority": ~Q(_ethnicity=Ethnicity.HAN) & ~Q(_ethnicity="") & Q(_ethnicity__isnull=False),
    }
    conditions |= {k: _years_band("_birth", as_of, lo, hi) for k, _t, lo, hi in AGE_BANDS}
    conditions |= {k: _party_age_band(as_of, lo, hi) for k, _t, lo, hi in PARTY_AGE_BANDS}
    conditions |= {k: Q(_education__in=codes) for k, _t, codes in EDUCATION_BANDS}
    for key, _t, low, high in LOST_BANDS:
        conditions[key] = _lost_band(lost_until, low, high)
    conditions |= {f"reason_{c.value}": Q(_reason=c.value) for c in LossReason}
    conditions |= {f"occ_{c.value}": Q(_occupation=c.value) for c in Occupation}
    conditions |= {f"cat_{c.value}": Q(_category=c.value) for c in OrgCategory}
    return conditions


# ---- the two sources: members (row 1) and cases (rows 2, 3) ---------------------------------


def campaign_start(org, as_of: datetime.date) -> datetime.date:
    """The start of the latest campaign set by `org` or an organization above it that had
    started by the fill date; the fill date when there is none."""
    from paicha.campaigns.models import Campaign
    from paicha.organizations.tree import SEGMENT_WIDTH

    above = [org.path[:i] for i in range(SEGMENT_WIDTH, len(org.path) + 1, SEGMENT_WIDTH)]
    start = (
        Campaign.objects.filter(org_path__in=above, start__lte=as_of)
        .order_by("-start")
        .values_list("start", flat=True)
        .first()
    )
    return start or as_of


def _member_facts(prefix: str = "") -> dict:
    """The member's own facts as the aliases band_conditions reads."""
    return {
        "_gender": F(f"{prefix}gender"),
        "_ethnicity": F(f"{prefix}ethnicity"),
        "_birth": F(f"{prefix}birth_date"),
        "_education": F(f"{prefix}education"),
        "_type": F(f"{prefix}member_type"),
        "_full": F(f"{prefix}full_date"),
        "_category": F(f"{prefix}organization__category"),
        "_name": F(f"{prefix}name"),
    }


def _case_facts() -> dict:
    """The facts the case recorded when it was opened (its 登记表), as band_conditions reads
    them: a member counted in row 1 and in row 2 or 3 is banded alike in both."""
    return {
        "_gender": F("gender"),
        "_ethnicity": F("ethnicity"),
        "_birth": F("birth_date"),
        "_education": F("education"),
        "_type": F("member_type"),
        "_full": F("full_date"),
        "_category": F("org_category"),
        "_reason": F("loss_reason"),
        "_occupation": F("occupation"),
        "_name": F("name"),
    }


def _no_case_codes() -> dict:
    return {
        "_reason": Value(None, output_field=CharField()),
        "_occupation": Value(None, output_field=CharField()),
    }


def pre_campaign_sources(org, as_of: datetime.date):
    """Row 1's members as three disjoint sources whose counts add up, aliased for
    band_conditions (失去联系起算日期 as `_since`), and the date they were counted on (the
    start of the campaign).

    - members with a case opened by the fill date: their latest case gives every fact (as
      rows 2 and 3 read them: the 登记表 the case recorded), the 失去联系起算日期 included;
    - lost members without a case (the stretch that makes them lost gives the start);
    - members whose transfer out has no receipt, neither lost nor with a case (few): the clock
      runs from the first such letter.
    Who is lost is read from the stretches (evidence.selectors.lost_stretches) and every band
    is a condition on joined columns or dates: at the top of a province row 1 holds every lost
    member, so nothing is looked up per member but his own row."""
    from paicha.cases.models import LostContactCase
    from paicha.evidence.selectors import lost_stretches
    from paicha.members.models import Member
    from paicha.transfers.selectors import unreceipted_transfers_out

    start = campaign_start(org, as_of)
    lost = lost_stretches(org, as_of=start)
    lost_ids = lost.values("member_id")
    letters = unreceipted_transfers_out(None, org=org, as_of=start)
    letter_ids = letters.values("member_id")
    cases = LostContactCase.objects.filter(opened_on__lte=as_of)
    later = cases.filter(member_id=OuterRef("member_id")).filter(
        Q(opened_on__gt=OuterRef("opened_on"))
        | Q(opened_on=OuterRef("opened_on"), pk__gt=OuterRef("pk"))
    )
    case_members = cases.values("member_id")
    with_case = (
        cases.filter(Q(member_id__in=lost_ids) | Q(member_id__in=letter_ids))
        .exclude(Exists(later))
        .alias(**_case_facts(), _since=F("lost_since"))
    )
    lost_without_case = lost.exclude(member_id__in=case_members).alias(
        **_member_facts("member__"), **_no_case_codes(), _since=F("start")
    )
    first_letter = Subquery(
        letters.filter(member_id=OuterRef("pk")).order_by("letter_date").values("letter_date")[:1],
        output_field=DateField(),
    )
    letter_only = (
        Member.objects.filter(pk__in=letter_ids)
        .exclude(pk__in=lost_ids)
        .exclude(pk__in=case_members)
        .alias(**_member_facts(), **_no_case_codes(), _since=first_letter)
    )
    return [with_case, lost_without_case, letter_only], start


def outcome_cases(org, as_of: datetime.date):
    """Cases with an outcome by the fill date whose member was on the roster on it, aliased
    for band_conditions (the case keeps the member's facts as they were at opening)."""
    from paicha.cases.models import LostContactCase
    from paicha.members.models import ON_ROSTER, Member

    return (
        LostContactCase.objects.in_subtree(org)
        .filter(outcome__in=(CaseOutcome.REGAINED, CaseOutcome.UNREACHABLE), outcome_on__lte=as_of)
        # Off the roster on D: the few members whose status has left it by D (the partial
        # index member_off_roster), not a join reading every member of the subtree.
        .exclude(
            member_id__in=Member.objects.exclude(status__in=ON_ROSTER)
            .exclude(status_date__gt=as_of)
            .order_by()
            .values("pk")
        )
        .alias(**_case_facts(), _months=months_between_columns(F("lost_since"), F("outcome_on")))
    )


# Groups whose bands are date or education conditions: one band key per record, in SQL.
KEYED_GROUPS = ("年龄", "党龄", "学历", "失去联系时间")
# Groups that are the record's code itself, and the flags of "其中".
CODE_GROUPS = (("_reason", "reason_"), ("_occupation", "occ_"), ("_category", "cat_"))
FLAGS = ("probationary", "female", "minority")


def count_rows(
    queryset, as_of, rows: dict[str, Q], lost_until: datetime.date | None = None
) -> dict[str, dict[str, int]]:
    """One query: each record's row and its band in each group are computed once (a CASE per
    group, not a condition per column), the records grouped by them, and the few groups
    summed here into every (row, column). The bands of a group do not overlap, so a record
    counts once in its group, or in none (then the group's check names it)."""
    conditions = band_conditions(as_of, lost_until)

    def first_of(keys):
        return Case(
            *[When(conditions[k], then=Value(k)) for k in keys],
            default=Value(None),
            output_field=CharField(),
        )

    if len(rows) == 1 and not next(iter(rows.values())):
        row_of = Value(next(iter(rows)), output_field=CharField())
    else:
        row_of = Case(
            *[When(q, then=Value(name)) for name, q in rows.items()],
            default=Value(None),
            output_field=CharField(),
        )
    keys = {
        "_row": row_of,
        **{f"_g{i}": first_of(GROUPS[group]) for i, group in enumerate(KEYED_GROUPS)},
    }
    keys |= {
        f"_f_{flag}": Case(
            When(conditions[flag], then=Value(1)), default=Value(0), output_field=IntegerField()
        )
        for flag in FLAGS
    }
    keys |= {f"{field}_code": F(field) for field, _prefix in CODE_GROUPS}
    grouped = queryset.annotate(**keys).values(*keys).annotate(_n=Count("pk")).order_by()
    counted = {row: dict.fromkeys(conditions, 0) for row in rows}
    for item in grouped:
        row = counted.get(item["_row"])
        if row is None:
            continue
        n = item["_n"]
        row["total"] += n
        banded = [item[f"_g{i}"] for i in range(len(KEYED_GROUPS))]
        banded += [f"{prefix}{item[f'{field}_code']}" for field, prefix in CODE_GROUPS]
        banded += [flag for flag in FLAGS if item[f"_f_{flag}"]]
        for key in banded:
            if key in row and key != "total":
                row[key] += n
    return counted


def unbanded_names(
    queryset, as_of, row_q: Q, group: str, limit: int = 10, lost_until: datetime.date | None = None
) -> list[str]:
    """Names of records of a row that fall in no band of `group` (for the failed check). A
    record whose field is empty (no case yet: no 失去联系情形) is in no band: the band is a CASE
    whose default is 0, not a negated condition that an empty field would make unknown."""
    conditions = band_conditions(as_of, lost_until)
    banded = Case(
        *[When(conditions[key], then=Value(1)) for key in GROUPS[group]],
        default=Value(0),
        output_field=IntegerField(),
    )
    return list(
        queryset.filter(row_q)
        .alias(_banded=banded)
        .filter(_banded=0)
        .annotate(shown_name=F("_name"))
        .order_by("shown_name")
        .values_list("shown_name", flat=True)[:limit]
    )


@register
class LostSummary(FormDeclaration):
    slug = "attachment3"
    convention = INCLUSIVE
    title = "与党组织失去联系党员情况汇总表"
    seed = "000"
    notes_title = "《与党组织失去联系党员情况汇总表》填表要求和指标解释"
    notes = """1. 本表根据党支部填报的《经查找仍然无法取得联系党员登记表》，由基层党委（党总支、直属党支部）填写审核后，报党委组织部。
2. 排查前在册失联党员指排查工作开始前统计的2007以来正式组织关系转出后未收到组织关系介绍信回执的党员以及截至填表日期为止连续6个月以上不参加组织生活、不交纳党费，与组织关系所在党组织失去联系的党员。
3.经查找仍然无法取得联系党员是指党员组织关系排查工作结束时，与党组织失去联系6个月以上，经多方努力确实无法取得联系的党员。
4.年龄、党龄：计算截止时间以填表日期为准。
5.本表补充资料统计2016年1月1日至填表日期期间的流动党员人数。流动党员是指由于就业或居住地变化等原因，在较长时间内无法正常参加正式组织关系所在党组织活动的党员。"""
    columns = _columns()
    footer_fields = (SUPPLEMENT, "填表人", "联系电话")

    def figures(self, *, org, as_of):
        """补充资料 (说明 5): members flowing at any time from 2016-01-01 to the fill date."""
        from paicha.transfers.selectors import flowing_members_count

        return {SUPPLEMENT: flowing_members_count(org=org, start=FLOWING_SINCE, end=as_of)}

    def footer_values(self, *, org, as_of, user=None):
        values = super().footer_values(org=org, as_of=as_of, user=user)
        return {**values, SUPPLEMENT: f"{self.figures(org=org, as_of=as_of)[SUPPLEMENT]} 人"}

    def rows(self, *, org, as_of):
        pre_sources, start = pre_campaign_sources(org, as_of)
        cases = outcome_cases(org, as_of)
        row_qs = {
            "regained": Q(outcome=CaseOutcome.REGAINED),
            "unreachable": Q(outcome=CaseOutcome.UNREACHABLE),
        }
        # Ages and 党龄 as of the fill date (说明 4); 失去联系时间 up to the campaign's start
        # for row 1, up to each case's outcome for rows 2 and 3.
        parts = [(source, {"pre": Q()}, start) for source in pre_sources]
        parts.append((cases, row_qs, None))
        rows = {
            key: {"item": title, **dict.fromkeys(band_conditions(as_of), 0), "unbanded": {}}
            for key, title in ROWS
        }
        for source, row_q, lost_until in parts:
            for key, counted in count_rows(source, as_of, row_q, lost_until).items():
                row = rows[key]
                for column, n in counted.items():
                    row[column] += n
                # Names only where this source leaves records out of a group.
                for group, keys in GROUPS.items():
                    if sum(counted[k] for k in keys) != counted["total"]:
                        found = row["unbanded"].setdefault(group, [])
                        found += unbanded_names(
                            source, as_of, row_q[key], group, lost_until=lost_until
                        )
        for row in rows.values():
            row["unbanded"] = {group: names[:10] for group, names in row["unbanded"].items()}
        rows["pre"]["counted_on"] = start
        return [rows[key] for key, _title in ROWS]

    def checks(self, rows, *, org, as_of):
        found = []
        for row in rows:
            for group, keys in GROUPS.items():
                banded = sum(row[k] for k in keys)
                detail = ""
                if banded != row["total"]:
                    missing = row.get("unbanded", {}).get(group, [])
                    names = "、".join(missing) + ("等" if len(missing) >= 10 else "")
                    detail = (
                        f"{group}各项之和 {banded}，总数 {row['total']}；"
                        f"无法归类：{names or '（无）'}"
                    )
                found.append(
                    Check(
                        rule=f"{group}各项之和＝总数",
                        where=row["item"],
                        ok=banded == row["total"],
                        detail=detail,
                    )
                )
        return found
