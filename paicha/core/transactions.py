"""Transactions: views that lock what they change run their POST in one; services run in one."""

import functools

from django.db import transaction

from .acting import acting_as


def atomic_post(view):
    """Run a POST of `view` inside `transaction.atomic()`, so that the rows it fetches with
    `get_for_user(..., for_write=True)` stay locked until its service has written. A GET is
    left outside any transaction (on SQLite a transaction takes the write lock)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "POST":
            with transaction.atomic():
                return view(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return wrapped


def service(func):
    """A service that changes data: one transaction, and every audit row written inside it
    names `acting_user` (a required keyword). The function itself checks that the user may act
    where it writes (`organizations.scope.authorize`), after it has locked the rows."""

    @functools.wraps(func)
    def wrapper(*args, acting_user, **kwargs):
        with transaction.atomic(), acting_as(acting_user):
            return func(*args, acting_user=acting_user, **kwargs)

    return wrapper
