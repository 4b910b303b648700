"""The organization pages (/orgs/): the tree, an organization with its history, new, edit,
move, merge, and the picker's data. They live above audit because they show the history from
the audit log and refuse an edit made from an older copy (`audit.locking`); what can happen to
an organization is in `organizations.services`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from paicha.audit.locking import refusal_if_stale, version_of
from paicha.audit.selectors import history_of
from paicha.core.forms import errors_into
from paicha.organizations import services
from paicha.organizations.forms import OrganizationForm, OrgChoiceForm
from paicha.organizations.permissions import Perm
from paicha.organizations.picking import org_children, org_search
from paicha.organizations.scope import require
from paicha.organizations.selectors import get_org_for_user, org_children_with_counts


def tree(request):
    return render(request, "organizations/tree.html", {"root": request.user.organization})


def tree_children(request, code):
    org = get_org_for_user(request.user, code)
    return render(
        request,
        "organizations/_tree_children.html",
        {
            "org": org,
            "children": org_children_with_counts(org),
            "show_root": request.GET.get("root") == "1",
        },
    )


@require_GET
def pick(request):
    """The organization picker's data: ``?q=`` searches the user's subtree, ``?parent=CODE``
    lists a node's children, neither gives the user's own organization."""
    if "q" in request.GET:
        return JsonResponse({"results": org_search(request.user, request.GET["q"])})
    results = org_children(request.user, request.GET.get("parent", "").strip())
    if results is None:
        raise Http404("该党组织不存在或不在您的管理范围内")
    return JsonResponse({"results": results})


def detail(request, code):
    org = get_org_for_user(request.user, code)
    return render(
        request,
        "organizations/detail.html",
        {
            "org": org,
            "ancestors": [
                a for a in org.ancestors() if a.path.startswith(request.user.organization.path)
            ],
            "children": org_children_with_counts(org),
            "member_count": org.members.on_roster().count(),
            "subtree_member_count": org.members.model.objects.in_subtree(org).on_roster().count(),
            "history": history_of(org)[:50],
            "can_manage": request.user.can(Perm.MANAGE_ORGS),
            "is_scope_root": org.pk == request.user.organization_id,
        },
    )


def create(request, code):
    require(request.user, Perm.MANAGE_ORGS)
    parent = get_org_for_user(request.user, code)
    form = OrganizationForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.org_create(parent=parent, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            messages.success(request, f"已新建党组织“{org.name}”")
            return redirect(org)
    return render(
        request,
        "organizations/form.html",
        {"form": form, "org": parent, "title": f"在“{parent.name}”下新建党组织"},
    )


def edit(request, code):
    with transaction.atomic():
        org = get_org_for_user(request.user, code, for_write=True)
        form = OrganizationForm(request.POST or None, instance=org)
        refused = refusal_if_stale(org, form, lambda: OrganizationForm(instance=org))
        if refused is not None:
            form = refused
        elif request.method == "POST" and form.is_valid():
            try:
                org = services.org_update(
                    org=org,
                    acting_user=request.user,
                    **{f: form.cleaned_data[f] for f in form.changed_data},
                )
            except ValidationError as exc:
                errors_into(form, exc)
            else:
                messages.success(request, f"已保存“{org.name}”")
                return redirect(org)
    return render(
        request,
        "organizations/form.html",
        {"form": form, "org": org, "title": f"修改“{org.name}”", "version": version_of(org)},
    )


def _below_own_root(request, org) -> None:
    if org.pk == request.user.organization_id:
        raise PermissionDenied("不能调整本级党组织自身的隶属关系")


def move(request, code):
    org = get_org_for_user(request.user, code, for_write=False)
    require(request.user, Perm.MANAGE_ORGS)
    _below_own_root(request, org)
    form = OrgChoiceForm(request.POST or None, user=request.user)
    form.fields["target"].label = "新的上级党组织代码"
    if request.method == "POST" and form.is_valid():
        try:
            services.org_move(
                org=org, new_parent=form.cleaned_data["target"], acting_user=request.user
            )
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            messages.success(
                request, f"“{org.name}”已调整到“{form.cleaned_data['target'].name}”之下"
            )
            return redirect("organizations:detail", code=org.code)
    return render(
        request,
        "organizations/form.html",
        {
            "form": form,
            "org": org,
            "title": f"调整“{org.name}”的隶属关系",
            "explain": "该组织连同其下级组织、党员及全部记录一起移动；原隶属关系保留在变更历史中。",
        },
    )


def merge(request, code):
    org = get_org_for_user(request.user, code, for_write=False)
    require(request.user, Perm.MANAGE_ORGS)
    _below_own_root(request, org)
    form = OrgChoiceForm(request.POST or None, user=request.user)
    form.fields["target"].label = "并入的党组织代码"
    if request.method == "POST" and form.is_valid():
        try:
            target = services.org_merge(
                source=org, target=form.cleaned_data["target"], acting_user=request.user
            )
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            messages.success(request, f"“{org.name}”已并入“{target.name}”")
            return redirect(target)
    return render(
        request,
        "organizations/form.html",
        {
            "form": form,
            "org": org,
            "title": f"把“{org.name}”合并到其他党组织",
            "explain": (
                "该组织的党员、记录和下级组织全部转到目标组织；该组织标记为已合并，历史记录保留。"
            ),
        },
    )
