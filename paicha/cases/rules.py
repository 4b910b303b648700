"""The tables behind a disposition: which side each 附件5 category belongs to, which outcome of
the search it needs, the rows and seals of the 纪实表, and what the final approval does to the
member.

The chains themselves (which steps, who signs each) are `members.approvals`, shared with
停止党籍 for settling abroad; the decisions taken on them are written there.
"""

import datetime

from paicha.codes import ApprovalStep as S
from paicha.codes import CaseOutcome, DispositionSide, MemberStatus
from paicha.codes import DispositionCategory as D
from paicha.core.dates import months_between
from paicha.members.approvals import (
    DISMISSALS,
    EXPULSIONS,
    OTHER_REMOVALS,
    REMOVAL_STEPS,
    steps_for,
)

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

# 劝退, 除名, 开除, 停止, 取消, 不予承认.
REMOVALS = DISMISSALS | EXPULSIONS | OTHER_REMOVALS


# The seed's six rows, the rows the 纪实表 prints.
JISHI_STEPS = REMOVAL_STEPS


def disposition_steps(disposition) -> tuple[str, ...]:
    return steps_for(disposition.category, consult=disposition.consult_department)


# What the final approval makes of the member (None: the member stays as he is).
TARGET_STATUS = {
    **dict.fromkeys(
        DISMISSALS
        | EXPULSIONS
        | {D.NOT_RECOGNISED, D.PROBATION_CANCELLED, D.LOST_PROBATION_CANCELLED},
        MemberStatus.REMOVED,
    ),
    **dict.fromkeys(
        {D.SUSPENDED, D.LOST_UNREACHABLE_SUSPENDED, D.LOST_ABROAD_SUSPENDED}, MemberStatus.SUSPENDED
    ),
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


def lost_until(
    outcome: str, outcome_on: datetime.date | None, as_of: datetime.date
) -> datetime.date:
    """The end of 与党组织失去联系时间: the end of the search, or the fill date meanwhile."""
    if outcome != CaseOutcome.SEARCHING and outcome_on:
        return min(outcome_on, as_of)
    return as_of


def lost_months(
    lost_since: datetime.date | None,
    outcome: str,
    outcome_on: datetime.date | None,
    as_of: datetime.date,
) -> int | None:
    """Whole months from the last org life or dues to the end of the search (or `as_of`)."""
    if lost_since is None:
        return None
    return max(0, months_between(lost_since, lost_until(outcome, outcome_on, as_of)))
