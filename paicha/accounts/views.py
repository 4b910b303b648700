from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render

from paicha.core.forms import errors_into
from paicha.organizations.permissions import Perm
from paicha.organizations.scope import require

from . import services
from .forms import PasswordResetForm, UserCreateForm, UserEditForm
from .selectors import get_user_for_manager, users_visible_to


def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    for field in form.fields.values():
        field.widget.attrs["class"] = "form-control"
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, "密码已修改")
        return redirect("home")
    return render(request, "registration/password_change.html", {"form": form})


def user_list(request):
    require(request.user, Perm.MANAGE_USERS)
    accounts = (
        users_visible_to(request.user)
        .select_related("organization")
        .order_by("organization__path", "username")
    )
    if query := request.GET.get("q", "").strip():
        accounts = accounts.filter(
            Q(username__icontains=query)
            | Q(full_name__contains=query)
            | Q(organization__name__contains=query)
        )
    page = Paginator(accounts, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page, "q": query})


def user_create(request):
    require(request.user, Perm.MANAGE_USERS)
    form = UserCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.user_create(acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_into(form, exc, unnamed_to="password")
        else:
            messages.success(request, f"已开设账号 {account.username}")
            return redirect("user_list")
    return render(request, "accounts/user_form.html", {"form": form, "title": "开设账号"})


def user_edit(request, pk):
    account = get_user_for_manager(request.user, pk)
    form = UserEditForm(request.POST or None, user=request.user, account=account)
    password_form = PasswordResetForm(request.POST if "password" in request.POST else None)
    if request.method == "POST":
        try:
            if "unlock" in request.POST:
                services.user_unlock(acting_user=request.user, account=account)
                messages.success(request, f"已解除 {account.username} 的登录锁定")
                return redirect("user_edit", pk=account.pk)
            if "password" in request.POST:
                if password_form.is_valid():
                    services.user_set_password(
                        acting_user=request.user,
                        account=account,
                        password=password_form.cleaned_data["password"],
                    )
                    messages.success(request, f"已重置 {account.username} 的密码")
                    return redirect("user_edit", pk=account.pk)
            elif form.is_valid():
                services.user_update(acting_user=request.user, account=account, **form.cleaned_data)
                messages.success(request, f"已保存 {account.username}")
                return redirect("user_list")
        except ValidationError as exc:
            target = password_form if "password" in request.POST else form
            errors_into(target, exc, unnamed_to="password")
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "password_form": password_form,
            "account": account,
            "title": f"账号 {account.username}",
        },
    )
