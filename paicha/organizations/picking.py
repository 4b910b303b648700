"""Choosing an organization: the picker's tree and search (limited to the user's subtree), and
the choice remembered across pages.

A page that lists or reports on an organization reads its code with `chosen_org_code`: the
URL's ``?org=`` when given (and then remembered in a cookie), otherwise the organization
last chosen on any such page, as long as it is still in the user's subtree.
"""

from django.conf import settings
from django.db.models import Count, Q

from paicha.core.pinyin import initials

from .models import Organization

COOKIE_NAME = "paicha_org"
COOKIE_AGE = 180 * 24 * 3600
SEARCH_LIMIT = 30


def _active(user):
    return Organization.objects.visible_to(user).filter(is_active=True)


def chosen_org_code(request) -> str:
    """The organization code the page is about ("" for the user's own): ``?org=`` wins and is
    remembered when it names one of the user's subtree; else the one remembered.

    The choice is kept in a cookie, not the session: reading a page never writes to the
    database (a reader must not wait on an import's write)."""
    code = request.GET.get("org", "").strip()
    remembered = request.COOKIES.get(COOKIE_NAME, "")
    if code:
        if remembered != code and _active(request.user).filter(code=code).exists():
            request.org_to_remember = code
        return code
    if remembered and not _active(request.user).filter(code=remembered).exists():
        request.org_to_remember = ""
        return ""
    return remembered


class RememberChosenOrgMiddleware:
    """Sets (or clears) the cookie of the organization chosen on this request's page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        code = getattr(request, "org_to_remember", None)
        if code is not None and response.status_code < 400:
            if code:
                response.set_cookie(
                    COOKIE_NAME,
                    code,
                    max_age=COOKIE_AGE,
                    httponly=True,
                    samesite="Lax",
                    secure=settings.SESSION_COOKIE_SECURE,
                )
            else:
                response.delete_cookie(COOKIE_NAME, samesite="Lax")
        return response


def _entry(org, *, has_children: bool | None = None, trail: str = "") -> dict:
    entry = {"code": org.code, "name": org.name}
    if has_children is not None:
        entry["has_children"] = has_children
    if trail:
        entry["trail"] = trail
    return entry


def org_children(user, code: str | None) -> list[dict]:
    """The picker's tree: the user's own organization (no code), or the active children of
    `code` (one of the user's subtree; None when it is not)."""
    orgs = _active(user)
    if not code:
        parents = orgs.filter(pk=user.organization_id)
    else:
        parent = orgs.filter(code=code).first()
        if parent is None:
            return None
        parents = orgs.filter(parent=parent)
    rows = parents.annotate(
        n_children=Count("children", filter=Q(children__is_active=True))
    ).order_by("path")
    return [_entry(o, has_children=o.n_children > 0) for o in rows]


def org_search(user, query: str) -> list[dict]:
    """Organizations of the user's subtree whose name or short name contains `query`, whose
    code starts with it, or whose name's pinyin initials contain it (wxy → 文学院党委)."""
    query = query.strip()
    if not query:
        return []
    orgs = _active(user)
    lowered = query.lower()
    if lowered.isascii() and lowered.isalpha():
        codes = [
            code
            for code, name, short in orgs.values_list("code", "name", "short_name")
            if lowered in initials(name) or (short and lowered in initials(short))
        ]
        matches = orgs.filter(Q(code__in=codes[: SEARCH_LIMIT * 4]) | Q(name__icontains=query))
    else:
        matches = orgs.filter(
            Q(name__icontains=query) | Q(short_name__icontains=query) | Q(code__startswith=query)
        )
    found = list(matches.order_by("path")[:SEARCH_LIMIT])
    # Each found one with the names above it inside the user's subtree: 文学院党委 / 第一党支部.
    root_depth = user.organization.depth if user.organization else 0
    ancestor_ids = {a for o in found for a in _ancestor_paths(o, root_depth)}
    names = dict(orgs.filter(path__in=ancestor_ids).values_list("path", "name"))
    return [
        _entry(o, trail=" / ".join(names[p] for p in _ancestor_paths(o, root_depth) if p in names))
        for o in found
    ]


def _ancestor_paths(org, root_depth: int) -> list[str]:
    from .tree import SEGMENT_WIDTH

    return [org.path[: SEGMENT_WIDTH * (d + 1)] for d in range(root_depth, org.depth)]
