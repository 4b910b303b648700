"""Cross-checks: each compares one figure reached by two different paths.

- 附件3 rows 2 and 3 (counted by one aggregate query over the cases) against the number of
  rows the registers 附件1 / 附件2 list (built row by row from their own query);
- every band group of 附件3 against its 总数 (the form's own checks: the bands are separate
  conditions, the total counts every record);
- 回执统计 (one aggregate query) against the transfer list of the same subtree, classified here
  one transfer at a time;
- 附件5 A (the cohort of its period, from the derived EvidenceGap stretches) against the members
  超过六个月 on its first and last day counted straight from the evidence tables;
- the home page's counts (one count each over the subtree) against the dashboard's totals (the
  sums of its branches).

A check never compares a value with itself: the two sides never share the query that makes
them, so a mistake in either shows.
"""

import datetime

from paicha.codes import ProvinceScope, StudentLevel, TransferDirection, TransferState

from .declarations import Check, get_form


def _check(rule: str, where: str, left, right) -> Check:
    return Check(
        rule=rule,
        where=where,
        ok=left == right,
        detail="" if left == right else f"{left} ≠ {right}",
    )


def summary_register_checks(*, org, as_of: datetime.date, summary_rows=None) -> list[Check]:
    """附件3's row totals against the registers' rows."""
    summary_rows = summary_rows or get_form("attachment3").rows(org=org, as_of=as_of)
    totals = {row["item"]: row["total"] for row in summary_rows}
    regained = len(get_form("regained-register").rows(org=org, as_of=as_of))
    unreachable = len(get_form("unreachable-register").rows(org=org, as_of=as_of))
    return [
        _check(
            "附件3“经查找取得联系党员”总数＝《经查找取得联系党员登记表》人数",
            "附件3 第2行 / 经查找取得联系党员登记表",
            totals["经查找取得联系党员"],
            regained,
        ),
        _check(
            "附件3“经查找仍然无法取得联系党员”总数＝《经查找仍然无法取得联系党员登记表》人数",
            "附件3 第3行 / 经查找仍然无法取得联系党员登记表",
            totals["经查找仍然无法取得联系党员"],
            unreachable,
        ),
    ]


RECEIPT_ROW_OF = {TransferDirection.IN: "转入组织关系数", TransferDirection.OUT: "转出组织关系数"}
STUDENT_COLUMN = {
    StudentLevel.POSTGRADUATE: "研究生",
    StudentLevel.UNDERGRADUATE: "本科生",
    StudentLevel.JUNIOR_COLLEGE: "专科生",
}
SCOPE_COLUMN = {ProvinceScope.WITHIN: "省内", ProvinceScope.OUTSIDE: "省外"}
RECEIPT_COUNTS = ("总数", "研究生", "本科生", "专科生", "省内", "省外", "回执收（寄）数")


def receipt_statistics_from_list(*, org, as_of: datetime.date) -> dict[str, dict[str, int]]:
    """回执统计 recounted from the transfer list of org's subtree (every transfer of the year,
    the list's own query), one transfer at a time, with the rules written out again: a letter
    dated after as_of, or sent back by then, does not count; a receipt counts once dated."""
    from paicha.transfers.models import Transfer

    rows = {label: dict.fromkeys(RECEIPT_COUNTS, 0) for label in RECEIPT_ROW_OF.values()}
    listed = (
        Transfer.objects.in_subtree(org)
        .filter(letter_date__year=as_of.year)
        .values_list(
            "direction",
            "letter_date",
            "state",
            "refused_date",
            "receipt_date",
            "province_scope",
            "member__student_level",
        )
    )
    for direction, letter, state, refused, receipt, scope, level in listed:
        if letter > as_of or (state == TransferState.REFUSED and refused and refused <= as_of):
            continue
        row = rows[RECEIPT_ROW_OF[direction]]
        row["总数"] += 1
        if level in STUDENT_COLUMN:
            row[STUDENT_COLUMN[level]] += 1
        if scope in SCOPE_COLUMN:
            row[SCOPE_COLUMN[scope]] += 1
        if receipt is not None and receipt <= as_of:
            row["回执收（寄）数"] += 1
    return rows


def receipt_statistics_checks(rows: list[dict], *, org, as_of: datetime.date) -> list[Check]:
    """The 回执统计 form's rows against the transfer list, cell by cell."""
    listed = receipt_statistics_from_list(org=org, as_of=as_of)
    found = []
    for row in rows:
        label = row["项目"]
        differ = [
            f"{column} {row[column]} ≠ 列表 {listed[label][column]}"
            for column in RECEIPT_COUNTS
            if row[column] != listed[label][column]
        ]
        found.append(
            Check(
                rule=f"“{label}”各栏＝组织关系转接列表的统计",
                where=f"回执情况统计表 {label}",
                ok=not differ,
                detail="；".join(differ),
            )
        )
    return found


def attachment5_checks(*, org, as_of: datetime.date) -> list[Check]:
    """附件5 A of the default period against the evidence (the form's cohort check)."""
    form = get_form("attachment5")
    (total,) = form.rows(org=org, as_of=as_of)
    checks = form.cohort_check(total, org=org, as_of=as_of, start=total["start"])
    for check in checks:
        check.where = f"附件5 A（{total['time']}） / 按证据另行计算"
    return checks


HOME_COUNTS = (("members", "在册党员"), ("lost", "失联党员"), ("unverified", "无记录待核实"))


def home_dashboard_checks(*, org, as_of: datetime.date) -> list[Check]:
    """The home page's 在册党员, 失联党员 and 无记录待核实 (evidence.selectors.roster_counts)
    against the dashboard's totals (evidence.dashboard.branch_totals), for org's subtree."""
    from paicha.evidence import dashboard, selectors
    from paicha.members.models import Member

    members = Member.objects.in_subtree(org)
    home = selectors.roster_counts(members, as_of=as_of)
    totals = dashboard.branch_totals(members, org=org, as_of=as_of)
    return [
        _check(
            f"首页“{label}”＝统计看板“{label}”（各党支部之和）",
            "首页 / 统计看板",
            home[key],
            totals[key],
        )
        for key, label in HOME_COUNTS
    ]


def cross_checks(*, org, as_of: datetime.date) -> list[Check]:
    """Every cross-check of the reports for org's subtree on the fill date, each failure saying
    where."""
    summary = get_form("attachment3")
    summary_rows = summary.rows(org=org, as_of=as_of)
    receipts = get_form("receipt-statistics")
    return [
        *summary_register_checks(org=org, as_of=as_of, summary_rows=summary_rows),
        *summary.checks(summary_rows, org=org, as_of=as_of),
        *receipts.checks(receipts.rows(org=org, as_of=as_of), org=org, as_of=as_of),
        *attachment5_checks(org=org, as_of=as_of),
        *home_dashboard_checks(org=org, as_of=as_of),
    ]
