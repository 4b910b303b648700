"""Every save and delete of every paicha record becomes an audit row (before → after).

The row is written in the same transaction as the change, so neither exists without the other.
"""

from django.contrib.auth.signals import user_logged_in
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save

from paicha.core.signals import audit_requested

from .context import is_suspended
from .models import AuditAction, AuditEntry
from .services import audit_record

AUDITED_APPS = {
    "organizations",
    "accounts",
    "members",
    "evidence",
    "transfers",
    "cases",
    "campaigns",
    "reports",
}
# Bookkeeping that changes on every login or save and says nothing about the record.
IGNORED_FIELDS = {
    "password",
    "last_login",
    "updated_at",
    "created_at",
    "org_path",
    "path",
    "depth",
    "name_initials",
    "search_text",
}


def _audited(sender) -> bool:
    return sender._meta.app_label in AUDITED_APPS and sender is not AuditEntry


def _snapshot(instance) -> dict:
    values = {}
    for field in instance._meta.concrete_fields:
        # The record's own key says nothing to a reader; the entry already names the record.
        if field.name in IGNORED_FIELDS or field.primary_key:
            continue
        if isinstance(field, models.ForeignKey):
            values[str(field.verbose_name)] = getattr(instance, field.attname)
            continue
        value = getattr(instance, field.attname)
        if field.choices and value not in (None, ""):
            value = dict(field.flatchoices).get(value, value)
        values[str(field.verbose_name)] = value
    return values


def _before_save(sender, instance, raw=False, **kwargs):
    if raw or is_suspended() or not _audited(sender):
        return
    instance._audit_before = None
    if instance.pk is not None:
        old = sender._default_manager.filter(pk=instance.pk).first()
        if old is not None:
            instance._audit_before = _snapshot(old)


def _named_relations(model, changes: dict) -> dict:
    """Replace related ids by the related records' names, for readers of the log."""
    for field in model._meta.concrete_fields:
        label = str(field.verbose_name)
        if isinstance(field, models.ForeignKey) and label in changes:
            ids = [v for v in changes[label] if v is not None]
            names = {o.pk: str(o) for o in field.related_model._default_manager.filter(pk__in=ids)}
            changes[label] = [names.get(v, v) for v in changes[label]]
    return changes


def _readable(changes: dict) -> dict:
    """Yes/no fields as 是/否, as the pages print them."""
    return {
        k: [("是" if v else "否") if isinstance(v, bool) else v for v in pair]
        for k, pair in changes.items()
    }


def _after_save(sender, instance, created, raw=False, **kwargs):
    if raw or is_suspended() or not _audited(sender):
        return
    from .services import audit_record

    after = _snapshot(instance)
    before = getattr(instance, "_audit_before", None) or {}
    if created or not before:
        changes = {k: [None, v] for k, v in after.items() if v not in (None, "", False)}
        action = AuditAction.CREATE
    else:
        changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        action = AuditAction.UPDATE
        if not changes:
            return
    audit_record(action=action, obj=instance, changes=_readable(_named_relations(sender, changes)))


def _after_delete(sender, instance, **kwargs):
    if is_suspended() or not _audited(sender):
        return
    from .services import audit_record

    before = _snapshot(instance)
    changes = {k: [v, None] for k, v in before.items() if v not in (None, "")}
    audit_record(
        action=AuditAction.DELETE,
        obj=instance,
        changes=_readable(_named_relations(sender, changes)),
    )


def connect() -> None:
    pre_save.connect(_before_save, dispatch_uid="audit_before_save")
    post_save.connect(_after_save, dispatch_uid="audit_after_save")
    post_delete.connect(_after_delete, dispatch_uid="audit_after_delete")
    user_logged_in.connect(_logged_in, dispatch_uid="audit_login")
    audit_requested.connect(_requested, dispatch_uid="audit_requested")


def _logged_in(sender, request, user, **kwargs):
    """Every login leaves an audit row, filed under the account's organization."""
    address = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    audit_record(
        acting_user=user,
        action=AuditAction.LOGIN,
        obj=user,
        note=f"登录（{address}）" if address else "登录",
        org_path=user.organization.path if user.organization_id else "",
    )


def _requested(sender, signal, **entry):
    audit_record(**entry)
