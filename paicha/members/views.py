from django.core.paginator import Paginator
from django.shortcuts import render

from paicha.accounts.permissions import Perm
from paicha.organizations.models import Organization

from .models import Member
from .selectors import get_member_for_user


def member_list(request):
    members = Member.objects.visible_to(request.user).on_roster()
    org = request.user.organization
    if code := request.GET.get("org"):
        org = Organization.objects.visible_to(request.user).filter(code=code).first() or org
        members = members.filter(organization=org) if request.GET.get("sub") == "0" else \
            members.in_subtree(org)
    page = Paginator(members.select_related("organization"), 50).get_page(request.GET.get("page"))
    return render(request, "members/list.html", {"page": page, "org": org})


def detail(request, pk):
    member = get_member_for_user(request.user, pk)
    return render(request, "members/detail.html", {
        "member": member, "show_identity": request.user.can(Perm.VIEW_IDENTITY),
    })
