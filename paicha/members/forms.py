from django import forms

from paicha.codes import (
    Education,
    Ethnicity,
    Gender,
    MemberSector,
    MemberStatus,
    MemberType,
    PersonCategory,
    StudentLevel,
)
from paicha.core.forms import DateTextInput, LooseDateField
from paicha.core.importing.fields import SpreadsheetField
from paicha.organizations.forms import BootstrapMixin
from paicha.organizations.models import Organization

from .idcard import normalize_id_number
from .models import Member
from .services import EDITABLE_FIELDS
from .validators import REQUIRED_FIELDS, normalize_mobile

# The groups of 《中国共产党党员基本情况登记表》, in its order.
FIELD_GROUPS = (
    (
        "基本情况",
        (
            "name",
            "gender",
            "ethnicity",
            "native_place",
            "birth_date",
            "id_number",
            "marital_status",
        ),
    ),
    ("联系方式", ("mobile", "other_contacts", "household_register", "residence")),
    ("学历与工作", ("school", "education", "degree", "work_start_date", "work_unit")),
    (
        "党籍情况",
        (
            "organization",
            "branch_entry_date",
            "join_date",
            "join_org_name",
            "full_date",
            "member_type",
            "party_post",
            "former_party_post",
            "monthly_dues",
        ),
    ),
    ("党员类别", ("sector", "person_category", "student_level", "in_hardship", "retired")),
    ("流动与在职", ("flowing", "flow_destination", "employed_reported", "reported_community")),
    ("特殊状态", ("pocket", "religious")),
    ("备注", ("remarks",)),
)


class DateInput(DateTextInput):
    """The one date input (core.forms), for the member form's dates."""


# Above this many organizations in scope, a drop-down would be unusable: type the code.
ORG_SELECT_LIMIT = 300


def org_field_for(form, name: str, user) -> None:
    """Limit an organization field to the user's active subtree; a code box for big scopes."""
    field = form.fields[name]
    field.queryset = Organization.objects.visible_to(user).filter(is_active=True).order_by("path")
    choices = list(field.queryset.values_list("pk", flat=True)[:2])
    if len(choices) == 1:
        # One organization to choose: it is the choice, not "---------".
        field.empty_label = None
        form.initial[name] = choices[0]
    if field.queryset[: ORG_SELECT_LIMIT + 1].count() > ORG_SELECT_LIMIT:
        field.to_field_name = "code"
        field.widget = forms.TextInput(attrs={"class": "form-control", "placeholder": "党组织代码"})
        field.help_text = "填写党组织代码（见组织机构页）"
        current = form.initial.get(name)
        if isinstance(current, Organization):
            form.initial[name] = current.code
        elif current:
            form.initial[name] = (
                Organization.objects.filter(pk=current).values_list("code", flat=True).first()
            )


class MemberForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Member
        fields = EDITABLE_FIELDS
        field_classes = {
            name: LooseDateField
            for name in (
                "birth_date",
                "work_start_date",
                "branch_entry_date",
                "join_date",
                "full_date",
            )
        }
        widgets = {
            name: DateInput()
            for name in (
                "birth_date",
                "work_start_date",
                "branch_entry_date",
                "join_date",
                "full_date",
            )
        } | {
            "remarks": forms.Textarea(attrs={"rows": 3}),
            "id_number": forms.TextInput(attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        org_field_for(self, "organization", user)
        for name in REQUIRED_FIELDS:
            self.fields[name].required = True
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"

    def clean_id_number(self):
        return normalize_id_number(self.cleaned_data["id_number"] or "")

    def clean_mobile(self):
        return normalize_mobile(self.cleaned_data["mobile"] or "")

    def groups(self):
        return [(title, [self[name] for name in names]) for title, names in FIELD_GROUPS]


def _choices(choices, empty="全部"):
    return [("", empty), *choices]


class MemberFilterForm(BootstrapMixin, forms.Form):
    """The roster's filters; every field optional, all combined with AND."""

    org = forms.CharField(label="党组织代码", required=False)
    q = forms.CharField(label="姓名或拼音首字母", required=False)
    gender = forms.ChoiceField(label="性别", choices=_choices(Gender.choices), required=False)
    ethnicity = forms.ChoiceField(
        label="民族",
        required=False,
        choices=_choices([("minority", "少数民族"), *Ethnicity.choices]),
    )
    education = forms.ChoiceField(label="学历", choices=_choices(Education.choices), required=False)
    member_type = forms.ChoiceField(
        label="党员类型", choices=_choices(MemberType.choices), required=False
    )
    person_category = forms.ChoiceField(
        label="人员类别", required=False, choices=_choices(PersonCategory.choices)
    )
    student_level = forms.ChoiceField(
        label="学生类别", required=False, choices=_choices(StudentLevel.choices)
    )
    sector = forms.ChoiceField(
        label="所在领域", choices=_choices(MemberSector.choices), required=False
    )
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "在册（含保留组织关系）"), ("all", "全部"), *MemberStatus.choices],
    )
    flag = forms.ChoiceField(
        label="标记",
        required=False,
        choices=_choices(
            [
                ("in_hardship", "生活困难党员"),
                ("retired", "离退休党员"),
                ("flowing", "流动党员"),
                ("employed_reported", "在职党员"),
                ("pocket", "“口袋”党员"),
                ("religious", "参教信教党员"),
            ]
        ),
    )


class ImportForm(BootstrapMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label="导入到党组织", queryset=Organization.objects.none()
    )
    file = SpreadsheetField(label="名册文件")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("organization", user.organization_id)
        org_field_for(self, "organization", user)
