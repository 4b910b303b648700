"""Reads of the campaigns app: who sees which campaign, due dates, the board, reminders, rollup.

Nothing here reads the clock: every rule about lateness takes `as_of`.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.http import Http404

from paicha.codes import OrgKind
from paicha.core.dates import add_months
from paicha.organizations.models import Organization
from paicha.organizations.scope import NOWHERE, scope_path
from paicha.organizations.tree import SEGMENT_WIDTH, is_in_subtree, subtree_q

from .choices import CampaignStatus, Level, Recurrence, SubmissionStatus
from .models import Campaign, RequiredForm, Step, StepProgress, Submission

# ---- scope ------------------------------------------------------------------------------------


def campaigns_for_user(user):
    """Campaigns set above or at the user's organization (they apply to it) or inside its
    subtree (the user oversees them); nothing of another tree."""
    path = scope_path(user)
    if path == NOWHERE:
        return Campaign.objects.none()
    ancestors = [path[:i] for i in range(SEGMENT_WIDTH, len(path) + 1, SEGMENT_WIDTH)]
    return Campaign.objects.filter(Q(org_path__in=ancestors) | subtree_q(path))


def get_campaign_for_user(user, pk: int) -> Campaign:
    campaign = campaigns_for_user(user).select_related("organization").filter(pk=pk).first()
    if campaign is None:
        raise Http404("没有找到该排查工作，或不在您的管理范围内")
    return campaign


def get_submission_for_user(user, campaign: Campaign, pk: int) -> Submission:
    submission = (
        Submission.objects.visible_to(user)
        .filter(campaign=campaign, pk=pk)
        .select_related("organization", "submitted_by", "reviewed_by")
        .first()
    )
    if submission is None:
        raise Http404("没有找到该上报记录，或不在您的管理范围内")
    return submission


def acting_org(user, campaign: Campaign) -> Organization | None:
    """The organization the user works for in this campaign, if it takes part in it."""
    org = getattr(user, "organization", None)
    if org is not None and is_in_subtree(org.path, campaign.org_path):
        return org
    return None


def level_of(org: Organization, campaign: Campaign) -> str:
    if org.pk == campaign.organization_id or org.kind in (
        OrgKind.DEPARTMENT,
        OrgKind.WORK_COMMITTEE,
    ):
        return Level.DEPARTMENT
    if org.kind == OrgKind.BRANCH:
        return Level.BRANCH
    return Level.COMMITTEE


def campaign_orgs(campaign: Campaign, root: Organization | None = None):
    """Active organizations of the campaign under `root` (default: the whole campaign)."""
    base = (
        root
        if root is not None and is_in_subtree(root.path, campaign.org_path)
        else campaign.organization
    )
    return Organization.objects.subtree(base).filter(is_active=True)


# ---- dates ------------------------------------------------------------------------------------


def month_end(d: datetime.date) -> datetime.date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def plan_date(
    start: datetime.date,
    month_day: tuple[int, int] | None,
    *,
    origin: tuple[int, int] = (2016, 1),
    keep: bool = False,
) -> datetime.date | None:
    """A template's (month, day) of the document's year, for a campaign starting on `start`.

    `origin` is the (year, month) the document's campaign starts. With `keep` the document's
    own date is returned; otherwise it moves by the months between `origin` and the start
    month: a campaign from a January template starting in September has the 2月底 deadline at
    the end of October (day 0 is the month's last day; a day past the month's end becomes its
    last day)."""
    if month_day is None:
        return None
    month, day = month_day
    shift = 0 if keep else (start.year * 12 + start.month) - (origin[0] * 12 + origin[1])
    first = add_months(datetime.date(origin[0], month, 1), shift)
    last_day = calendar.monthrange(first.year, first.month)[1]
    return first.replace(day=min(day, last_day) if day else last_day)


def _campaigns_over(org: Organization, on: datetime.date):
    ancestors = [org.path[:i] for i in range(SEGMENT_WIDTH, len(org.path) + 1, SEGMENT_WIDTH)]
    return Campaign.objects.filter(org_path__in=ancestors, start__lte=on, end__gte=on)


def consult_required(org: Organization, *, on: datetime.date) -> bool:
    """Whether a campaign running over `org` on `on` has every 处置 discussed with the 上级党委
    组织部门 first (seed 001)."""
    return _campaigns_over(org, on).filter(consult_department=True).exists()


def notes_document_for(org: Organization, *, as_of: datetime.date) -> str:
    """The document whose 填表说明 the forms of `org` print on `as_of`: that of the latest
    campaign running over `org` on that date ("" when none runs)."""
    campaign = (
        _campaigns_over(org, as_of)
        .exclude(forms_document="")
        .order_by("-start", "-pk")
        .only("forms_document")
        .first()
    )
    return campaign.forms_document if campaign else ""


def all_due_dates(required: RequiredForm) -> list[datetime.date]:
    """Every due date of a required form over the whole campaign."""
    if required.recurrence == Recurrence.MONTHLY_END:
        campaign = required.campaign
        dates, d = [], month_end(campaign.start)
        while d <= month_end(campaign.end):
            dates.append(d)
            d = month_end(add_months(d.replace(day=1), 1))
        return dates
    return [required.deadline] if required.deadline else []


def due_dates(required: RequiredForm, *, as_of: datetime.date) -> list[datetime.date]:
    """Due dates that have come by `as_of`, plus the one of the period `as_of` falls in."""
    dates = all_due_dates(required)
    upcoming = [d for d in dates if d >= as_of]
    return [d for d in dates if d < as_of] + upcoming[:1]


def current_period(required: RequiredForm, *, as_of: datetime.date) -> datetime.date | None:
    """The due date of the period being worked on at `as_of` (the last one after the end)."""
    dates = due_dates(required, as_of=as_of)
    return dates[-1] if dates else None


# ---- submissions ------------------------------------------------------------------------------


def versions_of(campaign: Campaign, org: Organization, form_slug: str, period: datetime.date):
    return Submission.objects.filter(
        campaign=campaign, organization=org, form_slug=form_slug, period=period
    ).order_by("-version")


def latest_by_key(campaign: Campaign, orgs=None) -> dict[tuple, Submission]:
    """{(org id, slug, period): latest version} in one query."""
    qs = Submission.objects.filter(campaign=campaign).only(
        "id", "organization_id", "form_slug", "period", "version", "status", "submitted_at"
    )
    if orgs is not None:
        qs = qs.filter(organization__in=orgs)
    latest: dict[tuple, Submission] = {}
    for s in qs.order_by("version"):
        latest[(s.organization_id, s.form_slug, s.period)] = s
    return latest


def review_problem(user, submission: Submission) -> str | None:
    """Why `user` may not accept or return `submission` (None: may)."""
    from paicha.organizations.permissions import Perm, has_perm

    org = getattr(user, "organization", None)
    if org is None or not has_perm(user, Perm.REVIEW):
        return "您的角色没有审核上报报表的权限"
    if org.pk == submission.organization_id:
        return "不能审核本单位自己上报的报表，应由上级党组织审核"
    if not (
        is_in_subtree(submission.org_path, org.path)
        and is_in_subtree(org.path, submission.campaign.org_path)
    ):
        return "只有本次排查工作范围内的上级党组织才能审核该报表"
    return None


# ---- obligations, board and reminders ---------------------------------------------------------


@dataclass
class Due:
    """One thing an organization owes by a date: a step or a form for a period."""

    org: Organization
    kind: str  # "step" | "form"
    label: str
    due: datetime.date
    done: bool
    late: bool
    status: str = ""  # the latest submission's status label, for forms
    url_args: tuple = ()


def obligations(campaign: Campaign, orgs, *, as_of: datetime.date) -> list[Due]:
    """Steps and forms each of `orgs` owes in the campaign, up to the current periods."""
    orgs = list(orgs)
    steps = list(Step.objects.filter(phase__campaign=campaign).select_related("phase"))
    done = set(
        StepProgress.objects.filter(campaign=campaign, organization__in=orgs).values_list(
            "organization_id", "step_id"
        )
    )
    required = list(campaign.required_forms.all())
    latest = latest_by_key(campaign, orgs)
    items: list[Due] = []
    for org in orgs:
        level = level_of(org, campaign)
        for step in steps:
            if step.level != level or step.due is None:
                continue
            is_done = (org.pk, step.pk) in done
            items.append(
                Due(
                    org,
                    "step",
                    f"{step.order}、{step.text}",
                    step.due,
                    is_done,
                    late=not is_done and step.due < as_of,
                )
            )
        for rf in required:
            if rf.level != level:
                continue
            for period in due_dates(rf, as_of=as_of):
                sub = latest.get((org.pk, rf.form_slug, period))
                # A returned form counts as not handed in until it is resubmitted.
                handed_in = sub is not None and sub.status != SubmissionStatus.RETURNED
                items.append(
                    Due(
                        org,
                        "form",
                        rf.form_title,
                        period,
                        handed_in,
                        late=not handed_in and period < as_of,
                        status=sub.get_status_display() if sub else "未上报",
                        url_args=(rf.form_slug, period.isoformat()),
                    )
                )
    return items


@dataclass
class BoardRow:
    org: Organization
    steps_done: int = 0
    steps_total: int = 0
    submitted: int = 0
    accepted: int = 0
    returned: int = 0
    missing: int = 0
    late: int = 0
    late_items: list[Due] = field(default_factory=list)


def _level_code(kind: str, pk: int, campaign: Campaign) -> str:
    if pk == campaign.organization_id or kind in (OrgKind.DEPARTMENT, OrgKind.WORK_COMMITTEE):
        return Level.DEPARTMENT
    return Level.BRANCH if kind == OrgKind.BRANCH else Level.COMMITTEE


def subtree_status(
    campaign: Campaign, root: Organization, *, as_of: datetime.date
) -> dict[str, BoardRow]:
    """Counts for `root` itself and each child's whole subtree, keyed by the head's path.

    Plain tuples and grouped queries, never one object per organization and step: a
    province's board covers 200 thousand organizations.
    """
    root_len = len(root.path)

    def head(path: str) -> str:
        return path if len(path) == root_len else path[: root_len + SEGMENT_WIDTH]

    heads = {
        o.path: BoardRow(o)
        for o in [root, *campaign_orgs(campaign, root).filter(parent=root).order_by("path")]
    }
    child_len = root_len + SEGMENT_WIDTH
    # Organizations per head and level, grouped in the database; the root on its own (it may
    # be the campaign's owner, whose level is the department's whatever its kind).
    per_head_level: dict[str, dict[str, int]] = {p: {} for p in heads}
    per_head_level[root.path][level_of(root, campaign)] = 1
    for h, kind, n in (
        campaign_orgs(campaign, root)
        .filter(path__gt=root.path)
        .annotate(head=Substr("path", 1, child_len))
        .values_list("head", "kind")
        .annotate(n=Count("id"))
        .order_by()
    ):
        if h in per_head_level:
            level = _level_code(kind, 0, campaign)
            per_head_level[h][level] = per_head_level[h].get(level, 0) + n

    steps = list(Step.objects.filter(phase__campaign=campaign).select_related("phase"))
    past_steps = [s.pk for s in steps if s.due is not None and s.due < as_of]
    done = {p: 0 for p in heads}
    done_past = {p: 0 for p in heads}
    for h, n, n_past in (
        StepProgress.objects.filter(campaign=campaign)
        .filter(subtree_q(root.path))
        .annotate(head=Substr("org_path", 1, child_len))
        .values_list("head")
        .annotate(n=Count("id"), n_past=Count("id", filter=Q(step_id__in=past_steps or [0])))
        .order_by()
    ):
        if h in done:
            done[h], done_past[h] = n, n_past
    for path, row in heads.items():
        levels = per_head_level[path]
        row.steps_total = sum(levels.get(s.level, 0) for s in steps)
        row.steps_done = done[path]
        row.late = (
            sum(levels.get(s.level, 0) for s in steps if s.pk in past_steps) - done_past[path]
        )

    latest: dict[tuple, tuple] = {}
    for path, org_id, kind, slug, period, status in (
        Submission.objects.filter(campaign=campaign)
        .filter(subtree_q(root.path))
        .order_by("version")
        .values_list(
            "org_path", "organization_id", "organization__kind", "form_slug", "period", "status"
        )
    ):
        latest[(org_id, slug, period)] = (path, _level_code(kind, org_id, campaign), status)
    by_form: dict[tuple, list[tuple]] = {}
    for (_, slug, period), (path, level, status) in latest.items():
        by_form.setdefault((slug, period), []).append((level, path, status))
    for rf in campaign.required_forms.all():
        for period in due_dates(rf, as_of=as_of):
            handed = {p: 0 for p in heads}
            for path, row in heads.items():
                row.missing += per_head_level[path].get(rf.level, 0)
            for level, path, status in by_form.get((rf.form_slug, period), ()):
                h = head(path)
                if h not in heads or level != rf.level:
                    continue
                row = heads[h]
                row.missing -= 1
                if status == SubmissionStatus.ACCEPTED:
                    row.accepted += 1
                elif status == SubmissionStatus.SUBMITTED:
                    row.submitted += 1
                else:
                    row.returned += 1
                if status != SubmissionStatus.RETURNED:
                    handed[h] += 1
            if period < as_of:
                for path, row in heads.items():
                    row.late += per_head_level[path].get(rf.level, 0) - handed[path]
    return heads


def progress_board(
    campaign: Campaign, root: Organization, *, as_of: datetime.date
) -> list[BoardRow]:
    """One row per child of `root` (its whole subtree counted), and `root` itself first; rows
    of organizations without children list their late items."""
    rows = subtree_status(campaign, root, as_of=as_of)
    parents = set(
        Organization.objects.filter(parent__in=[r.org for r in rows.values()])
        .values_list("parent_id", flat=True)
        .distinct()
    )
    leaves = [
        r.org for r in rows.values() if r.late and (r.org.pk == root.pk or r.org.pk not in parents)
    ]
    if leaves:
        by_pk = {r.org.pk: r for r in rows.values()}
        for item in obligations(campaign, leaves, as_of=as_of):
            if item.late:
                by_pk[item.org.pk].late_items.append(item)
    return list(rows.values())


def reminders(user, *, as_of: datetime.date, days: int = 7) -> dict:
    """What the user's own organization owes this week and what it has let pass, and, for its
    subtree, which child organizations have late items (counted, not listed one by one)."""
    org = getattr(user, "organization", None)
    result = {"due_soon": [], "late": [], "children_late": [], "as_of": as_of}
    if org is None:
        return result
    horizon = as_of + datetime.timedelta(days=days)
    for campaign in campaigns_for_user(user).filter(status=CampaignStatus.ACTIVE):
        if is_in_subtree(org.path, campaign.org_path):
            root = org
            for item in obligations(campaign, [org], as_of=horizon):
                if item.done:
                    continue
                item.campaign = campaign
                if item.due < as_of:
                    result["late"].append(item)
                elif item.due <= horizon:
                    result["due_soon"].append(item)
        else:
            root = campaign.organization
        for row in subtree_status(campaign, root, as_of=as_of).values():
            if row.org.pk != org.pk and row.late > 0:
                result["children_late"].append(
                    {"campaign": campaign, "org": row.org, "late": row.late}
                )
    result["late"].sort(key=lambda i: (i.due, i.org.path))
    result["due_soon"].sort(key=lambda i: (i.due, i.org.path))
    return result


def deadline_calendar(campaign: Campaign) -> list[tuple[datetime.date, list[str]]]:
    """Every dated phase, step and form of the campaign, by date."""
    by_date: dict[datetime.date, list[str]] = {}
    for phase in campaign.phases.all():
        if phase.deadline:
            by_date.setdefault(phase.deadline, []).append(f"阶段“{phase.name}”完成时限")
    for step in Step.objects.filter(phase__campaign=campaign, deadline__isnull=False):
        by_date.setdefault(step.deadline, []).append(
            f"{step.get_level_display()}：{step.order}、{step.text}"
        )
    for rf in campaign.required_forms.all():
        for d in all_due_dates(rf):
            by_date.setdefault(d, []).append(
                f"{rf.get_level_display()}上报《{rf.form_title}》"
                + ("（每月月底前上报）" if rf.recurrence == Recurrence.MONTHLY_END else "")
            )
    return sorted(by_date.items())


# ---- rollup -----------------------------------------------------------------------------------


@dataclass
class Rollup:
    columns: list[dict]  # the numeric columns: {"key", "title"}
    rows: list[dict]  # {"label", "values": {key: sum}, "cells": [sums]}
    totals: dict
    included: list[Submission]
    missing: list[Organization]
    # A register (a form without numbers to add up, 名册 and 登记表): its submitted rows under
    # the form's own columns, per child ({"org", "submission", "rows"}) and all together.
    register_columns: list[dict] = field(default_factory=list)
    register_parts: list[dict] = field(default_factory=list)

    @property
    def is_register(self) -> bool:
        return bool(self.register_columns)

    @property
    def register_rows(self) -> list[dict]:
        """The children's rows as one table, each with its 填报单位, numbered anew."""
        combined = []
        for part in self.register_parts:
            for cells in part["rows"]:
                combined.append({"org": part["org"], "cells": cells})
        seq = [i for i, c in enumerate(self.register_columns) if c.get("kind") == "seq"]
        for number, row in enumerate(combined, start=1):
            row["cells"] = [number if i in seq else v for i, v in enumerate(row["cells"])]
        return combined


