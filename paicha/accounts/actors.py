"""Who a command line acts as.

A command that changes data (`paicha import-members`, `paicha books-date`, `paicha form`, the
first-run set-up) passes an acting user to its services like a page does: the account named
by `--user`, or else the command-line account of the organization's tree — a 组织部门 account
at the top organization that nobody can log in with, so the audit log names the command.
"""

from paicha.organizations.models import Organization
from paicha.organizations.permissions import Role

from .models import User


class UnknownUser(LookupError):
    pass


def command_actor(organization: Organization, username: str | None = None) -> User:
    """The user a command acts as over `organization`: `username` if given (it must exist),
    else the command-line account of the top of the organization's tree."""
    if username:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise UnknownUser(f"没有用户 {username}")
        return user
    root = organization.ancestors().first() or organization
    user, _ = User.objects.get_or_create(
        username=f"cli-{root.code}",
        defaults={
            "full_name": "命令行",
            "organization": root,
            "role": Role.ORG_DEPARTMENT,
            "is_active": False,
        },
    )
    return user
