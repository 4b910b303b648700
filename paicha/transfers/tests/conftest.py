import datetime

import pytest

from paicha.codes import ProvinceScope, StudentLevel, PersonCategory, TransferPermanence
from paicha.conftest import make_member
from paicha.transfers import services

D = datetime.date


@pytest.fixture
def member_a1(tree):
    return make_member(tree.branch_a1, "李转出", mobile="13800000001",
                       person_category=PersonCategory.STUDENT,
                       student_level=StudentLevel.POSTGRADUATE)


@pytest.fixture
def make_out():
    """A transfer out issued through the service, to an outside name unless told."""

    def make(member, *, letter_date=D(2026, 3, 1), to=None, name="中共深圳市南山区委组织部",
             scope=ProvinceScope.OUTSIDE, **extra):
        return services.transfer_out_create(
            member=member, letter_date=letter_date, province_scope=scope, counterpart_org=to,
            counterpart_name="" if to else name,
            permanence=extra.pop("permanence", TransferPermanence.PERMANENT), **extra)

    return make
