from datetime import datetime, time

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone

from paicha.core.dates import LooseDateError, parse_loose_date
from paicha.organizations.models import Organization
from paicha.organizations.permissions import Perm
from paicha.organizations.scope import require
from paicha.organizations.tree import subtree_q

from .models import AuditAction, AuditEntry


def entry_list(request):
    """The audit log of the user's subtree, filtered by organization, person and date."""
    require(request.user, Perm.VIEW_AUDIT)
    entries = AuditEntry.objects.visible_to(request.user).select_related("actor")
    errors = []
    org_code = request.GET.get("org", "").strip()
    if org_code:
        org = Organization.objects.visible_to(request.user).filter(code=org_code).first()
        if org is None:
            errors.append(f"组织代码 {org_code} 不在您的管理范围内")
            entries = entries.none()
        else:
            entries = entries.filter(subtree_q(org.path))
    person = request.GET.get("person", "").strip()
    if person:
        entries = entries.filter(
            Q(actor_name__contains=person)
            | Q(member_name__contains=person)
            | Q(actor__username=person)
        )
    if action := request.GET.get("action"):
        entries = entries.filter(action=action)
    for key, lookup, edge in (("from", "at__gte", time.min), ("to", "at__lte", time.max)):
        raw = request.GET.get(key, "").strip()
        if not raw:
            continue
        try:
            day = parse_loose_date(raw)
        except LooseDateError as exc:
            errors.append(f"{'起始' if key == 'from' else '截止'}日期：{exc}")
            continue
        entries = entries.filter(**{lookup: timezone.make_aware(datetime.combine(day, edge))})
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/list.html",
        {
            "page": page,
            "errors": errors,
            "actions": AuditAction.choices,
            "filters": request.GET,
        },
    )
