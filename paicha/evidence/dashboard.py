"""What the 失联 list and the dashboard show beside the selectors: the 党章 第九条 clocks, the
monthly trend, the counts by branch and by 失联原因, each with the address of its drill-down."""

from __future__ import annotations

import datetime
from collections import Counter
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.urls import reverse

from paicha.codes import LossReason, MemberStatus
from paicha.core.dates import add_months, format_cn_date, months_between

from . import searches, selectors

TREND_MONTHS = 12
BRANCHES_PER_PAGE = 50


# ---- 党章 第九条: three clocks, shown, never deciding --------------------------------------------


def three_clocks(row, *, as_of: datetime.date) -> list[dict]:
    """The three six-month clocks of 党章 第九条 for a member annotated with the last evidence
    (and, when present, dues arrears): months without 组织生活, months of 党费 unpaid, and the
    assigned work the system does not record. With the possible good reasons (正当理由) known
    to the system. Information for the branch: nothing is decided from them."""
    start = getattr(row, "branch_entry_date", None) or getattr(row, "join_date", None)
    life_from = getattr(row, "last_org_life", None) or start
    life = months_between(life_from, as_of) if life_from else None
    arrears = getattr(row, "months_in_arrears", None)
    if arrears is None and getattr(row, "last_dues", None):
        arrears = months_between(row.last_dues, as_of)
    reasons = []
    if row.status == MemberStatus.RETAINED:
        reasons.append("出国（境）保留组织关系")
    if row.flowing:
        reasons.append(f"流动党员{('：' + row.flow_destination) if row.flow_destination else ''}")
    if getattr(row, "last_excuse", None):
        reasons.append(f"请假：{row.last_excuse}")
    return [
        {
            "label": "组织生活",
            "months": life,
            "over": life is not None and life >= 6,
            "since": life_from,
        },
        {
            "label": "党费",
            "months": arrears,
            "over": arrears is not None and arrears >= 6,
            "since": getattr(row, "dues_paid_to", None) or getattr(row, "last_dues", None),
        },
        {
            "label": "党组织分配的工作",
            "months": None,
            "over": False,
            "since": None,
            "note": "系统不记录，由支部据实了解",
        },
        {"label": "可能的正当理由", "reasons": reasons},
    ]


def with_clocks(rows, *, as_of: datetime.date) -> list:
    rows = list(rows)
    for row in rows:
        row.clocks = three_clocks(row, as_of=as_of)
    return rows


# ---- Dashboard -----------------------------------------------------------------------------------


