"""Who is acting: the user a service works for, read far from the request (audit signals).

The audit app records it on every row; a service sets it for its whole transaction
(`core.transactions.service`), a request through the audit middleware.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_acting_user: ContextVar = ContextVar("acting_user", default=None)


def current_user():
    return _acting_user.get()


@contextmanager
def acting_as(user):
    token = _acting_user.set(user)
    try:
        yield
    finally:
        _acting_user.reset(token)
