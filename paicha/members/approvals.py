"""The approval chains that take a member off the roster: a case's 处置 (cases) and 停止党籍 for
settling abroad (transfers) pass the same steps of seed 004 附件4, signed by the same people.

Decisions (SPEC §7 and seed 004 附件4, where the seed wins):
- The two 上一级党委组织部门 rows are for 劝退/除名 only (H, I, J, Q), exactly as the seed's table
  titles them ("对拟劝退、除名处置的预审意见", "对劝退、除名处置的审批意见"). Every other removal
  (开除党籍, 停止党籍 — 因出国（境）定居 included —, 取消预备党员资格, 不予承认党员资格) ends at
  the 基层党委's 审核（审批）意见.
- Where a campaign adopts seed 001's rule (进行相关处置或处分前，各基层党委（党总支）必须与校党委
  组织部沟通), every chain without the department's 预审 gets a 与上级党委组织部门沟通意见 step
  after the 基层党委's 预审 (or before its approval in the two-step chains); the chain records
  at its start whether the rule applies (`consult_required`, answered by the campaigns app).
- 保留组织关系 (D) and 确认已死亡 (X) change the member's status too, so they pass the
  branch committee and the 基层党委's approval; 纳入组织管理, 限期改正, 尚在调查核实 and
  尚在查找联系 (C, F, N, W) change nothing on the roster and take effect when recorded.
"""

import datetime

from django.core.exceptions import ValidationError

from paicha.codes import ApprovalStep
from paicha.codes import ApprovalStep as S
from paicha.codes import DispositionCategory as D
from paicha.organizations.permissions import Perm, Role
from paicha.organizations.scope import require
from paicha.organizations.tree import is_in_subtree

from .signals import consultation_asked

REMOVAL_STEPS = (
    S.BRANCH_COMMITTEE,
    S.COMMITTEE_PRE_REVIEW,
    S.DEPARTMENT_PRE_REVIEW,
    S.BRANCH_ASSEMBLY,
    S.COMMITTEE_APPROVAL,
    S.DEPARTMENT_APPROVAL,
)
DISMISSALS = {D.PERSUADED_OUT, D.SELF_LAPSED, D.WITHDRAWN, D.LOST_SELF_LAPSED}  # 劝退/除名
EXPULSIONS = {D.EXPELLED, D.LOST_EXPELLED}
OTHER_REMOVALS = {
    D.SUSPENDED,
    D.NOT_RECOGNISED,
    D.PROBATION_CANCELLED,
    D.LOST_PROBATION_CANCELLED,
    D.LOST_UNREACHABLE_SUSPENDED,
    D.LOST_ABROAD_SUSPENDED,
}


def steps_for(category: str, *, consult: bool = False) -> tuple[str, ...]:
    """The approval steps `category` passes, in order; () when it takes effect at once.
    `consult`: the campaign's rule that the department is consulted before any 处置."""
    if category in DISMISSALS:
        return REMOVAL_STEPS
    if category in EXPULSIONS | OTHER_REMOVALS:
        steps = (
            S.BRANCH_COMMITTEE,
            S.COMMITTEE_PRE_REVIEW,
            S.BRANCH_ASSEMBLY,
            S.COMMITTEE_APPROVAL,
        )
    elif category in (D.RETAINED, D.DEAD):
        steps = (S.BRANCH_COMMITTEE, S.COMMITTEE_APPROVAL)
    else:
        return ()
    if consult:
        at = (
            steps.index(S.COMMITTEE_PRE_REVIEW) + 1
            if S.COMMITTEE_PRE_REVIEW in steps
            else steps.index(S.COMMITTEE_APPROVAL)
        )
        steps = (*steps[:at], S.DEPARTMENT_CONSULT, *steps[at:])
    return steps


