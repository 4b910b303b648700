import hashlib

import pytest
from django.db import transaction

from paicha.accounts.models import User
from paicha.members.idcard import parse_id_number
from paicha.members.models import Member
from paicha.organizations.models import Organization
from paicha.workspace import demo


class _Rollback(Exception):
    pass


def _fingerprint() -> str:
    rows = Member.objects.order_by("id_number").values_list(
        "name", "id_number", "organization__code", "join_date", "status", "mobile"
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


@pytest.mark.django_db
def test_university_is_realistic_and_consistent():
    result = demo.build_university()
    assert 60 <= Organization.objects.filter(kind="branch").count() <= 70
    assert 2500 <= result.members <= 3500
    assert User.objects.filter(username="zb0101", organization__code="001001001").exists()
    for member in Member.objects.all()[:500]:
        info = parse_id_number(member.id_number)
        assert info.birth_date == member.birth_date and info.gender == member.gender
        assert member.org_path == member.organization.path
        assert member.full_date is None or member.join_date < member.full_date
        assert len(member.mobile) == 11 and member.mobile.startswith("1")
    assert Member.objects.filter(pocket=True).exists()
    assert Member.objects.filter(flowing=True).exists()
    assert Member.objects.filter(member_type="probationary").exists()


@pytest.mark.django_db
def test_university_is_deterministic():
    prints = []
    for _ in range(2):
        try:
            with transaction.atomic():
                demo.build_university()
                prints.append(_fingerprint())
                raise _Rollback
        except _Rollback:
            pass
    assert prints[0] == prints[1]


@pytest.mark.django_db
def test_synthetic_tree_has_the_requested_size():
    result = demo.build_synthetic(members=1234, orgs=45)
    assert result.members == 1234
    root = Organization.objects.get(name__startswith="合成测试省委组织部")
    assert Member.objects.in_subtree(root).count() == 1234
    assert Organization.objects.subtree(root).filter(kind="branch").count() == 45
