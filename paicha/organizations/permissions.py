"""Every permission declared once, and what each role holds (SPEC §2)."""

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    BRANCH_WORKER = "branch_worker", "支部工作人员"
    COMMITTEE_REVIEWER = "committee_reviewer", "基层党委审核人员"
    ORG_DEPARTMENT = "org_department", "组织部门"
    AUDITOR = "auditor", "审计人员"


class Perm(StrEnum):
    VIEW = "view"  # read records of the subtree
    EDIT_MEMBERS = "edit_members"  # enter and change members, evidence, transfers, cases
    MANAGE_ORGS = "manage_orgs"  # create, rename, move, merge organizations below one's own
    REVIEW = "review"  # review and roll up submissions of the subtree
    APPROVE_REMOVAL = "approve_removal"  # sign the department's steps of a disposition
    VIEW_AUDIT = "view_audit"  # read the audit log
    VIEW_IDENTITY = "view_identity"  # see 身份证号码 and phones unmasked
    EXPORT = "export"  # download forms and rosters
    MANAGE_USERS = "manage_users"  # create accounts for the subtree


ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.BRANCH_WORKER: frozenset({Perm.VIEW, Perm.EDIT_MEMBERS, Perm.VIEW_IDENTITY, Perm.EXPORT}),
    Role.COMMITTEE_REVIEWER: frozenset(
        {
            Perm.VIEW,
            Perm.EDIT_MEMBERS,
            Perm.MANAGE_ORGS,
            Perm.REVIEW,
            Perm.VIEW_IDENTITY,
            Perm.EXPORT,
        }
    ),
    Role.ORG_DEPARTMENT: frozenset(Perm),
    Role.AUDITOR: frozenset({Perm.VIEW, Perm.VIEW_AUDIT, Perm.EXPORT}),
}


def has_perm(user, perm: Perm) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.organization_id:
        return False
    return perm in ROLE_PERMS.get(user.role, frozenset())
