"""Accounts: created and changed by the organization department, within its subtree."""

from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from paicha.audit.services import audit_record

from .models import User
from .scope import can_reach


def _check_org(acting_user, organization) -> None:
    if not can_reach(acting_user, organization):
        raise ValidationError({"organization": "只能为本级及下级党组织开设账号"})


@transaction.atomic
def user_create(*, acting_user, username: str, password: str, organization, role: str,
                full_name: str = "", phone: str = "") -> User:
    _check_org(acting_user, organization)
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"用户名 {username} 已被使用"})
    account = User(username=username, organization=organization, role=role,
                   full_name=full_name, phone=phone)
    validate_password(password, account)
    account.set_password(password)
    account.full_clean()
    account.save()
    return account


@transaction.atomic
def user_update(*, acting_user, account: User, **fields) -> User:
    if "organization" in fields:
        _check_org(acting_user, fields["organization"])
    if account.pk == acting_user.pk and fields.get("is_active") is False:
        raise ValidationError({"is_active": "不能停用自己的账号"})
    for name, value in fields.items():
        setattr(account, name, value)
    account.full_clean()
    account.save()
    return account


@transaction.atomic
def user_set_password(*, acting_user, account: User, password: str) -> None:
    validate_password(password, account)
    account.set_password(password)
    account.save(update_fields=["password"])
    audit_record(acting_user=acting_user, action="update", obj=account, note="重置密码",
                 org_path=account.organization.path if account.organization else "")


def user_unlock(*, acting_user, account: User) -> int:
    """Lift a login lockout (django-axes) early; returns the attempts cleared."""
    cleared = axes_reset(username=account.username.strip().lower())
    audit_record(acting_user=acting_user, action="update", obj=account, note="解除登录锁定",
                 org_path=account.organization.path if account.organization else "")
    return cleared
