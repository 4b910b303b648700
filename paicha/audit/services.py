"""Writing the audit log. Changes are caught by signals; exports are recorded by the view."""

import datetime
import decimal

from django.db import models

from .context import current_user
from .models import AuditAction, AuditEntry


def _plain(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    return value


def _context_of(obj) -> tuple[str, int | None, str]:
    """(org_path, member id, member name) that an audit row about `obj` is filed under."""
    from paicha.organizations.models import Organization

    if isinstance(obj, Organization):
        return obj.path, None, ""
    org_path = getattr(obj, "org_path", "") or ""
    if obj._meta.label == "members.Member":
        return org_path, obj.pk, obj.name
    member = getattr(obj, "member", None) if hasattr(obj, "member_id") else None
    if member is not None:
        return org_path or member.org_path, member.pk, member.name
    return org_path, None, ""


def _repr(obj) -> str:
    """The record as people name it; a model without a name of its own is named by its kind
    and number rather than Django's English "X object (N)"."""
    text = str(obj)
    if text == f"{type(obj).__name__} object ({obj.pk})":
        return f"{obj._meta.verbose_name}（编号 {obj.pk}）"
    return text


def audit_record(
    *,
    acting_user=None,
    action: str,
    obj=None,
    changes: dict | None = None,
    note: str = "",
    org_path: str | None = None,
) -> AuditEntry:
    actor = acting_user if acting_user is not None else current_user()
    entry = AuditEntry(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(str(actor) if actor else "系统"),
        action=action,
        changes={k: [_plain(b), _plain(a)] for k, (b, a) in (changes or {}).items()},
        note=note[:300],
    )
    if obj is not None:
        entry.model = obj._meta.label
        entry.model_label = str(obj._meta.verbose_name)
        entry.object_id = str(obj.pk or "")
        entry.object_repr = _repr(obj)[:200]
        entry.org_path, entry.member_id, entry.member_name = _context_of(obj)
    if org_path is not None:
        entry.org_path = org_path
    entry.save()
    return entry


def audit_export(*, acting_user, what: str, org=None, params: dict | None = None) -> AuditEntry:
    """Record a download; `what` names the file or form, `params` its filters."""
    return audit_record(
        acting_user=acting_user,
        action=AuditAction.EXPORT,
        obj=org,
        note=what,
        changes={k: ["", v] for k, v in (params or {}).items()},
    )
