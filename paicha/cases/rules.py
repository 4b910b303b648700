"""The tables behind a disposition: which side each 附件5 category belongs to, which steps of
seed 004 附件4 it passes, who signs each step, and what the final approval does to the member.

Decisions (SPEC §7 and seed 004 附件4, where the seed wins):
- The two 上一级党委组织部门 rows are for 劝退/除名 only (H, I, J, Q), exactly as the seed's table
  titles them ("对拟劝退、除名处置的预审意见", "对劝退、除名处置的审批意见"). Every other removal
  (开除党籍, 停止党籍 — 因出国（境）定居 included —, 取消预备党员资格, 不予承认党员资格) ends at
  the 基层党委's 审核（审批）意见.
- Where a campaign adopts seed 001's rule (进行相关处置或处分前，各基层党委（党总支）必须与校党委
  组织部沟通), every chain without the department's 预审 gets a 与上级党委组织部门沟通意见 step
  after the 基层党委's 预审 (or before its approval in the two-step chains); the disposition
  records at its proposal whether the rule applies.
- 保留组织关系 (D) and 确认已死亡 (X) change the member's status too, so they pass the
  branch committee and the 基层党委's approval; 纳入组织管理, 限期改正, 尚在调查核实 and
  尚在查找联系 (C, F, N, W) change nothing on the roster and take effect when recorded.
"""

import datetime

from paicha.codes import ApprovalStep as S
from paicha.codes import CaseOutcome, DispositionSide, MemberStatus
from paicha.codes import DispositionCategory as D
from paicha.core.dates import months_between
from paicha.organizations.permissions import Role

SIDE = {
    **dict.fromkeys("CDEFHIJKLMN", DispositionSide.CONTACTED),
    **dict.fromkeys("QRTUVW", DispositionSide.NOT_CONTACTED),
    "X": DispositionSide.DECEASED,
}

# The outcome of the search each side needs (W also while the search goes on).
OUTCOMES_FOR_SIDE = {
    DispositionSide.CONTACTED: {CaseOutcome.REGAINED},
    DispositionSide.NOT_CONTACTED: {CaseOutcome.UNREACHABLE},
    DispositionSide.DECEASED: {CaseOutcome.DECEASED},
}
OUTCOMES_FOR_CATEGORY = {D.STILL_SEARCHING: {CaseOutcome.SEARCHING, CaseOutcome.UNREACHABLE}}

REMOVAL_STEPS = (S.BRANCH_COMMITTEE, S.COMMITTEE_PRE_REVIEW, S.DEPARTMENT_PRE_REVIEW,
                 S.BRANCH_ASSEMBLY, S.COMMITTEE_APPROVAL, S.DEPARTMENT_APPROVAL)
DISMISSALS = {D.PERSUADED_OUT, D.SELF_LAPSED, D.WITHDRAWN, D.LOST_SELF_LAPSED}  # 劝退/除名
EXPULSIONS = {D.EXPELLED, D.LOST_EXPELLED}
OTHER_REMOVALS = {D.SUSPENDED, D.NOT_RECOGNISED, D.PROBATION_CANCELLED,
                  D.LOST_PROBATION_CANCELLED, D.LOST_UNREACHABLE_SUSPENDED,
                  D.LOST_ABROAD_SUSPENDED}
# 劝退, 除名, 开除, 停止, 取消, 不予承认.
REMOVALS = DISMISSALS | EXPULSIONS | OTHER_REMOVALS


# The seed's six rows, the rows the 纪实表 prints.
JISHI_STEPS = REMOVAL_STEPS


def steps_for(category: str, *, consult: bool = False) -> tuple[str, ...]:
    """The approval steps `category` passes, in order; () when it takes effect at once.
    `consult`: the campaign's rule that the department is consulted before any 处置."""
    if category in DISMISSALS:
        return REMOVAL_STEPS
    if category in EXPULSIONS | OTHER_REMOVALS:
        steps = (S.BRANCH_COMMITTEE, S.COMMITTEE_PRE_REVIEW, S.BRANCH_ASSEMBLY,
                 S.COMMITTEE_APPROVAL)
    elif category in (D.RETAINED, D.DEAD):
        steps = (S.BRANCH_COMMITTEE, S.COMMITTEE_APPROVAL)
    else:
        return ()
    if consult:
        at = steps.index(S.COMMITTEE_PRE_REVIEW) + 1 if S.COMMITTEE_PRE_REVIEW in steps \
            else steps.index(S.COMMITTEE_APPROVAL)
        steps = (*steps[:at], S.DEPARTMENT_CONSULT, *steps[at:])
    return steps


