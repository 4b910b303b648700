"""附件5 (seed 004): 与党组织失去联系党员规范管理和组织处置有关情况统计表, A–X.

Computed from the cases, never typed. Each case of the subtree opened by the fill date counts
once, in the column of where it stands on that date:
- its disposition, once that has taken effect (its category code is the column letter);
- otherwise 确认已死亡 (X) when death was confirmed, 尚在调查核实 (N) when contact was
  regained, and 尚在查找联系 (W) while searching or found unreachable.
The "of which" and total columns are then sums, so A = B+O+X … hold by construction for a
computed row; the checks matter for rows rolled up from submissions.

The seed's table has one row per 统计时间 (disposition_sheets.DispositionSheet prints it so);
this second view has one per child organization (and the organization's own cases, "本级") plus
合计, so a 填报单位 column stands before 统计时间.
"""

from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.db.models.functions import Substr

from paicha.codes import CaseOutcome, DispositionState
from paicha.organizations.models import Organization
from paicha.organizations.tree import SEGMENT_WIDTH

from ..declarations import Check, Column, FormDeclaration, register

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
    """The column letter of a case on the fill date, as a database expression."""
    return Case(
        When(Q(disposition__state=DispositionState.EFFECTIVE,
               disposition__effective_on__lte=as_of), then=F("disposition__category")),
        When(Q(outcome=CaseOutcome.DECEASED, outcome_on__lte=as_of), then=Value("X")),
        When(Q(outcome=CaseOutcome.REGAINED, outcome_on__lte=as_of), then=Value("N")),
        default=Value("W"), output_field=CharField(),
    )


@register
class DispositionStatistics(FormDeclaration):
    slug = "attachment5-by-unit"
    view_label = "（按下级党组织分列）"
    title = "与党组织失去联系党员规范管理和组织处置有关情况统计表"
    seed = "004"
    header_fields = ("负责领导（签字）",)
    footer_fields = ("填表人", "联系电话", "填报单位（盖章）", "填报日期")
    notes_title = "备注："
    notes = """1.表内关系：A＝B+O+X；B＝C+G+M+N；G＝H+I+J+K+L；O＝P+S+V+W；P＝Q+R；S=T+U；
2.在经查找取得联系的党员中，给予开除党籍以外的其他党纪处分的数量，统计在“纳入组织管理人数”（C）项中；
3.目前仍未取得联系的党员中“开除党籍人数”（V）项，应为依据《中国共产党员纪律处分条例》第三十六条规定，党组织作出开除党籍决定的。"""
    columns = [
        Column("unit", "填报单位", width=22),
        Column("time", "统计时间", kind="date", width=13),
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

    def footer_values(self, *, org, as_of, user=None):
        from paicha.core.dates import format_cn_date

        values = super().footer_values(org=org, as_of=as_of, user=user)
        return {**values, "填报单位（盖章）": org.name, "填报日期": format_cn_date(as_of)}

    def counts_by_child(self, *, org, as_of) -> dict[str, dict[str, int]]:
        """{child path (or the organization's own path): {leaf letter: count}} in one query."""
        from paicha.cases.models import LostContactCase

        child_length = len(org.path) + SEGMENT_WIDTH
        grouped = (LostContactCase.objects.in_subtree(org).filter(opened_on__lte=as_of)
                   .annotate(child=Substr("org_path", 1, child_length), letter=letter_of_case(as_of))
                   .values("child", "letter").annotate(n=Count("id")).order_by())
        counts: dict[str, dict[str, int]] = {}
        for item in grouped:
            counts.setdefault(item["child"], {})[item["letter"]] = item["n"]
        return counts

    def rows(self, *, org, as_of):
        counts = self.counts_by_child(org=org, as_of=as_of)
        children = {c.path: c for c in Organization.objects.filter(parent=org).order_by("path")}
        rows = []
        for path, child in children.items():
            if child.is_active or path in counts:
                rows.append({"unit": child.name, "unit_code": child.code, "time": as_of,
                             **complete_row(counts.get(path, {}))})
        if org.path in counts:
            rows.append({"unit": f"{org.name}（本级）", "unit_code": org.code, "own": True,
                         "time": as_of, **complete_row(counts[org.path])})
        total = {letter: 0 for letter in "ABCDEFGHIJKLMNOPQRSTUVWX"}
        for row in rows:
            for letter in total:
                total[letter] += row[letter]
        rows.append({"unit": "合计", "unit_code": org.code, "total": True, "time": as_of, **total})
        return rows

    def checks(self, rows, *, org, as_of):
        found = []
        for row in rows:
            for total, parts in RULES:
                expected = sum(row[p] for p in parts)
                found.append(Check(
                    rule=f"{total}＝{'+'.join(parts)}", where=row["unit"], ok=row[total] == expected,
                    detail="" if row[total] == expected else f"{total}={row[total]}，{'+'.join(parts)}={expected}"))
            managed = sum(row[p] for p in MANAGED_PARTS)
            found.append(Check(rule="C≥D+E+F", where=row["unit"], ok=row["C"] >= managed,
                               detail="" if row["C"] >= managed else f"C={row['C']}，D+E+F={managed}"))
        return found

    def link(self, row, column):
        if column.letter and row.get(column.key):
            return {"row": row["unit_code"], "col": column.letter,
                    **({"own": "1"} if row.get("own") else {})}
        return None

    def members_behind(self, *, org, as_of, row_code: str, letter: str, own: bool = False):
        """The members counted in one cell, for the drill-down."""
        from paicha.cases.models import LostContactCase
        from paicha.members.models import Member

        unit = Organization.objects.get(code=row_code)
        cases = LostContactCase.objects.in_subtree(unit).filter(opened_on__lte=as_of)
        if own:
            cases = cases.filter(org_path=unit.path)
        leaves = {"C": "CDEF", "G": "HIJKL", "P": "QR", "S": "TU", "B": "CDEFHIJKLMN",
                  "O": "QRTUVW", "A": "CDEFHIJKLMNQRTUVWX"}.get(letter, letter)
        cases = cases.annotate(letter=letter_of_case(as_of)).filter(letter__in=list(leaves))
        return Member.objects.filter(pk__in=cases.values("member_id"))
