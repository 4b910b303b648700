from .models import AuditEntry


def history_of(obj):
    """The record's own entries in the audit log: creation, changes, moves, merges."""
    return AuditEntry.objects.filter(model=obj._meta.label, object_id=str(obj.pk))
