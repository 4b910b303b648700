"""The first start of an empty installation: its top organization and first account."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from paicha.accounts.models import User
from paicha.codes import OrgKind
from paicha.organizations.models import Organization
from paicha.organizations.permissions import Role
from paicha.organizations.services import org_create_top


def is_empty() -> bool:
    """No organization yet: the installation still needs `installation_init`."""
    return not Organization.objects.exists()


@transaction.atomic
def installation_init(
    *,
    org_name: str,
    org_code: str,
    org_category: str,
    username: str,
    password: str,
    full_name: str = "",
    org_kind: str = OrgKind.DEPARTMENT,
) -> tuple[Organization, User]:
    """Create the top organization and its first 组织部门 account; only in an empty
    installation. Every bad value is reported at once, by field, in Chinese."""
    # Lock out a second first-run submitted at the same time: the one that waits finds the
    # organization of the other and stops.
    list(Organization.objects.select_for_update().all()[:1])
    if not is_empty():
        raise ValidationError({"__all__": "系统已经初始化（已有党组织），不能再次初始化"})
    errors = {}
    org_name, org_code, username = org_name.strip(), org_code.strip(), username.strip()
    if not org_name:
        errors["org_name"] = "请填写组织名称"
    if not org_code:
        errors["org_code"] = "请填写组织代码"
    if not username:
        errors["username"] = "请填写用户名"
    account = User(username=username, role=Role.ORG_DEPARTMENT, full_name=full_name.strip())
    try:
        validate_password(password, account)
    except ValidationError as exc:
        errors["password"] = "；".join(exc.messages)
    if errors:
        raise ValidationError(errors)
    try:
        org = org_create_top(name=org_name, code=org_code, category=org_category, kind=org_kind)
    except ValidationError as exc:
        raise ValidationError(
            {
                f"org_{k}" if k in ("name", "code", "category", "kind") else k: v
                for k, v in exc.message_dict.items()
            }
        ) from exc
    account.organization = org
    account.set_password(password)
    account.full_clean()
    account.save()
    return org, account