def disposition_steps(disposition) -> tuple[str, ...]:
    return steps_for(disposition.category, consult=disposition.consult_department)


# What the final approval makes of the member (None: the member stays as he is).
TARGET_STATUS = {
    **dict.fromkeys(DISMISSALS | EXPULSIONS | {D.NOT_RECOGNISED, D.PROBATION_CANCELLED,
                                               D.LOST_PROBATION_CANCELLED},
                    MemberStatus.REMOVED),
    **dict.fromkeys({D.SUSPENDED, D.LOST_UNREACHABLE_SUSPENDED, D.LOST_ABROAD_SUSPENDED},
                    MemberStatus.SUSPENDED),
    D.RETAINED: MemberStatus.RETAINED,
    D.DEAD: MemberStatus.DECEASED,
}

# Categories that only a probationary member can receive.
PROBATIONARY_ONLY = {D.PROBATION_CANCELLED, D.LOST_PROBATION_CANCELLED}
def category_fits(category: str, *, outcome: str, member_type: str) -> bool:
    """Whether `category` may be proposed for a case with this outcome and member type."""
    from paicha.codes import MemberType

    allowed = OUTCOMES_FOR_CATEGORY.get(category, OUTCOMES_FOR_SIDE[SIDE[category]])
    if outcome not in allowed:
        return False
    return category not in PROBATIONARY_ONLY or member_type == MemberType.PROBATIONARY


# Categories that run for a period with follow-up.
WITH_PERIOD = {D.RETAINED, D.CORRECTION}


class Signer:
    """Who signs a step: a role, and where the organization stands relative to the member."""

    BRANCH = "branch"            # the member's own branch
    GRASSROOTS = "grassroots"    # the 基层党委 (nearest committee/general branch above)
    ABOVE = "above"              # an organization above the 基层党委


STEP_SIGNER = {
    S.BRANCH_COMMITTEE: (Role.BRANCH_WORKER, Signer.BRANCH),
    S.COMMITTEE_PRE_REVIEW: (Role.COMMITTEE_REVIEWER, Signer.GRASSROOTS),
    S.DEPARTMENT_PRE_REVIEW: (Role.ORG_DEPARTMENT, Signer.ABOVE),
    S.BRANCH_ASSEMBLY: (Role.BRANCH_WORKER, Signer.BRANCH),
    S.COMMITTEE_APPROVAL: (Role.COMMITTEE_REVIEWER, Signer.GRASSROOTS),
    S.DEPARTMENT_APPROVAL: (Role.ORG_DEPARTMENT, Signer.ABOVE),
    S.DEPARTMENT_CONSULT: (Role.ORG_DEPARTMENT, Signer.ABOVE),
}

# The seal line each row of the 纪实表 prints.
STEP_SEAL = {
    S.BRANCH_COMMITTEE: "党支部（盖章）",
    S.COMMITTEE_PRE_REVIEW: "党委（盖章）",
    S.DEPARTMENT_PRE_REVIEW: "党委组织部门（盖章）",
    S.BRANCH_ASSEMBLY: "党支部（盖章）",
    S.COMMITTEE_APPROVAL: "党委（盖章）",
    S.DEPARTMENT_APPROVAL: "党委组织部门（盖章）",
    S.DEPARTMENT_CONSULT: "党委组织部门（盖章）",
}
# The row titles of seed 004 附件4 (the department rows say what they are for).
STEP_TITLE_JISHI = {
    S.BRANCH_COMMITTEE: "支委会初步处置意见",
    S.COMMITTEE_PRE_REVIEW: "基层党委\n预审意见",
    S.DEPARTMENT_PRE_REVIEW: "上一级党委组织部门对拟劝退、除名处置的预审意见",
    S.BRANCH_ASSEMBLY: "支部党员大会决议",
    S.COMMITTEE_APPROVAL: "基层党委审核（审批）意见",
    S.DEPARTMENT_APPROVAL: "上一级党委组织部门对劝退、除名处置的审批意见",
}


def lost_until(outcome: str, outcome_on: datetime.date | None,
               as_of: datetime.date) -> datetime.date:
    """The end of 与党组织失去联系时间: the end of the search, or the fill date meanwhile."""
    if outcome != CaseOutcome.SEARCHING and outcome_on:
        return min(outcome_on, as_of)
    return as_of


def lost_months(lost_since: datetime.date | None, outcome: str,
                outcome_on: datetime.date | None, as_of: datetime.date) -> int | None:
    """Whole months from the last org life or dues to the end of the search (or `as_of`)."""
    if lost_since is None:
        return None
    return max(0, months_between(lost_since, lost_until(outcome, outcome_on, as_of)))
