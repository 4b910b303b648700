from django.http import Http404

from paicha.organizations.permissions import Perm
from paicha.organizations.scope import require, scope_path
from paicha.organizations.tree import subtree_q

from .models import User


def users_visible_to(user):
    """Accounts acting for an organization of the user's subtree."""
    return User.objects.filter(subtree_q(scope_path(user), "organization__path"))


def get_user_for_manager(manager, pk: int) -> User:
    require(manager, Perm.MANAGE_USERS)
    account = users_visible_to(manager).select_related("organization").filter(pk=pk).first()
    if account is None:
        raise Http404("没有找到该用户，或不在您的管理范围内")
    return account
