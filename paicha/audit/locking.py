"""Optimistic locking of edit forms: a save based on an old copy of a record is refused.

The edit page carries the record's version (its `updated_at`, to the microsecond) in a hidden
field; the view, having locked the row, compares it with the stored one. If someone saved the
record in between, nothing is written and the page says who changed what (from the audit log).
"""

VERSION_FIELD = "version"


def version_of(obj) -> str:
    stamp = getattr(obj, "updated_at", None)
    return stamp.isoformat() if stamp else ""


def is_stale(obj, data) -> bool:
    """True when `data` (the POST) was filled in from an older version of `obj`. A POST that
    carries no version (a script, not the edit page) is not checked."""
    version = data.get(VERSION_FIELD)
    return version is not None and version != version_of(obj)


def stale_message(obj, data, *, format_changes=None) -> str:
    """What the other users changed since the version in `data`, as one Chinese sentence."""
    import datetime

    from django.utils import timezone

    from paicha.audit.models import AuditEntry

    since = None
    try:
        since = datetime.datetime.fromisoformat(data.get(VERSION_FIELD, ""))
    except ValueError:
        pass
    entries = AuditEntry.objects.filter(model=obj._meta.label, object_id=str(obj.pk))
    if since is not None:
        entries = entries.filter(at__gt=since)
    parts = []
    for entry in entries.order_by("at", "id"):
        changes = format_changes(entry.changes) if format_changes else entry.changes
        what = "；".join(f"{label}：{before or '（空）'} → {after or '（空）'}"
                        for label, (before, after) in changes.items()) or "（无字段变化）"
        at = timezone.localtime(entry.at)
        parts.append(f"{entry.actor_name or '系统'}于{at:%Y年%m月%d日 %H:%M}修改了 {what}")
    done = "。".join(parts) if parts else "该记录已被他人修改"
    return (f"保存失败：在您打开此页之后，{done}。您的修改没有保存，以上为当前内容；"
            "请核对后再保存。")
