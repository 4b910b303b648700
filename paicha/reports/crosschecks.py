"""Cross-checks between reports: the summaries must agree with the registers they summarize."""

import datetime

from .declarations import Check, get_form


def cross_checks(*, org, as_of: datetime.date) -> list[Check]:
    """附件3 and 附件5 totals against the registers' row counts, each failure saying where."""
    regained = len(get_form("regained-register").rows(org=org, as_of=as_of))
    unreachable = len(get_form("unreachable-register").rows(org=org, as_of=as_of))
    still_lost = len(get_form("lost-roster").rows(org=org, as_of=as_of))
    summary = {row["item"]: row["total"] for row in get_form("attachment3").rows(org=org, as_of=as_of)}
    total = get_form("attachment5").rows(org=org, as_of=as_of)[-1]

    def check(rule, where, left, right):
        return Check(rule=rule, where=where, ok=left == right,
                     detail="" if left == right else f"{left} ≠ {right}")

    return [
        check("附件3“经查找取得联系党员”总数＝《经查找取得联系党员登记表》人数",
              "附件3 第2行 / 经查找取得联系党员登记表", summary["经查找取得联系党员"], regained),
        check("附件3“经查找仍然无法取得联系党员”总数＝《经查找仍然无法取得联系党员登记表》人数",
              "附件3 第3行 / 经查找仍然无法取得联系党员登记表", summary["经查找仍然无法取得联系党员"],
              unreachable),
        check("附件5 B＝《经查找取得联系党员登记表》人数", "附件5 合计行 B 栏 / 登记表",
              total["B"], regained),
        check("附件5 O＝《失联党员名册》人数", "附件5 合计行 O 栏 / 失联党员名册", total["O"],
              still_lost),
        check("附件5 A＝附件3“排查前在册失联党员”总数", "附件5 合计行 A 栏 / 附件3 第1行",
              total["A"], summary["排查前在册失联党员"]),
    ]
