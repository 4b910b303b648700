import datetime

import pytest

from paicha.codes import PersonCategory, ProvinceScope, StudentLevel, TransferPermanence
from paicha.members.idcard import make_id_number
from paicha.members.models import Member
from paicha.transfers import services

D = datetime.date
_seq = iter(range(1_000_000))


def make_member(org, name="张三", *, gender="M", **extra):
    """Like paicha.conftest.make_member, with ID numbers of our own: the shared counter allows
    only about 200 members per test process (seq % 100 + seq // 100 must stay below 100), and
    this app's permission matrix makes many."""
    n = next(_seq)
    birth = extra.pop("birth", D(1980, 1, 1) + datetime.timedelta(days=n // 100))
    extra.setdefault("id_number", make_id_number("430111", birth, n % 100, gender))
    return Member.objects.create(
        organization=org, name=name, gender=gender, birth_date=birth, **extra
    )


@pytest.fixture
def member_a1(tree):
    return make_member(
        tree.branch_a1,
        "李转出",
        mobile="13800000001",
        person_category=PersonCategory.STUDENT,
        student_level=StudentLevel.POSTGRADUATE,
    )


LETTER_DATE = D(2026, 3, 1)


@pytest.fixture
def make_out(tree):
    """A transfer out issued through the service, to an outside name unless told."""

    def make(
        member,
        *,
        letter_date=LETTER_DATE,
        to=None,
        name="中共深圳市南山区委组织部",
        scope=ProvinceScope.OUTSIDE,
        **extra,
    ):
        return services.transfer_out_create(
            member=member,
            letter_date=letter_date,
            province_scope=scope,
            counterpart_org=to,
            counterpart_name="" if to else name,
            permanence=extra.pop("permanence", TransferPermanence.PERMANENT),
            acting_user=extra.pop("acting_user", tree.department),
            **extra,
        )

    return make
