"""Views that lock what they change run their POST in one transaction."""

import functools

from django.db import transaction


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
