"""Writes of member records: every change goes through one of these functions.

Each is atomic and takes the acting user; the audit row of the change is written by the audit
signals in the same transaction, attributed to that user. The roster import has its own
service module (`importing.py`) because it writes thousands of rows at once.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from paicha.audit.context import acting_as
from paicha.organizations.models import Organization
from paicha.organizations.permissions import Perm
from paicha.organizations.scope import authorize

from .models import Member
from .selectors import duplicate_id_message

# What the edit page and the services may set; status belongs to transfers and dispositions.
EDITABLE_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "native_place",
    "birth_date",
    "id_number",
    "marital_status",
    "mobile",
    "other_contacts",
    "household_register",
    "residence",
    "school",
    "education",
    "degree",
    "work_start_date",
    "work_unit",
    "organization",
    "branch_entry_date",
    "join_date",
    "join_org_name",
    "full_date",
    "member_type",
    "party_post",
    "former_party_post",
    "monthly_dues",
    "sector",
    "person_category",
    "student_level",
    "in_hardship",
    "retired",
    "flowing",
    "flow_destination",
    "employed_reported",
    "reported_community",
    "pocket",
    "religious",
    "remarks",
)


def _check_target(acting_user, organization: Organization) -> None:
    authorize(acting_user, Perm.EDIT_MEMBERS, organization, what="该党组织")
    if not organization.is_active:
        raise ValidationError({"organization": "该党组织已合并或撤销，不能登记党员"})


def _save(member: Member, acting_user) -> Member:
    member.full_clean()  # field formats, rules across fields, and 一人两籍 (validate_unique)
    with acting_as(acting_user):
        try:
            # A savepoint, so a lost race on the unique index leaves the caller's
            # transaction usable for the error page.
            with transaction.atomic():
                member.save()
        except IntegrityError:
            message = duplicate_id_message(
                member.id_number, organization=member.organization, exclude_pk=member.pk
            )
            if message is None:
                raise
            raise ValidationError({"id_number": message}) from None
    return member


def _unknown(fields: dict) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable member fields: {sorted(unknown)}")


@transaction.atomic
def member_create(*, organization: Organization, acting_user, **fields) -> Member:
    """Register a member in `organization` (a branch, or a committee holding members directly)."""
    _unknown(fields)
    fields.pop("organization", None)
    _check_target(acting_user, organization)
    return _save(Member(organization=organization, **fields), acting_user)


@transaction.atomic
def member_update(*, member: Member, acting_user, **fields) -> Member:
    """Change fields of a record; moving it to another branch of the scope is allowed here, a
    transfer between organizations goes through the transfers app."""
    _unknown(fields)
    member = Member.objects.select_for_update().select_related("organization").get(pk=member.pk)
    authorize(acting_user, Perm.EDIT_MEMBERS, member.organization, what="该党员")
    new_org = fields.get("organization")
    if new_org is not None and new_org.pk != member.organization_id:
        _check_target(acting_user, new_org)
    for name, value in fields.items():
        setattr(member, name, value)
    return _save(member, acting_user)
