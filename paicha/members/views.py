from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render

from paicha.accounts.permissions import Perm
from paicha.accounts.scope import require
from paicha.organizations.models import Organization

from . import services
from .forms import MemberForm
from .models import Member
from .selectors import (
    get_member_for_user, member_history, member_record_groups, member_related_sections,
)


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
    show_identity = request.user.can(Perm.VIEW_IDENTITY)
    return render(request, "members/detail.html", {
        "member": member,
        "groups": member_record_groups(member, show_identity=show_identity),
        "can_edit": request.user.can(Perm.EDIT_MEMBERS),
        "history": member_history(member, show_identity=show_identity),
        "sections": member_related_sections(member),
    })


def _form_errors_from(exc: ValidationError, form) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def create(request):
    require(request.user, Perm.EDIT_MEMBERS)
    initial = {}
    if code := request.GET.get("org"):
        initial["organization"] = Organization.objects.visible_to(request.user).filter(
            code=code).first()
    elif request.user.organization and not request.user.organization.children.exists():
        initial["organization"] = request.user.organization
    form = MemberForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            member = services.member_create(organization=data.pop("organization"),
                                            acting_user=request.user, **data)
        except ValidationError as exc:
            _form_errors_from(exc, form)
        else:
            messages.success(request, f"已登记党员“{member.name}”")
            return redirect(member)
    return render(request, "members/form.html", {"form": form, "title": "登记党员"})


def edit(request, pk):
    with transaction.atomic():
        member = get_member_for_user(request.user, pk, for_write=True)
        form = MemberForm(request.POST or None, instance=member, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                services.member_update(member=member, acting_user=request.user,
                                       **{f: form.cleaned_data[f] for f in form.changed_data})
            except ValidationError as exc:
                _form_errors_from(exc, form)
            else:
                messages.success(request, f"已保存“{member.name}”的信息")
                return redirect(member)
    return render(request, "members/form.html",
                  {"form": form, "member": member, "title": f"修改“{member.name}”的信息"})
