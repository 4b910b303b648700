"""附件5 (seed 004): 与党组织失去联系党员规范管理和组织处置有关情况统计表, A–X.

A cohort of the reporting period [S, D] (SPEC §9): S is the start of the campaign running on
the fill date D (set by the organization or an ancestor), or a date the user picks; otherwise
1 January of D's year. A = every member on the roster at some time in [S, D] who was lost
超过六个月 (exclusive: add_months(start, 6) < t) at some date t of [S, D] while on it — taken
from the evidence (evidence.selectors.lost_cohort), whether or not a case was ever opened.
Each member of A counts once, in the column of where he stands on D:
- the disposition of his latest case opened by D, once it has taken effect by D (the final
  approval dated on or before D): its category is the column letter (C…M, P…V, X);
- otherwise 确认已死亡 (X): the case's outcome 死亡 dated by D, or his death on the roster;
- otherwise 尚在调查核实 (N) when contact was regained by D: the case's outcome 取得联系 dated
  by D, or evidence of contact after the loss (he is no longer 超过六个月 on D);
- otherwise 尚在查找联系 (W): a case still searching or found unreachable, or no case at all.
The "of which" and total columns are then sums, so A = B+O+X … hold by construction for a
computed row; the checks matter for rows rolled up from submissions, and A is checked against
the evidence by a second path (the 超过六个月 members of S and of D by the rule, which must all
be in A).

The seed's table has one row per 统计时间 (disposition_sheets.DispositionSheet prints it so);
this second view has one per child organization (and the organization's own members, "本级")
plus 合计, so a 填报单位 column stands before 统计时间.
"""

import datetime
from collections import Counter

from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)

from paicha.codes import CaseOutcome, DispositionState, MemberStatus
from paicha.core.dates import format_cn_date
from paicha.organizations.models import Organization
from paicha.organizations.tree import SEGMENT_WIDTH

from ..declarations import EXCLUSIVE, Check, Column, FormDeclaration, register

CONTACTED = "经查找取得联系的党员"
NOT_CONTACTED = "目前仍未取得联系的党员"
MANAGED = "纳入组织管理人数"
REMOVED = "给予组织处置出党人数"


def _col(letter, title, *groups):
    return Column(letter, title, groups=groups, kind="int", letter=letter, width=7)


# The sums the seed's 备注 1 states, as (total, parts).
RULES = (("A", "BOX"), ("B", "CGMN"), ("G", "HIJKL"), ("O", "PSVW"), ("P", "QR"), ("S", "TU"))
# The "of which" columns of 纳入组织管理 (C counts them too).
MANAGED_PARTS = "DEF"


def complete_row(leaf_counts: dict[str, int]) -> dict[str, int]:
    """All of A…X from the counts per leaf column (C here: managed without a sub-kind)."""
    row = {letter: leaf_counts.get(letter, 0) for letter in "CDEFHIJKLMNQRTUVWX"}
    row["C"] = row["C"] + sum(row[p] for p in MANAGED_PARTS)
    for total, parts in reversed(RULES):
        row[total] = sum(row[p] for p in parts)
    return row


def letter_of_case(as_of):
    """The column a case gives its member on the fill date, or NULL when it decides nothing
    (still searching, or found unreachable), as a database expression."""
    return Case(
        When(
            Q(disposition__state=DispositionState.EFFECTIVE, disposition__effective_on__lte=as_of),
            then=F("disposition__category"),
        ),
        When(Q(outcome=CaseOutcome.DECEASED, outcome_on__lte=as_of), then=Value("X")),
        When(Q(outcome=CaseOutcome.REGAINED, outcome_on__lte=as_of), then=Value("N")),
        default=Value(None),
        output_field=CharField(),
    )


def period_start_and_source(org, as_of: datetime.date) -> tuple[datetime.date, str]:
    """S when the user picks none, and where it comes from: the start of the campaign of org
    or an ancestor running on as_of (the latest one started), else 1 January of as_of's
    year."""
    from paicha.campaigns.models import Campaign

    ancestors = [org.path[:n] for n in range(len(org.path), 0, -SEGMENT_WIDTH)]
    campaign = (
        Campaign.objects.filter(org_path__in=ancestors, start__lte=as_of, end__gte=as_of)
        .order_by("-start")
        .only("name", "start")
        .first()
    )
    if campaign is not None:
        return campaign.start, f"默认：填表日期所在的专项排查“{campaign.name}”的开始日期"
    return as_of.replace(month=1, day=1), "默认：填表日期所在年度的1月1日（未开展专项排查）"


def period_start(org, as_of: datetime.date) -> datetime.date:
    """S when the user picks none (period_start_and_source)."""
    return period_start_and_source(org, as_of)[0]


