import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from paicha.audit.models import AuditEntry
from paicha.codes import MemberType
from paicha.conftest import make_member
from paicha.members.models import Member
from paicha.members.services import member_create, member_update

from .conftest import valid_fields


def test_create_normalizes_and_records_who(tree, personas):
    fields = valid_fields(id_number=valid_fields()["id_number"].lower(), mobile="138 0013 8000")
    member = member_create(organization=tree.branch_a1, acting_user=personas["worker_a1"], **fields)
    assert member.mobile == "13800138000" and member.name_initials == "ly"
    entry = AuditEntry.objects.get(model="members.Member", object_id=str(member.pk))
    assert entry.actor == personas["worker_a1"] and entry.action == "create"


def test_create_rejects_inconsistent_record_and_stores_nothing(tree, personas):
    with pytest.raises(ValidationError) as exc:
        member_create(
            organization=tree.branch_a1,
            acting_user=personas["worker_a1"],
            **valid_fields(birth_date=datetime.date(1990, 5, 18), mobile="12345"),
        )
    assert set(exc.value.message_dict) == {"birth_date", "mobile"}
    assert not Member.objects.exists()


def test_second_branch_gets_one_person_two_registrations_naming_both(tree, personas):
    member_create(
        organization=tree.branch_b1,
        acting_user=personas["worker_b1"],
        **valid_fields(name="秘密人"),
    )
    with pytest.raises(ValidationError) as exc:
        member_create(
            organization=tree.branch_a1,
            acting_user=personas["worker_a1"],
            **valid_fields(name="刘洋"),
        )
    message = exc.value.message_dict["id_number"][0]
    assert "理学院教工党支部" in message and "文学院教工第一党支部" in message
    assert "一人两籍" in message and "秘密人" not in message
    assert Member.objects.count() == 1


def test_cannot_register_outside_the_scope(tree, personas):
    with pytest.raises(PermissionDenied):
        member_create(
            organization=tree.branch_b1, acting_user=personas["worker_a1"], **valid_fields()
        )
    with pytest.raises(PermissionDenied):
        member_create(
            organization=tree.branch_a1, acting_user=personas["auditor"], **valid_fields()
        )


def test_update_checks_rules_and_audits_the_change(tree, personas):
    member = member_create(
        organization=tree.branch_a1, acting_user=personas["worker_a1"], **valid_fields()
    )
    with pytest.raises(ValidationError, match="预备党员尚未转正"):
        member_update(
            member=member, acting_user=personas["worker_a1"], member_type=MemberType.PROBATIONARY
        )
    member_update(
        member=member,
        acting_user=personas["reviewer_a"],
        work_unit="文学院",
        organization=tree.branch_a2,
    )
    member.refresh_from_db()
    assert member.work_unit == "文学院" and member.org_path == tree.branch_a2.path
    entry = AuditEntry.objects.filter(action="update", member_id=member.pk).get()
    assert entry.actor == personas["reviewer_a"]
    assert entry.changes["工作单位及职务（职称）"] == ["", "文学院"]


def test_update_cannot_move_a_member_out_of_the_scope(tree, personas):
    member = make_member(tree.branch_a1)
    with pytest.raises(PermissionDenied):
        member_update(member=member, acting_user=personas["worker_a1"], organization=tree.branch_b1)
    with pytest.raises(PermissionDenied):
        member_update(member=member, acting_user=personas["worker_b1"], name="改")


@pytest.mark.parametrize(
    "bad",
    [
        {"member_type": MemberType.PROBATIONARY, "full_date": datetime.date(2013, 6, 1)},
        {"join_date": datetime.date(1980, 1, 1)},
        {"full_date": datetime.date(2011, 1, 1)},
        {"mobile": "2380013800"},
        {"id_number": "123"},
        {"gender": "X"},
    ],
)
def test_database_constraints_refuse_what_the_form_refuses(tree, bad):
    fields = valid_fields(**bad)
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(organization=tree.branch_a1, **fields)