def _url(name: str, *args, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{reverse(name, args=args)}?{query}"


def month_points(as_of: datetime.date, n: int = TREND_MONTHS) -> list[datetime.date]:
    """as_of and the same day of the n−1 months before it, oldest first (clamped)."""
    return [add_months(as_of, -k) for k in range(n - 1, -1, -1)]


def counts_by_branch(members, *, org, as_of: datetime.date) -> dict[str, Counter]:
    """Organization id → 在册党员, 失联, 无记录待核实 on as_of of org's subtree (`members`, its
    scoped queryset): the roster grouped on its index, the lost and 无记录待核实 read from
    their stretches (which name the member's organization) without a lookup per member."""
    return {
        "members": Counter(selectors.roster_count_by_org(members, as_of=as_of)),
        "lost": Counter(
            selectors.lost_stretches(org, as_of=as_of).values_list("organization_id", flat=True)
        ),
        "unverified": Counter(
            selectors.unverified_stretches(org, as_of=as_of).values_list(
                "organization_id", flat=True
            )
        ),
    }


def dashboard_data(members, *, org, as_of: datetime.date, page_number=None) -> dict:
    """Counts for the subtree's members (a scoped queryset): totals, the trend over the last
    12 months, by branch (page `page_number` of the table, BRANCHES_PER_PAGE a page, most
    失联 first), by 失联原因 (from the cases). The check against the home page is not here:
    it counts everything again by another path, so the page loads it after (`home_check`)."""
    # The branch of each lost / uncontrolled member, once: the totals and the table by branch.
    by_branch = counts_by_branch(members, org=org, as_of=as_of)
    roster, lost, unverified = by_branch["members"], by_branch["lost"], by_branch["unverified"]
    uncontrolled = Counter(
        selectors.uncontrolled_members(members, as_of=as_of).values_list(
            "organization_id", flat=True
        )
    )
    d = as_of.isoformat()
    totals = {
        "members": sum(roster.values()),
        "lost": sum(lost.values()),
        "uncontrolled": sum(uncontrolled.values()),
        "unverified": sum(unverified.values()),
        "members_url": _url("members:list", org=org.code),
        "lost_url": _url("evidence:lost", org=org.code, as_of=d),
        "uncontrolled_url": _url("evidence:uncontrolled", org=org.code, as_of=d),
    }
    trend = []
    days = month_points(as_of)
    # Each series in one pass over the subtree's stretches and absences, not one per month.
    lost_by_day = selectors.lost_counts_by_day(org, days)
    uncontrolled_by_day = selectors.uncontrolled_counts_on(members, days)
    for day, n_lost, n_uncontrolled in zip(days, lost_by_day, uncontrolled_by_day):
        trend.append(
            {
                "date": day,
                "lost": n_lost,
                "uncontrolled": n_uncontrolled,
                "lost_url": _url("evidence:lost", org=org.code, as_of=day.isoformat()),
                "uncontrolled_url": _url(
                    "evidence:uncontrolled", org=org.code, as_of=day.isoformat()
                ),
            }
        )

    counts = {
        "members": roster,
        "lost": lost,
        "uncontrolled": uncontrolled,
        "unverified": unverified,
    }
    from paicha.organizations.models import Organization

    # Every organization holding members is ranked (most 失联 first); only the rows shown —
    # the page of the table and the chart's first 20 — are built with their links.
    paths = {pk: path for pk, path in selectors.org_paths(members) if pk in counts["members"]}
    ranked = sorted(paths, key=lambda pk: (-lost.get(pk, 0), -uncontrolled.get(pk, 0), paths[pk]))
    page = Paginator(ranked, BRANCHES_PER_PAGE).get_page(page_number)
    shown = {*page.object_list, *ranked[:20]}
    orgs = Organization.objects.in_bulk(list(shown))
    built = {}
    for pk in shown:
        branch = orgs[pk]
        built[pk] = {
            "org": branch,
            **{k: v.get(pk, 0) for k, v in counts.items()},
            "lost_url": _url("evidence:lost", org=branch.code, as_of=d),
            "uncontrolled_url": _url("evidence:uncontrolled", org=branch.code, as_of=d),
            "members_url": _url("members:list", org=branch.code),
        }
    branches = [built[pk] for pk in page.object_list]
    top = [built[pk] for pk in ranked[:20]]

    found = searches.searches().counts_by_reason(org=org, as_of=as_of)
    reasons = [
        {
            "code": c.value,
            "label": f"{LossReason.circled(c.value)}{c.label}",
            "n": found.get(c.value, 0),
            "url": _url("evidence:by_reason", c.value, org=org.code, as_of=d),
        }
        for c in LossReason
    ]
    return {
        "totals": totals,
        "trend": trend,
        "branches": branches,
        "page": page,
        "reasons": reasons,
        "chart": {
            "trend": {
                "dates": [format_cn_date(p["date"]) for p in trend],
                "lost": [p["lost"] for p in trend],
                "uncontrolled": [p["uncontrolled"] for p in trend],
                "lost_urls": [p["lost_url"] for p in trend],
                "uncontrolled_urls": [p["uncontrolled_url"] for p in trend],
            },
            "branches": {
                "names": [r["org"].name for r in top],
                "lost": [r["lost"] for r in top],
                "uncontrolled": [r["uncontrolled"] for r in top],
                "urls": [r["lost_url"] for r in top],
            },
            "reasons": [
                {"name": r["label"], "value": r["n"], "url": r["url"]} for r in reasons or []
            ],
        },
    }


def reason_label(code: str) -> str:
    return f"{LossReason.circled(code)}{LossReason(code).label}"


def branch_totals(members, *, org, as_of: datetime.date) -> dict[str, int]:
    """The dashboard's totals: the sums of its branches' counts."""
    return {
        key: sum(counts.values())
        for key, counts in counts_by_branch(members, org=org, as_of=as_of).items()
    }


def home_check(totals: dict, members, *, as_of: datetime.date) -> list[dict]:
    """The dashboard's totals (sums of its branches, read from the stretches) against the home
    page's counts (one count over the whole subtree, by the members' own rows,
    selectors.roster_counts) on the same day: they must agree."""
    home = selectors.roster_counts(members, as_of=as_of)
    labels = {"members": "在册党员", "lost": "失联党员", "unverified": "无记录待核实"}
    return [
        {
            "label": label,
            "dashboard": totals[key],
            "home": home[key],
            "ok": totals[key] == home[key],
        }
        for key, label in labels.items()
    ]


def cases_by_reason(user, *, org, as_of: datetime.date, reason: str):
    return searches.searches().cases_by_reason(user, org=org, as_of=as_of, reason=reason)
