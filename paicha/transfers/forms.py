from django import forms

from paicha.codes import (
    AbroadKind,
    Education,
    Ethnicity,
    MemberType,
    PersonCategory,
    ProvinceScope,
    StudentLevel,
)
from paicha.core.forms import DateTextInput, LooseDateField
from paicha.core.importing.fields import SpreadsheetField
from paicha.organizations.forms import BootstrapMixin
from paicha.organizations.models import Organization
from paicha.organizations.tree import is_in_subtree

from . import conf
from .models import FlowRecord, Transfer
from .services import FLOW_EDITABLE, TRANSFER_EDITABLE


class MonthInput(DateTextInput):
    def format_value(self, value):
        return value.strftime("%Y-%m") if hasattr(value, "strftime") else value


class MonthField(LooseDateField):
    widget = MonthInput(attrs={"placeholder": "如 2016-09、2016.9、2016年9月"})


def _dates(form):
    """Model DateFields become LooseDateFields (the one date input, which forgives typing)."""
    for name, field in list(form.fields.items()):
        if isinstance(field, forms.DateField) and not isinstance(field, LooseDateField):
            kind = MonthField if name == "dues_paid_to" else LooseDateField
            form.fields[name] = kind(
                label=field.label,
                required=field.required,
                help_text=field.help_text,
                initial=field.initial,
            )


class OrgCodeField(forms.CharField):
    """An organization anywhere in the system, picked by its code (the receiving side may be
    outside the user's subtree)."""

    def clean(self, value):
        code = super().clean(value).strip()
        if not code:
            return None
        org = Organization.objects.filter(code=code).first()
        if org is None:
            raise forms.ValidationError(f"本系统内没有代码为 {code} 的党组织")
        if not org.is_active:
            raise forms.ValidationError(f"“{org.name}”已撤销或合并")
        return org


LETTER_FIELDS = ("letter_number", "letter_date", "province_scope", "validity_days")
FOUR_FACTS = (
    "permanence",
    "contact_phone",
    "contact_wechat",
    "destination",
    "backup_contact",
    "backup_contact_phone",
)


