"""The one place where a user's reach is decided (SPEC §2).

Every queryset of organizations, members, cases, forms and files goes through `visible_to`
(see `ScopedQuerySet`), and every object view fetches through `get_for_user`, which answers
404 outside the user's subtree — never another branch's data.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.transaction import TransactionManagementError
from django.http import Http404

from .permissions import Perm, has_perm
from .tree import is_in_subtree

# A path no organization can have: a user without an organization sees nothing.
NOWHERE = "!"


def scope_path(user) -> str:
    if not getattr(user, "is_authenticated", False) or user.organization_id is None:
        return NOWHERE
    return user.organization.path


def can_reach(user, org) -> bool:
    return org is not None and is_in_subtree(org.path, scope_path(user))


def get_for_user(queryset, user, *, for_write: bool = False, perm: Perm | None = None, **lookup):
    """Fetch one object of `queryset` inside the user's scope, or raise 404.

    `for_write` locks the row (call inside a transaction) and requires `perm`
    (EDIT_MEMBERS unless told otherwise); a user who may read but not write gets 403.
    """
    queryset = queryset.visible_to(user)
    if for_write:
        if not transaction.get_connection(queryset.db).in_atomic_block:
            # PostgreSQL refuses the lock outside a transaction; SQLite would silently take
            # none. Fail the same way on both, so that the tests find such a view.
            raise TransactionManagementError(
                "get_for_user(for_write=True) must run inside transaction.atomic()"
            )
        queryset = queryset.select_for_update()
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404("没有找到该记录，或不在您的管理范围内")
    required = perm or (Perm.EDIT_MEMBERS if for_write else Perm.VIEW)
    if not has_perm(user, required):
        raise PermissionDenied("您的角色没有此项操作权限")
    return obj


def require(user, perm: Perm) -> None:
    if not has_perm(user, perm):
        raise PermissionDenied("您的角色没有此项操作权限")


def authorize(user, perm: Perm, org, *, what: str = "该记录") -> None:
    """The check every service that changes data makes, inside its transaction and after
    locking its rows: `user` holds `perm`, and `org` (where the write lands) lies in the
    user's subtree. Raises PermissionDenied, the database untouched."""
    require(user, perm)
    if not can_reach(user, org):
        raise PermissionDenied(f"{what}不在您的管理范围内")
