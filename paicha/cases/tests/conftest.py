"""Fixtures of the cases app: a lost member of branch A1, searchers, and the signers' accounts.

The evidence app computes the start of the loss; these tests fix it, so that they depend only
on this app.
"""

import datetime

import pytest

from paicha.codes import MemberType
from paicha.conftest import make_member

LOST_SINCE = datetime.date(2015, 3, 2)
OPENED = datetime.date(2016, 3, 1)


@pytest.fixture(autouse=True)
def _fixed_last_contact(monkeypatch):
    monkeypatch.setattr("paicha.cases.services.last_org_life_or_dues",
                        lambda member, *, as_of: LOST_SINCE)


@pytest.fixture
def lost(tree):
    return make_member(tree.branch_a1, "王失联", mobile="13800000001",
                       work_unit="某创意园", household_register="湖南长沙岳麓区")


@pytest.fixture
def searchers(tree):
    """Two full members of branch A1, one of branch A2 (same committee), one probationary,
    one of college B."""
    return {
        "li": make_member(tree.branch_a1, "李查找"),
        "zhao": make_member(tree.branch_a1, "赵证明"),
        "qian": make_member(tree.branch_a2, "钱同院"),
        "sun": make_member(tree.branch_a1, "孙预备", member_type=MemberType.PROBATIONARY),
        "zhou": make_member(tree.branch_b1, "周外院"),
    }


@pytest.fixture
def opened_case(lost, personas):
    from paicha.cases.services import case_open

    return case_open(member=lost, acting_user=personas["worker_a1"], opened_on=OPENED)
