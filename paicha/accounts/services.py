"""Accounts: created and changed by the organization department, within its subtree.

Each service needs MANAGE_USERS over the account's organization (checked after the account
is locked); an organization chosen outside the subtree is an error of the form's field.
"""

from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from paicha.core.signals import audit_requested
from paicha.core.transactions import service
from paicha.organizations.permissions import Perm
from paicha.organizations.scope import authorize, can_reach, require

from .models import User


def _check_org(acting_user, organization) -> None:
    if not can_reach(acting_user, organization):
        raise ValidationError({"organization": "只能为本级及下级党组织开设账号"})


def _lock(account: User, acting_user) -> User:
    account = (
        User.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=account.pk)
    )
    authorize(acting_user, Perm.MANAGE_USERS, account.organization, what=f"账号 {account.username}")
    return account


@service
def user_create(
    *,
    acting_user,
    username: str,
    password: str,
    organization,
    role: str,
    full_name: str = "",
    phone: str = "",
) -> User:
    require(acting_user, Perm.MANAGE_USERS)
    _check_org(acting_user, organization)
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"用户名 {username} 已被使用"})
    account = User(
        username=username, organization=organization, role=role, full_name=full_name, phone=phone
    )
    validate_password(password, account)
    account.set_password(password)
    account.full_clean()
    account.save()
    return account


@service
def user_update(*, acting_user, account: User, **fields) -> User:
    account = _lock(account, acting_user)
    if "organization" in fields:
        _check_org(acting_user, fields["organization"])
    if account.pk == acting_user.pk and fields.get("is_active") is False:
        raise ValidationError({"is_active": "不能停用自己的账号"})
    for name, value in fields.items():
        setattr(account, name, value)
    account.full_clean()
    account.save()
    return account


@service
def user_set_password(*, acting_user, account: User, password: str) -> None:
    account = _lock(account, acting_user)
    validate_password(password, account)
    account.set_password(password)
    account.save(update_fields=["password"])
    audit_requested.send(
        User,
        acting_user=acting_user,
        action="update",
        obj=account,
        note="重置密码",
        org_path=account.organization.path if account.organization else "",
    )


@service
def user_unlock(*, acting_user, account: User) -> int:
    """Lift a login lockout (django-axes) early; returns the attempts cleared."""
    account = _lock(account, acting_user)
    cleared = axes_reset(username=account.username.strip().lower())
    audit_requested.send(
        User,
        acting_user=acting_user,
        action="update",
        obj=account,
        note="解除登录锁定",
        org_path=account.organization.path if account.organization else "",
    )
    return cleared
