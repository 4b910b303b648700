from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone

from paicha.members.models import Member
from paicha.organizations.models import Organization


def home(request):
    from paicha.evidence.selectors import roster_counts

    user = request.user
    today = timezone.localdate()
    members = Member.objects.visible_to(user)
    orgs = Organization.objects.visible_to(user).filter(is_active=True)
    children = user.organization.children.filter(is_active=True) if user.organization else []
    # The same counts as the dashboard of the user's organization on the same day.
    counts = roster_counts(members, as_of=today) if user.organization else {}
    return render(
        request,
        "core/home.html",
        {
            "member_total": members.count(),
            "member_active": counts.get("members", 0),
            "org_count": orgs.count(),
            "children": children,
            "work": {
                **_work_counts(user, today),
                "lost": counts["lost"],
                "unverified": counts["unverified"],
            }
            if user.organization
            else {},
        },
    )


def _work_counts(user, today):
    """What is waiting for this user today, from each area's own selectors."""
    from paicha.cases.models import LostContactCase, SearchAttempt
    from paicha.cases.selectors import (
        attempts_missing_signature,
        cases_returned_to,
        cases_waiting_for,
    )
    from paicha.transfers.selectors import incoming_for_user, overdue_transfers_out

    return {
        "waiting": len(cases_waiting_for(user)),
        "returned": cases_returned_to(user).count(),
        "unsigned": attempts_missing_signature(SearchAttempt.objects.visible_to(user)).count(),
        "open_cases": LostContactCase.objects.visible_to(user).open().count(),
        "overdue": overdue_transfers_out(org=user.organization, as_of=today).count(),
        "incoming": incoming_for_user(user).count(),
    }


def search(request):
    """Members and organizations of the user's subtree by name or pinyin initials."""
    query = request.GET.get("q", "").strip()
    members = orgs = None
    if query:
        initials = query.lower()
        members = (
            Member.objects.visible_to(request.user)
            .filter(Q(name__contains=query) | Q(name_initials__startswith=initials))
            .select_related("organization")
        )
        orgs = Organization.objects.visible_to(request.user).filter(
            Q(name__contains=query) | Q(code=query)
        )[:20]
    page = Paginator(members, 30).get_page(request.GET.get("page")) if members is not None else None
    template = "core/_search_results.html" if request.htmx else "core/search.html"
    return render(request, template, {"q": query, "page": page, "orgs": orgs})
