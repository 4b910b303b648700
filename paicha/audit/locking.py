"""Optimistic locking of edit forms: a save based on an old copy of a record is refused.

The edit page carries the record's version (its `updated_at`, to the microsecond) in a hidden
field; the view, having locked the row, compares it with the stored one. If someone saved the
record in between, nothing is written and the page says who changed what (from the audit log),
beside what this user had typed; the form then shows the current record and its new version,
so the user redoes the change on top of the other one (`refusal_if_stale`).
"""

import datetime

VERSION_FIELD = "version"


def version_of(obj) -> str:
    """The record's `updated_at`, then `@` and the newest audit entry's id when the page was
    drawn: the entries after that id are what others changed since (cheap: the primary key)."""
    from paicha.audit.models import AuditEntry

    stamp = getattr(obj, "updated_at", None)
    if not stamp:
        return ""
    seen = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    return f"{stamp.isoformat()}@{seen}"


def _stamp(version: str) -> str:
    return version.partition("@")[0]


def is_stale(obj, data) -> bool:
    """True when `data` (the POST) was filled in from an older version of `obj`. A POST that
    carries no version (a script, not the edit page) is not checked."""
    version = data.get(VERSION_FIELD)
    stamp = getattr(obj, "updated_at", None)
    return version is not None and _stamp(version) != (stamp.isoformat() if stamp else "")


def _shown(value) -> str:
    if value in (None, ""):
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _typed(obj, form) -> dict:
    """What the bound `form` holds in each of its fields, by the record's field labels
    (the audit log's keys): {label: value as the pages print it}."""
    if form is None:
        return {}
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    model_fields = {f.name: f for f in obj._meta.concrete_fields}
    typed = {}
    for name, field in form.fields.items():
        model_field = model_fields.get(name)
        label = str(model_field.verbose_name) if model_field else str(field.label)
        value = cleaned[name] if name in cleaned else form[name].value()
        if model_field is not None and model_field.choices and value not in (None, ""):
            value = dict(model_field.flatchoices).get(value, value)
        elif (
            getattr(field, "choices", None) and not hasattr(value, "pk") and value not in (None, "")
        ):
            value = {str(k): v for k, v in field.choices}.get(str(value), value)
        typed[label] = _shown(value)
    return typed


def stale_message(obj, data, *, format_changes=None, form=None) -> str:
    """What the other users changed since the version in `data`, as one Chinese sentence; with
    the bound `form`, each change is followed by the value this user had typed, and this
    user's other unsaved values are listed after."""
    from django.utils import timezone

    from paicha.audit.models import AuditEntry

    stamp, _, seen = data.get(VERSION_FIELD, "").partition("@")
    entries = AuditEntry.objects.filter(model=obj._meta.label, object_id=str(obj.pk))
    if seen.isdigit():
        entries = entries.filter(id__gt=int(seen))
    else:
        try:
            entries = entries.filter(at__gt=datetime.datetime.fromisoformat(stamp))
        except ValueError:
            pass
    typed = _typed(obj, form)
    mine = {}
    if form is not None:
        labels = {
            name: str(obj._meta.get_field(name).verbose_name)
            if name in {f.name for f in obj._meta.concrete_fields}
            else str(form.fields[name].label)
            for name in form.fields
        }
        mine = {labels[name]: typed[labels[name]] for name in form.changed_data if name in labels}
    parts, theirs = [], set()
    for entry in entries.order_by("at", "id"):
        changes = format_changes(entry.changes) if format_changes else entry.changes
        items = []
        for label, (before, after) in changes.items():
            theirs.add(label)
            item = f"{label}：{before or '（空）'} → {after or '（空）'}"
            if label in typed:
                item += f"（您填写的是：{typed[label]}）"
            items.append(item)
        what = "；".join(items) or "（无字段变化）"
        at = timezone.localtime(entry.at)
        parts.append(f"{entry.actor_name or '系统'}于{at:%Y年%m月%d日 %H:%M}修改了 {what}")
    done = "。".join(parts) if parts else "该记录已被他人修改"
    yours = "；".join(f"{label}：{value}" for label, value in mine.items() if label not in theirs)
    yours = f"您填写的其他内容：{yours}。" if yours else ""
    return (
        f"保存失败：在您打开此页之后，{done}。{yours}您的修改没有保存，表单中为当前内容；"
        "请在当前内容上重新修改后再保存。"
    )


def refusal_if_stale(obj, form, current_form):
    """For a POST filled in from an older version of `obj` (locked by the caller): a form
    showing the current record (`current_form()`) that carries the refusal, to render instead
    of saving. None when the POST is current (or carries no version)."""
    if not form.is_bound or not is_stale(obj, form.data):
        return None
    from django.forms.forms import NON_FIELD_ERRORS

    message = stale_message(obj, form.data, form=form)
    current = current_form()
    current.errors[NON_FIELD_ERRORS] = current.error_class(
        [message], error_class="nonfield", renderer=current.renderer
    )
    return current