def _numeric_keys(form_slug: str, data: dict) -> list[str]:
    from paicha.core.catalogue import get_form

    try:
        return [c.key for c in get_form(form_slug).columns if c.kind == "int"]
    except KeyError:
        rows = data.get("rows", [])
        return [
            c["key"]
            for c in data.get("columns", [])
            if rows and all(isinstance(r.get(c["key"]), int | float) for r in rows)
        ]


def _total_rows(data: dict, numeric: list[str]) -> list[tuple[str, dict]]:
    """A child's rows to add up: its 合计 row if it has one, else every row, labelled by
    their text cells (so banded forms add row to row)."""
    labelled = []
    for row in data.get("rows", []):
        texts = [str(v) for k, v in row.items() if k not in numeric and v not in ("", None)]
        labelled.append(("合计" if "合计" in texts else " ".join(texts), row))
    totals = [item for item in labelled if item[0] == "合计"]
    return totals or labelled


def rollup(
    *, campaign: Campaign, org: Organization, form_slug: str, period: datetime.date
) -> Rollup:
    """Sum the numeric columns of the children's latest accepted submissions; list the
    children that have none."""
    levels = set(
        campaign.required_forms.filter(form_slug=form_slug).values_list("level", flat=True)
    )
    children = [
        c
        for c in Organization.objects.filter(parent=org, is_active=True).order_by("path")
        if not levels or level_of(c, campaign) in levels
    ]
    accepted: dict[int, Submission] = {}
    for s in (
        Submission.objects.filter(
            campaign=campaign,
            organization__in=children,
            form_slug=form_slug,
            period=period,
            status=SubmissionStatus.ACCEPTED,
        )
        .select_related("organization")
        .order_by("version")
    ):
        accepted[s.organization_id] = s
    included = [accepted[c.pk] for c in children if c.pk in accepted]
    missing = [c for c in children if c.pk not in accepted]
    numeric: list[str] = []
    titles: dict[str, str] = {}
    for s in included:
        for key in _numeric_keys(form_slug, s.data):
            if key not in numeric:
                numeric.append(key)
        titles.update({c["key"]: c["title"] for c in s.data.get("columns", [])})
    sums: dict[str, dict] = {}
    for s in included:
        for label, row in _total_rows(s.data, numeric):
            target = sums.setdefault(label, {k: 0 for k in numeric})
            for key in numeric:
                value = row.get(key)
                if isinstance(value, int | float):
                    target[key] += value
    totals = {k: sum(v[k] for v in sums.values()) for k in numeric}
    register_columns, register_parts = [], []
    if not numeric and included:
        register_columns = _register_columns(form_slug, included)
        keys = [c["key"] for c in register_columns]
        register_parts = [
            {
                "org": s.organization,
                "submission": s,
                "rows": [[row.get(k, "") for k in keys] for row in s.data.get("rows", [])],
            }
            for s in included
        ]
    return Rollup(
        columns=[{"key": k, "title": titles.get(k) or k} for k in numeric],
        # Only numbers add up; a register's text is shown as its rows, never as labels.
        rows=[
            {"label": label, "values": values, "cells": [values[k] for k in numeric]}
            for label, values in sums.items()
        ]
        if numeric
        else [],
        totals=totals,
        included=included,
        missing=missing,
        register_columns=register_columns,
        register_parts=register_parts,
    )


def _register_columns(form_slug: str, included: list[Submission]) -> list[dict]:
    """The register's columns as the form declares them (with their kinds), else as the
    submissions recorded them."""
    from paicha.core.catalogue import get_form

    try:
        return [
            {"key": c.key, "title": c.title, "kind": c.kind} for c in get_form(form_slug).columns
        ]
    except KeyError:
        return [
            {"key": c["key"], "title": c["title"], "kind": ""}
            for c in included[-1].data.get("columns", [])
        ]
