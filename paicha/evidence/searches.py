"""What the 失联 pages show of the search for a member, from the app that keeps the searches.

The 失联 list links each member to his open case, and the dashboard counts the cases by 失联原因
with a drill-down to them. The cases app sits above evidence (a case reads the evidence), so
evidence does not import it: cases registers these three reads when it starts (cases.apps).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet


@dataclass(frozen=True)
class Searches:
    # members queryset → the same, annotated with `open_case` (the open case's id, or None)
    with_open_case: Callable[[QuerySet], QuerySet]
    # (org, as_of) → {失联原因 code: cases of org's subtree opened by as_of}
    counts_by_reason: Callable[..., dict[str, int]]
    # (user, org, as_of, reason) → those cases the user may see
    cases_by_reason: Callable[..., QuerySet]


_registered: Searches | None = None


def register(searches: Searches) -> None:
    global _registered
    _registered = searches


def searches() -> Searches:
    if _registered is None:
        raise ImproperlyConfigured("失联党员查找（cases）应用未安装：失联名单无法显示查找情况")
    return _registered
