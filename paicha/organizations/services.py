"""Everything that can happen to an organization: create, update, move, merge.

Each change is atomic and audited; the audit log keeps the history of names and places. The
acting user must hold MANAGE_ORGS over every organization it touches, and cannot move or merge
the organization of its own account (that belongs to the level above). The top of a tree is
created once, by the first-run set-up (`org_create_top`): no account reaches above it.
"""

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Value
from django.db.models.functions import Concat, Length, Substr

from paicha.core.signals import audit_requested
from paicha.core.transactions import service
from paicha.organizations.permissions import Perm
from paicha.organizations.scope import authorize

from .models import Organization, OrgScopedModel
from .tree import (
    MAX_DEPTH,
    SEGMENT_WIDTH,
    decode_segment,
    encode_segment,
    is_in_subtree,
    subtree_q,
)

EDITABLE_FIELDS = (
    "code",
    "name",
    "short_name",
    "kind",
    "category",
    "secretary",
    "secretary_phone",
    "organizer",
    "organizer_phone",
    "office_phone",
    "email",
    "intranet_address",
    "wechat_group",
    "wechat_group_link",
    "secretary_wechat",
    "secretary_email",
    "organizer_wechat",
    "organizer_email",
)


def _next_child_path(parent: Organization | None) -> str:
    prefix = parent.path if parent else ""
    siblings = (
        Organization.objects.filter(parent=parent)
        if parent
        else Organization.objects.filter(parent__isnull=True)
    )
    last = siblings.aggregate(last=Max("path"))["last"]
    number = decode_segment(last[-SEGMENT_WIDTH:]) + 1 if last else 1
    return prefix + encode_segment(number)


def _check_code_free(code: str, exclude_pk: int | None = None) -> None:
    taken = Organization.objects.filter(code=code)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({"code": f"组织代码 {code} 已被“{taken.first().name}”使用"})


def _create(parent: Organization | None, fields: dict) -> Organization:
    _check_code_free(fields["code"])
    org = Organization(parent=parent, **fields)
    org.path = _next_child_path(parent)
    org.depth = len(org.path) // SEGMENT_WIDTH - 1
    org.full_clean()
    org.save()
    return org


@service
def org_create(*, parent: Organization, acting_user, **fields) -> Organization:
    """A new organization below `parent`."""
    parent = Organization.objects.select_for_update().get(pk=parent.pk)
    authorize(acting_user, Perm.MANAGE_ORGS, parent, what=f"“{parent.name}”")
    if not parent.is_active:
        raise ValidationError({"parent": f"上级党组织“{parent.name}”已撤销或合并，不能再设下级"})
    if parent.depth + 1 >= MAX_DEPTH:
        raise ValidationError({"parent": f"组织层级不能超过 {MAX_DEPTH} 级"})
    return _create(parent, fields)


@transaction.atomic
def org_create_top(**fields) -> Organization:
    """The top organization of a tree, made by the first-run set-up before any account exists
    (`workspace.installation`); every other organization is made by `org_create`."""
    return _create(None, fields)


def _own_level(org: Organization, acting_user) -> None:
    if org.pk == acting_user.organization_id:
        raise PermissionDenied("不能调整本级党组织自身的隶属关系")


@service
def org_update(*, org: Organization, acting_user, **fields) -> Organization:
    """Rename or change the contacts of an organization (the audit log keeps the old values)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"不可修改的字段：{', '.join(sorted(unknown))}")
    org = Organization.objects.select_for_update().get(pk=org.pk)
    authorize(acting_user, Perm.MANAGE_ORGS, org, what=f"“{org.name}”")
    if "code" in fields:
        _check_code_free(fields["code"], exclude_pk=org.pk)
    for name, value in fields.items():
        setattr(org, name, value)
    org.full_clean()
    org.save()
    return org


def _scoped_models() -> list[type[OrgScopedModel]]:
    return [m for m in apps.get_models() if issubclass(m, OrgScopedModel)]


def _rewrite_paths(old_prefix: str, new_prefix: str) -> None:
    """Replace `old_prefix` by `new_prefix` in every path of the subtree, in bulk."""
    cut = len(old_prefix) + 1
    Organization.objects.filter(subtree_q(old_prefix, "path")).update(
        path=Concat(Value(new_prefix), Substr("path", cut)),
        depth=(Length(Concat(Value(new_prefix), Substr("path", cut))) / SEGMENT_WIDTH) - 1,
    )
    for model in _scoped_models():
        model.objects.filter(subtree_q(old_prefix)).update(
            org_path=Concat(Value(new_prefix), Substr("org_path", cut))
        )


@service
def org_move(*, org: Organization, new_parent: Organization, acting_user) -> Organization:
    """Put `org` with its whole subtree (members, records) under `new_parent`."""
    org = Organization.objects.select_for_update().get(pk=org.pk)
    new_parent = Organization.objects.get(pk=new_parent.pk)
    authorize(acting_user, Perm.MANAGE_ORGS, org, what=f"“{org.name}”")
    authorize(acting_user, Perm.MANAGE_ORGS, new_parent, what=f"“{new_parent.name}”")
    _own_level(org, acting_user)
    if is_in_subtree(new_parent.path, org.path):
        raise ValidationError({"parent": "不能把组织移到它自己或它的下级组织之下"})
    if org.parent_id == new_parent.pk:
        raise ValidationError({"parent": f"“{org.name}”已经在“{new_parent.name}”之下"})
    if not new_parent.is_active:
        raise ValidationError({"parent": f"“{new_parent.name}”已撤销或合并"})
    old_parent, old_path = org.parent, org.path
    new_path = _next_child_path(new_parent)
    _rewrite_paths(old_path, new_path)
    Organization.objects.filter(pk=org.pk).update(parent=new_parent)
    org.refresh_from_db()
    audit_requested.send(
        Organization,
        acting_user=acting_user,
        action="move",
        obj=org,
        changes={
            "上级党组织": [old_parent.name if old_parent else "", new_parent.name],
            "path": [old_path, new_path],
        },
    )
    return org


@service
def org_merge(*, source: Organization, target: Organization, acting_user) -> Organization:
    """Merge `source` into `target`: its members, records and sub-organizations move to
    `target`; `source` stays, inactive, with `merged_into` pointing at `target`."""
    source = Organization.objects.select_for_update().get(pk=source.pk)
    target = Organization.objects.select_for_update().get(pk=target.pk)
    authorize(acting_user, Perm.MANAGE_ORGS, source, what=f"“{source.name}”")
    authorize(acting_user, Perm.MANAGE_ORGS, target, what=f"“{target.name}”")
    _own_level(source, acting_user)
    if source.pk == target.pk:
        raise ValidationError({"target": "不能把组织合并到它自己"})
    if is_in_subtree(target.path, source.path):
        raise ValidationError({"target": "不能合并到被合并组织的下级组织"})
    if not source.is_active or not target.is_active:
        raise ValidationError({"target": "已撤销或合并的组织不能再合并"})
    for child in list(source.children.filter(is_active=True)):
        org_move(org=child, new_parent=target, acting_user=acting_user)
    for model in _scoped_models():
        field = model.org_field
        rows = model.objects.filter(**{field: source})
        rows.update(**{field: target, "org_path": target.path})
    source.is_active = False
    source.merged_into = target
    source.save()
    audit_requested.send(
        Organization,
        acting_user=acting_user,
        action="merge",
        obj=source,
        changes={"并入组织": ["", f"{target.name}（{target.code}）"]},
    )
    return target
