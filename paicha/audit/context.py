"""Who is acting, for audit rows written far from the request (signals, services)."""

from contextlib import contextmanager
from contextvars import ContextVar

_acting_user: ContextVar = ContextVar("acting_user", default=None)
_suspended: ContextVar[bool] = ContextVar("audit_suspended", default=False)


def current_user():
    return _acting_user.get()


@contextmanager
def acting_as(user):
    token = _acting_user.set(user)
    try:
        yield
    finally:
        _acting_user.reset(token)


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