def cohort_with_letters(members, *, start: datetime.date, as_of: datetime.date):
    """The members of A (evidence.selectors.lost_cohort) annotated with `letter`, their column
    on the fill date."""
    from paicha.cases.models import LostContactCase
    from paicha.evidence.models import EvidenceGap
    from paicha.evidence.selectors import lost_cohort

    latest_case = (
        LostContactCase.objects.filter(member=OuterRef("pk"), opened_on__lte=as_of)
        .order_by("-opened_on", "-pk")
        .annotate(letter=letter_of_case(as_of))
        .values("letter")[:1]
    )
    still_lost = EvidenceGap.objects.filter(member=OuterRef("pk"), over_on__lte=as_of).filter(
        Q(until__isnull=True) | Q(until__gt=as_of)
    )
    return (
        lost_cohort(members, start=start, end=as_of)
        .annotate(
            _case=Subquery(latest_case, output_field=CharField()),
            _lost=Exists(still_lost),
        )
        .annotate(
            letter=Case(
                When(_case__isnull=False, then=F("_case")),
                When(status=MemberStatus.DECEASED, status_date__lte=as_of, then=Value("X")),
                When(_lost=False, then=Value("N")),
                default=Value("W"),
                output_field=CharField(),
            )
        )
    )


@register
class DispositionStatistics(FormDeclaration):
    slug = "attachment5-by-unit"
    convention = EXCLUSIVE
    view_label = "（按下级党组织分列）"
    title = "与党组织失去联系党员规范管理和组织处置有关情况统计表"
    seed = "004"
    header_fields = ("负责领导（签字）",)
    footer_fields = ("填表人", "联系电话", "填报单位（盖章）", "填报日期")
    has_period = True
    notes_title = "备注："
    notes = """1.表内关系：A＝B+O+X；B＝C+G+M+N；G＝H+I+J+K+L；O＝P+S+V+W；P＝Q+R；S=T+U；
2.在经查找取得联系的党员中，给予开除党籍以外的其他党纪处分的数量，统计在“纳入组织管理人数”（C）项中；
3.目前仍未取得联系的党员中“开除党籍人数”（V）项，应为依据《中国共产党员纪律处分条例》第三十六条规定，党组织作出开除党籍决定的。"""
    columns = [
        Column("unit", "填报单位", width=22),
        Column("time", "统计时间", width=16),
        _col("A", "超过六个月未与党组织联系的党员总数"),
        _col("B", "总数", CONTACTED),
        _col("C", "", CONTACTED, MANAGED),
        _col("D", "保留组织关系人数", CONTACTED, MANAGED),
        _col("E", "停止党籍人数", CONTACTED, MANAGED),
        _col("F", "限期改正人数", CONTACTED, MANAGED),
        _col("G", "", CONTACTED, REMOVED),
        _col("H", "劝退或劝而不退除名人数", CONTACTED, REMOVED),
        _col("I", "自行脱党除名人数", CONTACTED, REMOVED),
        _col("J", "退党除名人数", CONTACTED, REMOVED),
        _col("K", "不予承认党员资格人数", CONTACTED, REMOVED),
        _col("L", "取消预备党员资格人数", CONTACTED, REMOVED),
        _col("M", "开除党籍人数", CONTACTED),
        _col("N", "目前尚在调查核实人数", CONTACTED),
        _col("O", "总数", NOT_CONTACTED),
        _col("P", "", NOT_CONTACTED, REMOVED),
        _col("Q", "自行脱党除名人数", NOT_CONTACTED, REMOVED),
        _col("R", "取消预备党员资格人数", NOT_CONTACTED, REMOVED),
        _col("S", "", NOT_CONTACTED, "停止党籍人数"),
        _col("T", "确定无法取得联系而停止党籍人数", NOT_CONTACTED, "停止党籍人数"),
        _col("U", "因出国（境）定居而停止党籍人数", NOT_CONTACTED, "停止党籍人数"),
        _col("V", "开除党籍人数", NOT_CONTACTED),
        _col("W", "尚在查找联系人数", NOT_CONTACTED),
        _col("X", "确认已死亡的人数"),
    ]

    def header_values(self, *, org, as_of, user=None):
        return {"负责领导（签字）": ""}

    def default_period_start(self, *, org, as_of):
        return period_start_and_source(org, as_of)

    def footer_values(self, *, org, as_of, user=None):
        from paicha.core.dates import format_cn_date

        values = super().footer_values(org=org, as_of=as_of, user=user)
        return {**values, "填报单位（盖章）": org.name, "填报日期": format_cn_date(as_of)}

    def counts_by_child(self, *, org, as_of, start) -> dict[str, dict[str, int]]:
        """{child path (or the organization's own path): {leaf letter: count}}.

        A is read from the stretches (evidence.selectors.lost_cohort_members) and the letter
        of each member's latest case opened by D from one query over those cases, so the
        province's figures take three queries and no lookup per member; `members_behind`
        reaches the same members through `cohort_with_letters` (tested to agree)."""
        from paicha.cases.models import LostContactCase
        from paicha.evidence.selectors import cohort_stretches, lost_cohort_members

        cohort = lost_cohort_members(org, start=start, end=as_of)
        # Ascending, so each member's latest case (opened last, then created last) wins.
        case_letters = dict(
            LostContactCase.objects.filter(
                opened_on__lte=as_of,
                member_id__in=cohort_stretches(org, start=start, end=as_of).values("member_id"),
            )
            .annotate(letter=letter_of_case(as_of))
            .order_by("member_id", "opened_on", "pk")
            .values_list("member_id", "letter")
        )
        width = len(org.path) + SEGMENT_WIDTH
        dead, still = cohort.dead, cohort.still_lost
        tally = Counter(
            (
                path[:width],
                case_letters.get(member_id)
                or ("X" if member_id in dead else "W" if member_id in still else "N"),
            )
            for member_id, path in cohort.paths.items()
        )
        counts: dict[str, dict[str, int]] = {}
        for (child, letter), n in tally.items():
            counts.setdefault(child, {})[letter] = n
        return counts

    def rows(self, *, org, as_of, start=None):
        start = start or period_start(org, as_of)
        period = f"{format_cn_date(start)}至{format_cn_date(as_of)}"
        counts = self.counts_by_child(org=org, as_of=as_of, start=start)
        children = {c.path: c for c in Organization.objects.filter(parent=org).order_by("path")}
        rows = []
        for path, child in children.items():
            if child.is_active or path in counts:
                rows.append(
                    {
                        "unit": child.name,
                        "unit_code": child.code,
                        "time": period,
                        **complete_row(counts.get(path, {})),
                    }
                )
        if org.path in counts:
            rows.append(
                {
                    "unit": f"{org.name}（本级）",
                    "unit_code": org.code,
                    "own": True,
                    "time": period,
                    **complete_row(counts[org.path]),
                }
            )
        total = {letter: 0 for letter in "ABCDEFGHIJKLMNOPQRSTUVWX"}
        for row in rows:
            for letter in total:
                total[letter] += row[letter]
        rows.append(
            {
                "unit": "合计",
                "unit_code": org.code,
                "total": True,
                "time": period,
                "start": start,
                **total,
            }
        )
        return rows

    def cohort_check(self, total: dict, *, org, as_of, start) -> list[Check]:
        """A against the evidence by a second path: every member 超过六个月 on S and on D by
        the rule (evidence.selectors.lost_members_by_rule, without the derived stretches) is in
        A, so A is at least the number of either."""
        from paicha.evidence.selectors import lost_members_by_rule
        from paicha.members.models import Member

        found = []
        for day, label in ((start, "统计起始日"), (as_of, "填报日期")):
            n = lost_members_by_rule(
                Member.objects.in_subtree(org), as_of=day, exclusive=True
            ).count()
            ok = total["A"] >= n
            found.append(
                Check(
                    rule=f"A≥{label}超过六个月未联系的党员数（按证据另行计算）",
                    where=total["unit"],
                    ok=ok,
                    detail="" if ok else f"A={total['A']}，{format_cn_date(day)}按证据计算为{n}",
                )
            )
        return found

    def checks(self, rows, *, org, as_of):
        found = []
        for row in rows:
            for total, parts in RULES:
                expected = sum(row[p] for p in parts)
                found.append(
                    Check(
                        rule=f"{total}＝{'+'.join(parts)}",
                        where=row["unit"],
                        ok=row[total] == expected,
                        detail=""
                        if row[total] == expected
                        else f"{total}={row[total]}，{'+'.join(parts)}={expected}",
                    )
                )
            managed = sum(row[p] for p in MANAGED_PARTS)
            found.append(
                Check(
                    rule="C≥D+E+F",
                    where=row["unit"],
                    ok=row["C"] >= managed,
                    detail="" if row["C"] >= managed else f"C={row['C']}，D+E+F={managed}",
                )
            )
        return found

    has_evidence_checks = True

    def evidence_checks(self, rows, *, org, as_of):
        total = next((r for r in rows if r.get("total") and r.get("start")), None)
        if total is None:
            return []
        return self.cohort_check(total, org=org, as_of=as_of, start=total["start"])

    def link(self, row, column):
        if column.letter and row.get(column.key):
            return {
                "row": row["unit_code"],
                "col": column.letter,
                **({"own": "1"} if row.get("own") else {}),
            }
        return None

    def members_behind(
        self, *, org, as_of, row_code: str, letter: str, own: bool = False, start=None
    ):
        """The members counted in one cell, for the drill-down."""
        from paicha.members.models import Member

        unit = Organization.objects.get(code=row_code)
        members = Member.objects.in_subtree(unit)
        if own:
            members = members.filter(org_path=unit.path)
        leaves = {
            "C": "CDEF",
            "G": "HIJKL",
            "P": "QR",
            "S": "TU",
            "B": "CDEFHIJKLMN",
            "O": "QRTUVW",
            "A": "CDEFHIJKLMNQRTUVWX",
        }.get(letter, letter)
        cohort = cohort_with_letters(members, start=start or period_start(org, as_of), as_of=as_of)
        return Member.objects.filter(pk__in=cohort.filter(letter__in=list(leaves)).values("pk"))
