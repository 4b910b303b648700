"""Reads about lost-contact cases: access helpers, the chain's next step, the work lists."""

import datetime

from django.db.models import Count, F, Max, OuterRef, Q, Subquery

from paicha.codes import (
    ApprovalStep,
    CaseOutcome,
    DispositionCategory,
    DispositionState,
    OrgKind,
)

# The start of 与党组织失去联系时间 (the last 组织生活 attended or 党费 paid), from the evidence
# app.
from paicha.evidence.selectors import last_org_life_or_dues  # noqa: F401
from paicha.members.approvals import STEP_SIGNER, signer_org_problem, steps_for
from paicha.members.models import ON_ROSTER, Member
from paicha.organizations.models import Organization
from paicha.organizations.permissions import Perm, Role
from paicha.organizations.scope import get_for_user
from paicha.organizations.tree import subtree_q

from .models import ApprovalSignature, CaseAttachment, LostContactCase, SearchAttempt
from .rules import disposition_steps

# A search is overdue when its last attempt is older than this.
ATTEMPT_INTERVAL_DAYS = 30
SIGNERS_REQUIRED = 2


# ---- access ---------------------------------------------------------------------------------


def get_case_for_user(
    user, pk: int, *, for_write: bool = False, perm: Perm | None = None
) -> LostContactCase:
    return get_for_user(
        LostContactCase.objects.select_related("member", "organization"),
        user,
        for_write=for_write,
        perm=perm,
        pk=pk,
    )


def get_attachment_for_user(user, case: LostContactCase, pk: int) -> CaseAttachment:
    return get_for_user(CaseAttachment.objects, user, case=case, pk=pk)


# ---- the tree around a member ---------------------------------------------------------------


def grassroots_of(org: Organization) -> Organization | None:
    """The 基层党委 of an organization: itself if it is a 党委/党总支, else the nearest one
    above."""
    return org.grassroots_committee()


def grassroots_map(orgs) -> dict[int, Organization | None]:
    """`grassroots_of` for many organizations in one query (by their path prefixes)."""
    from paicha.organizations.tree import SEGMENT_WIDTH

    orgs = {o.pk: o for o in orgs}
    prefixes = {
        o.path[:i]
        for o in orgs.values()
        for i in range(SEGMENT_WIDTH, len(o.path) + 1, SEGMENT_WIDTH)
    }
    kinds = (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH)
    committees = {c.path: c for c in Organization.objects.filter(path__in=prefixes, kind__in=kinds)}
    result = {}
    for pk, org in orgs.items():
        result[pk] = next(
            (
                committees[org.path[:i]]
                for i in range(len(org.path), 0, -SEGMENT_WIDTH)
                if org.path[:i] in committees
            ),
            None,
        )
    return result


def signer_pool(case: LostContactCase):
    """Who may sign an attempt as 查找人: full members on the roster of the subtree of the
    member's 基层党委 (the branch's own members, and the committee's working group who join the
    branch's search, seed 002 附件2), never the lost member."""
    area = grassroots_of(case.organization) or case.organization
    return Member.objects.in_subtree(area).filter(status__in=ON_ROSTER).exclude(pk=case.member_id)


# ---- the chain ------------------------------------------------------------------------------


def current_signatures(disposition) -> list[ApprovalSignature]:
    return [a for a in disposition.approvals.all() if a.round == disposition.round]


def next_step(disposition) -> str | None:
    """The step waiting for a signature, or None when the chain is finished or returned."""
    if disposition.state != DispositionState.PENDING:
        return None
    signed = {a.step for a in current_signatures(disposition)}
    for step in disposition_steps(disposition):
        if step not in signed:
            return step
    return None


# ---- lists ----------------------------------------------------------------------------------


def regained_cases(queryset=None):
    """Cases whose member was found again: they leave the 失联 list (经查找取得联系党员登记表)."""
    return (queryset if queryset is not None else LostContactCase.objects).regained()


def cases_without_recent_attempt(
    queryset, *, as_of: datetime.date, days: int = ATTEMPT_INTERVAL_DAYS
):
    """Open searches with no attempt in the `days` before `as_of` (none at all included)."""
    since = as_of - datetime.timedelta(days=days)
    return (
        queryset.open()
        .filter(outcome=CaseOutcome.SEARCHING, opened_on__lte=as_of)
        .annotate(last_attempt=Max("attempts__date"))
        .filter(Q(last_attempt__isnull=True) | Q(last_attempt__lt=since))
        .order_by("last_attempt", "opened_on")
    )


