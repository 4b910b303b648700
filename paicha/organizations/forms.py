from django import forms

from paicha.codes import OrgKind

from .models import Organization
from .services import EDITABLE_FIELDS


class BootstrapMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class OrganizationForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Organization
        fields = EDITABLE_FIELDS

    def __init__(self, *args, parent=None, **kwargs):
        super().__init__(*args, **kwargs)
        if parent is not None and not self.instance.pk:
            self.fields["category"].initial = parent.category
            self.fields["kind"].initial = OrgKind.BRANCH


class OrgChoiceForm(BootstrapMixin, forms.Form):
    """Pick another organization of the user's subtree by its code."""

    target = forms.CharField(label="目标组织代码", max_length=32)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_target(self):
        code = self.cleaned_data["target"].strip()
        org = Organization.objects.visible_to(self.user).filter(code=code, is_active=True).first()
        if org is None:
            raise forms.ValidationError(f"在您的管理范围内没有代码为 {code} 的有效党组织")
        return org