class TransferOutForm(BootstrapMixin, forms.ModelForm):
    counterpart_code = OrgCodeField(
        label="接收党组织代码（本系统内）",
        required=False,
        max_length=32,
        help_text="接收党组织在本系统内的，填写其组织代码（任何单位均可）；否则留空并填写下面的名称",
    )

    class Meta:
        model = Transfer
        fields = (
            *LETTER_FIELDS,
            "counterpart_name",
            *FOUR_FACTS,
            "dues_paid_to",
            "talk_date",
            "talk_by",
            "talk_notes",
            "remarks",
        )
        labels = {"counterpart_name": "接收单位党组织名称（本系统外）"}
        widgets = {
            "talk_notes": forms.Textarea(attrs={"rows": 3}),
            "remarks": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _dates(self)
        self.fields["counterpart_name"].required = False
        self.fields["permanence"].required = True
        self.fields["validity_days"].required = False
        self.fields["validity_days"].help_text = (
            f"留空按默认：省内 {conf.validity_days(ProvinceScope.WITHIN)} 天，"
            f"省外 {conf.validity_days(ProvinceScope.OUTSIDE)} 天；"
            f"最长 {conf.validity_max_days()} 天"
        )
        self.order_fields(["letter_number", "letter_date", "counterpart_code", "counterpart_name"])
        # BootstrapMixin ran before these fields were replaced.
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        if not data.get("counterpart_code") and not (data.get("counterpart_name") or "").strip():
            self.add_error(
                "counterpart_name", "请填写接收单位党组织名称，或填写本系统内接收党组织代码"
            )
        return data

    def _post_clean(self):
        # The service builds and validates the record (it knows the member and the deadline).
        pass


class TransferEditForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Transfer
        fields = TRANSFER_EDITABLE
        widgets = {
            "talk_notes": forms.Textarea(attrs={"rows": 3}),
            "remarks": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _dates(self)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def _post_clean(self):
        pass


class TransferInForm(BootstrapMixin, forms.Form):
    """A member arriving from outside the system with a paper letter."""

    name = forms.CharField(label="姓名", max_length=30)
    id_number = forms.CharField(label="身份证号码", max_length=24)
    ethnicity = forms.ChoiceField(label="民族", choices=Ethnicity.choices, initial=Ethnicity.HAN)
    member_type = forms.ChoiceField(label="党员类型", choices=MemberType.choices)
    join_date = LooseDateField(label="入党日期", help_text="成为预备党员的日期")
    full_date = LooseDateField(label="转正日期", required=False, help_text="预备党员不填")
    education = forms.ChoiceField(
        label="学历", choices=[("", "—")] + Education.choices, required=False
    )
    person_category = forms.ChoiceField(
        label="人员类别", required=False, choices=[("", "—")] + PersonCategory.choices
    )
    student_level = forms.ChoiceField(
        label="学生类别", required=False, choices=[("", "—")] + StudentLevel.choices
    )
    mobile = forms.RegexField(
        label="手机号码",
        regex=r"^1\d{10}$",
        required=False,
        error_messages={"invalid": "手机号码应为以1开头的11位数字"},
    )
    letter_number = forms.CharField(label="介绍信编号", max_length=40, required=False)
    letter_date = LooseDateField(label="介绍信开具日期")
    counterpart_name = forms.CharField(label="原所在党组织名称", max_length=200)
    province_scope = forms.ChoiceField(label="省内/省外", choices=ProvinceScope.choices)
    validity_days = forms.IntegerField(label="有效期（天）", required=False, min_value=1)
    dues_paid_to = MonthField(label="党费已交到（月份）", required=False)
    receipt_date = LooseDateField(
        label="回执寄出日期", required=False, help_text="已把回执联寄回原所在党组织的，填写寄出日期"
    )

    MEMBER_FIELDS = (
        "name",
        "id_number",
        "ethnicity",
        "member_type",
        "join_date",
        "full_date",
        "education",
        "person_category",
        "student_level",
        "mobile",
    )

    def clean(self):
        data = super().clean()
        if data.get("student_level") and data.get("person_category") != PersonCategory.STUDENT:
            self.add_error("student_level", "填写学生类别时，人员类别应为“学生”")
        return data


class BranchForm(BootstrapMixin, forms.Form):
    on = LooseDateField(label="接收日期")
    branch_code = forms.CharField(
        label="编入党支部代码",
        max_length=32,
        required=False,
        help_text="接收党组织是党委或党总支的，可直接编入其下属党支部；留空则编入接收党组织本身",
    )

    def __init__(self, *args, target: Organization, **kwargs):
        self.target = target
        super().__init__(*args, **kwargs)

    def clean_branch_code(self):
        code = self.cleaned_data["branch_code"].strip()
        if not code:
            return self.target
        org = Organization.objects.filter(code=code, is_active=True).first()
        if org is None or not is_in_subtree(org.path, self.target.path):
            raise forms.ValidationError(f"“{self.target.name}”之下没有代码为 {code} 的有效党组织")
        return org


class RefuseForm(BootstrapMixin, forms.Form):
    on = LooseDateField(label="退回日期")
    reason = forms.CharField(
        label="退回原因", max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReceiptForm(BootstrapMixin, forms.Form):
    on = LooseDateField(label="回执日期", help_text="转出：收到回执的日期；转入：寄出回执的日期")
    note = forms.CharField(label="说明", max_length=300, required=False)


class FollowUpForm(BootstrapMixin, forms.Form):
    date = LooseDateField(label="跟踪日期")
    by_whom = forms.CharField(label="跟踪人", max_length=60)
    what = forms.CharField(label="跟踪情况", widget=forms.Textarea(attrs={"rows": 3}))


class PocketForm(BootstrapMixin, forms.Form):
    on = LooseDateField(label="认定日期")
    reason = forms.CharField(
        label="未按期报到的原因", max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class PocketResolveForm(BootstrapMixin, forms.Form):
    on = LooseDateField(label="落实日期")
    resolution = forms.CharField(label="落实情况", max_length=300)


class FlowForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = FlowRecord
        fields = (
            "destination",
            "since",
            "scope",
            "certificate_number",
            "certificate_issued_by",
            "certificate_issued_on",
            "contact_person",
            "contact_phone",
            "reported",
        )
        help_texts = {"certificate_issued_by": "留空则填党员所在的基层党委"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _dates(self)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
        if self.instance.pk:
            for name in set(self.fields) - set(FLOW_EDITABLE):
                del self.fields[name]

    def _post_clean(self):
        pass


class CloseForm(BootstrapMixin, forms.Form):
    on = LooseDateField(label="结束日期")
    note = forms.CharField(label="说明", max_length=200, required=False)


class AbroadForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="类别", choices=AbroadKind.choices)
    place = forms.CharField(
        label="出国（境）去向", max_length=200, help_text="国家（地区）及单位、学校"
    )
    reason = forms.CharField(
        label="事由", max_length=200, required=False, help_text="留学、劳务、探亲、定居等"
    )
    period_from = LooseDateField(
        label="起始日期", help_text="保留组织关系的起始日期，或停止党籍的日期"
    )
    period_to = LooseDateField(label="保留组织关系截止日期", required=False)


class ImportForm(forms.Form):
    file = SpreadsheetField(label="Excel 文件")


class OrgYearForm(BootstrapMixin, forms.Form):
    org = forms.CharField(label="党组织代码", max_length=32, required=False)
    year = forms.IntegerField(label="年度", min_value=2007, max_value=2100)


class OrgDateForm(BootstrapMixin, forms.Form):
    org = forms.CharField(label="党组织代码", max_length=32, required=False)
    # Optional: a page opened with only ?org= shows today's table, not "this field is required".
    as_of = LooseDateField(label="填表日期", required=False, help_text="默认今天")


class AbroadApprovalForm(BootstrapMixin, forms.Form):
    approved = forms.TypedChoiceField(
        label="审批结论", coerce=lambda v: v == "1", choices=[("1", "同意"), ("0", "不同意，退回")]
    )
    opinion = forms.CharField(label="意见", widget=forms.Textarea(attrs={"rows": 3}))
    signed_on = LooseDateField(label="签署日期")
