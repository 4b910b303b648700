"""Who is acting (`core.acting`, where services set it) and whether rows are audited one by
one, for audit rows written far from the request (signals, services)."""

from contextlib import contextmanager
from contextvars import ContextVar

from paicha.core.acting import acting_as, current_user

__all__ = ["acting_as", "current_user", "is_suspended", "suspended"]

_suspended: ContextVar[bool] = ContextVar("audit_suspended", default=False)


@contextmanager
def suspended():
    """For bulk writers that record one summary entry instead of one per row."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


def is_suspended() -> bool:
    return _suspended.get()
