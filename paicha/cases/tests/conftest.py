"""Fixtures of the cases app: a lost member of branch A1, searchers, and the signers' accounts.

The evidence app computes the start of the loss; these tests fix it, so that they depend only
on this app.
"""

import datetime
import itertools

import pytest

from paicha.codes import Gender, MemberType
from paicha.conftest import make_member
from paicha.members.idcard import make_id_number

LOST_SINCE = datetime.date(2015, 3, 2)
OPENED = datetime.date(2016, 3, 1)


_serial = itertools.count()


def member(org, name, **extra):
    """`make_member` with an ID number of its own: a distinct birth day for every call, so that
    any number of members can be made in one test run."""
    n = next(_serial)
    birth = extra.pop("birth", datetime.date(1960, 1, 1) + datetime.timedelta(days=n))
    gender = extra.pop("gender", Gender.MALE)
    return make_member(
        org,
        name,
        birth=birth,
        gender=gender,
        id_number=make_id_number("430102", birth, n % 100, gender),
        **extra,
    )


@pytest.fixture(autouse=True)
def _fixed_last_contact(monkeypatch):
    monkeypatch.setattr(
        "paicha.cases.services.last_org_life_or_dues", lambda member, *, as_of: LOST_SINCE
    )


@pytest.fixture
def lost(tree):
    return member(
        tree.branch_a1,
        "王失联",
        mobile="13800000001",
        work_unit="某创意园",
        household_register="湖南长沙岳麓区",
    )


@pytest.fixture
def searchers(tree):
    """Two full members of branch A1, one of branch A2 (same committee), one probationary,
    one of college B."""
    return {
        "li": member(tree.branch_a1, "李查找"),
        "zhao": member(tree.branch_a1, "赵证明"),
        "qian": member(tree.branch_a2, "钱同院"),
        "sun": member(tree.branch_a1, "孙预备", member_type=MemberType.PROBATIONARY),
        "zhou": member(tree.branch_b1, "周外院"),
    }


@pytest.fixture
def opened_case(lost, personas):
    from paicha.cases.services import case_open

    return case_open(member=lost, acting_user=personas["worker_a1"], opened_on=OPENED)
