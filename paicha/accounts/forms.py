from django import forms

from paicha.organizations.forms import BootstrapMixin
from paicha.organizations.models import Organization
from paicha.organizations.permissions import Role

from .models import User


class OrgCodeField(forms.CharField):
    """An organization of the manager's subtree, typed by its code."""

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, max_length=32, **kwargs)

    def clean(self, value):
        code = super().clean(value).strip()
        org = Organization.objects.visible_to(self.user).filter(code=code, is_active=True).first()
        if org is None:
            raise forms.ValidationError(f"在您的管理范围内没有代码为 {code} 的有效党组织")
        return org


class UserCreateForm(BootstrapMixin, forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=30, required=False)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    organization = OrgCodeField(label="所属党组织（组织代码）")
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput, min_length=8)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].user = user


class UserEditForm(BootstrapMixin, forms.Form):
    full_name = forms.CharField(label="姓名", max_length=30, required=False)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    organization = OrgCodeField(label="所属党组织（组织代码）")
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    is_active = forms.BooleanField(label="账号有效", required=False)

    def __init__(self, *args, user, account: User, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "full_name": account.full_name,
                "phone": account.phone,
                "role": account.role,
                "organization": account.organization.code if account.organization else "",
                "is_active": account.is_active,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["organization"].user = user
        self.fields["is_active"].widget.attrs["class"] = "form-check-input"


class PasswordResetForm(BootstrapMixin, forms.Form):
    password = forms.CharField(label="新密码", widget=forms.PasswordInput, min_length=8)