def consult_required(org, *, on: datetime.date) -> bool:
    """Whether a campaign running over `org` on `on` has every 处置 discussed with the 上级党委
    组织部门 first (seed 001). The campaigns app answers (`consultation_asked`)."""
    return any(answer for _, answer in consultation_asked.send(sender=None, org=org, on=on))


class Signer:
    """Who signs a step: a role, and where the organization stands relative to the member."""

    BRANCH = "branch"  # the member's own branch
    GRASSROOTS = "grassroots"  # the 基层党委 (nearest committee/general branch above)
    ABOVE = "above"  # an organization above the 基层党委


STEP_SIGNER = {
    S.BRANCH_COMMITTEE: (Role.BRANCH_WORKER, Signer.BRANCH),
    S.COMMITTEE_PRE_REVIEW: (Role.COMMITTEE_REVIEWER, Signer.GRASSROOTS),
    S.DEPARTMENT_PRE_REVIEW: (Role.ORG_DEPARTMENT, Signer.ABOVE),
    S.BRANCH_ASSEMBLY: (Role.BRANCH_WORKER, Signer.BRANCH),
    S.COMMITTEE_APPROVAL: (Role.COMMITTEE_REVIEWER, Signer.GRASSROOTS),
    S.DEPARTMENT_APPROVAL: (Role.ORG_DEPARTMENT, Signer.ABOVE),
    S.DEPARTMENT_CONSULT: (Role.ORG_DEPARTMENT, Signer.ABOVE),
}

_UNSET = object()


def signer_org_problem(step: str, record, user, *, grassroots=_UNSET) -> str | None:
    """Why `user` may not sign `step` of `record` (a case, an abroad record; None when he
    may); `grassroots` may be passed when the caller already knows the 基层党委 of the record's
    organization."""
    role, place = STEP_SIGNER[step]
    label = ApprovalStep(step).label
    if user.role != role:
        return f"“{label}”须由{Role(role).label}签署，{user}的角色是{user.get_role_display()}"
    org = user.organization
    branch = record.organization
    if grassroots is _UNSET:
        grassroots = branch.grassroots_committee()
    if place == Signer.BRANCH and org.pk != branch.pk:
        return f"“{label}”须由党员所在的“{branch.name}”签署，{user}属于“{org.name}”"
    if place == Signer.GRASSROOTS and (grassroots is None or org.pk != grassroots.pk):
        where = grassroots.name if grassroots else "基层党委"
        return f"“{label}”须由党员所在的基层党委“{where}”签署，{user}属于“{org.name}”"
    if place == Signer.ABOVE:
        if grassroots is None or not (
            is_in_subtree(grassroots.path, org.path) and org.path != grassroots.path
        ):
            where = grassroots.name if grassroots else "基层党委"
            return f"“{label}”须由“{where}”的上一级党委组织部门签署，{user}属于“{org.name}”"
    return None


def check_signing(step: str, *, expected: str | None, pending: str, obj, user, opinion: str) -> str:
    """What signing `step` of an approval chain (a disposition, or 停止党籍 of a member settling
    abroad) requires: the step exists and is the one due (`expected`; None: none is, and
    `pending` says why), `user` may sign it where `obj` is, the opinion is written. Returns
    the step's label; raises ValidationError (PermissionDenied without APPROVE_REMOVAL)."""
    if step not in ApprovalStep.values:
        raise ValidationError({"step": f"审批环节“{step}”不存在"})
    label = ApprovalStep(step).label
    if expected is None:
        raise ValidationError(f"{pending}，没有待签署的审批环节")
    if step != expected:
        raise ValidationError(
            f"审批须按顺序进行：当前应签署“{ApprovalStep(expected).label}”，不能签署“{label}”"
        )
    problem = signer_org_problem(step, obj, user)
    if problem:
        raise ValidationError(problem)
    if STEP_SIGNER[step][0] == Role.ORG_DEPARTMENT:
        require(user, Perm.APPROVE_REMOVAL)
    if not opinion.strip():
        raise ValidationError({"opinion": f"请填写“{label}”"})
    return label