def attempts_missing_signature(queryset):
    """Attempts with fewer than two searchers' signatures (seed 002 说明 4)."""
    return (
        queryset.filter(signer_count__lt=SIGNERS_REQUIRED)
        .select_related("case")
        .order_by("date", "id")
    )


def cases_waiting_for(user, queryset=None):
    """Cases whose next approval step this user may sign.

    The database narrows the cases to those whose next step (the number of signatures of the
    current round, since steps are signed in order) is one for the user's role; only those
    are checked against the tree, with one 基层党委 lookup per organization."""
    if user.organization_id is None:
        return []
    role_steps = Q()
    for category in DispositionCategory:
        for consult in (False, True):
            positions = [
                i
                for i, step in enumerate(steps_for(category, consult=consult))
                if STEP_SIGNER[step][0] == user.role
            ]
            if positions:
                role_steps |= Q(
                    disposition__category=category,
                    n_signed__in=positions,
                    disposition__consult_department=consult,
                )
    if not role_steps:
        return []
    base = queryset if queryset is not None else LostContactCase.objects.visible_to(user)
    pending = (
        base.filter(disposition__state=DispositionState.PENDING)
        .annotate(n_signed=Count("approvals", filter=Q(approvals__round=F("disposition__round"))))
        .filter(role_steps)
        .select_related("organization", "disposition")
        .order_by("disposition__proposed_on", "id")
    )
    if user.role == Role.BRANCH_WORKER:
        pending = pending.filter(organization=user.organization)
    pending = list(pending)
    grassroots = grassroots_map(case.organization for case in pending)
    waiting = []
    for case in pending:
        step = disposition_steps(case.disposition)[case.n_signed]
        if (
            signer_org_problem(step, case, user, grassroots=grassroots[case.organization_id])
            is None
        ):
            case.waiting_step = step
            case.waiting_step_label = ApprovalStep(step).label
            waiting.append(case)
    return waiting


def cases_returned_to(user, queryset=None):
    """Open cases whose proposal came back to the branch that made it: its to-do, with the
    reason, until the branch acts: searches again (the case is back to 正在查找) or proposes
    anew. Only the member's own branch may propose again, so only its workers see them."""
    if user.organization_id is None or user.role != Role.BRANCH_WORKER:
        return LostContactCase.objects.none()
    base = queryset if queryset is not None else LostContactCase.objects.visible_to(user)
    return (
        base.open()
        .filter(organization=user.organization, disposition__state=DispositionState.RETURNED)
        .exclude(outcome=CaseOutcome.SEARCHING)
        .select_related("disposition")
        .order_by("disposition__proposed_on", "id")
    )


def attempts_visible_to(user):
    return SearchAttempt.objects.visible_to(user)


def case_list(user, *, org: Organization | None = None, outcome: str = "", state: str = ""):
    cases = LostContactCase.objects.visible_to(user).select_related("organization", "disposition")
    if org is not None:
        cases = cases.filter(subtree_q(org.path))
    if outcome:
        cases = cases.filter(outcome=outcome)
    if state == "open":
        cases = cases.open()
    elif state == "closed":
        cases = cases.filter(closed_on__isnull=False)
    return cases.annotate(n_attempts=Count("attempts")).order_by("-opened_on", "-id")


# ---- What the 失联 pages show of the searches (registered with evidence.searches) -------------


def with_open_case(members):
    """Members annotated with `open_case`: the id of the member's open case, or None."""
    return members.annotate(
        open_case=Subquery(
            LostContactCase.objects.filter(member=OuterRef("pk"), closed_on__isnull=True)
            .order_by("-pk")
            .values("pk")[:1]
        )
    )


def counts_by_reason(*, org, as_of: datetime.date) -> dict[str, int]:
    """失联原因 code → cases of org's subtree opened by as_of (cases without a reason left out)."""
    return dict(
        LostContactCase.objects.in_subtree(org)
        .filter(opened_on__lte=as_of)
        .exclude(loss_reason="")
        .order_by()
        .values_list("loss_reason")
        .annotate(n=Count("id"))
    )


def cases_by_reason(user, *, org, as_of: datetime.date, reason: str):
    """The cases of one 失联原因 that the user may see, for the dashboard's drill-down."""
    return (
        LostContactCase.objects.visible_to(user)
        .in_subtree(org)
        .filter(opened_on__lte=as_of, loss_reason=reason)
        .select_related("member", "organization")
        .order_by("org_path", "opened_on")
    )
