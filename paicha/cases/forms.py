"""The field formats of the case pages; the rules across records are in `services.py`."""

from django import forms
from django.db.models import Case, Value, When

from paicha.codes import (
    ApprovalDecision,
    CaseOutcome,
    DispositionCategory,
    DispositionSide,
    LossReason,
    MemberType,
    Occupation,
    SearchMethod,
)
from paicha.core.forms import DateTextInput, LooseDateField
from paicha.core.uploads import checked_upload
from paicha.core.widgets import PersonPicker, SinglePersonPicker
from paicha.members.models import Member

from . import rules
from .selectors import signer_pool

# The one date input (typed as the rosters write dates, or picked from the calendar).
DATE = DateTextInput(attrs={"class": "form-control"})
TEXT = {"class": "form-control"}


def _style(form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select | forms.SelectMultiple):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
            widget.attrs.setdefault("class", "form-control")


def _circled(choices_cls):
    return [("", "——")] + [(c.value, choices_cls.circled(c.value) + c.label) for c in choices_cls]


class CaseFieldsForm(forms.Form):
    loss_reason = forms.ChoiceField(label="失联原因", choices=_circled(LossReason), required=False)
    occupation = forms.ChoiceField(label="职业", choices=_circled(Occupation), required=False)
    lost_since = LooseDateField(
        label="最近一次参加组织生活或交纳党费日期",
        required=False,
        widget=DATE,
        help_text="与党组织失去联系时间从这一天算起；留空则取组织生活和党费记录中的最近日期",
    )
    remarks = forms.CharField(
        label="备注",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="失联原因为⑦其他时，须在此写明具体原因",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class CaseOpenForm(CaseFieldsForm):
    id_number = forms.CharField(
        label="党员身份证号码",
        max_length=18,
        required=False,
        help_text="手工立案时填写，须是本单位名册上的党员",
    )
    opened_on = LooseDateField(label="立案日期", widget=DATE)
    field_order = ["id_number", "opened_on", "loss_reason", "occupation", "lost_since", "remarks"]

    def __init__(self, *args, by_hand: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if by_hand:
            self.fields["id_number"].required = True
        else:
            del self.fields["id_number"]


class SignerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, member):
        return _signer_label(member)


class AttemptForm(forms.Form):
    date = LooseDateField(label="查找日期", widget=DATE)
    method = forms.ChoiceField(label="查找方式", choices=SearchMethod.choices)
    reached = forms.CharField(
        label="查找对象",
        max_length=200,
        help_text="联系到的人或单位，如：原工作单位办公室办事员陈某",
    )
    reached_member = forms.BooleanField(
        label="联系上党员本人",
        required=False,
        help_text="勾选：本次查找与党员本人取得了联系（计为联系证据）；只联系到他人的不要勾选",
    )
    phone = forms.CharField(label="联系电话", max_length=40, required=False)
    process = forms.CharField(
        label="查找过程及结果",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="写明查找过程、查找方式、查找对象和了解到的情况",
    )
    remarks = forms.CharField(label="备注", max_length=200, required=False)
    signers = SignerChoiceField(label="查找人（正式党员，至少两名）", queryset=None, required=False)
    photo = forms.FileField(
        label="拍照上传签名的查找记录（可选）",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        help_text="在手机上点此直接打开相机，拍下查找人签了名的纸质记录",
    )
    scan = forms.FileField(
        label="查找材料（可选：jpg、png、pdf，不超过10 MB）",
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": ".jpg,.jpeg,.png,.pdf,image/*,application/pdf"}
        ),
    )

    def __init__(self, *args, case, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signers"].widget = _picker(case, PersonPicker)
        self.fields["signers"].queryset = _full_members(case, user)
        _style(self)

    def clean_photo(self):
        return checked_upload(self.cleaned_data.get("photo"))

    def clean_scan(self):
        return checked_upload(self.cleaned_data.get("scan"))


def _full_members(case, user=None):
    # The field accepts every roster member of the area the user may see (probationary ones
    # too), so that a wrong choice gets the service's message naming the signer, not a bare
    # "invalid choice"; the picker lists only the 正式党员, the branch's own first.
    pool = signer_pool(case)
    if user is not None:
        pool = pool.filter(pk__in=Member.objects.visible_to(user).values("pk"))
    own_first = Case(When(organization_id=case.organization_id, then=Value(0)), default=Value(1))
    return pool.select_related("organization").order_by(
        own_first, "org_path", "name_initials", "name"
    )


def _picker(case, widget_class):
    return widget_class(
        own=lambda m: m.organization_id == case.organization_id,
        hide=lambda m: m.member_type != MemberType.FULL,
        other_label="显示本支部以外的正式党员",
    )


def _signer_label(member) -> str:
    kind = "" if member.member_type == MemberType.FULL else "，预备党员"
    return f"{member.name}（{member.organization.short_name or member.organization.name}{kind}）"


class SignerField(forms.ModelChoiceField):
    def label_from_instance(self, member):
        return _signer_label(member)


class SignForm(forms.Form):
    signer = SignerField(label="查找人", queryset=None)
    signed_on = LooseDateField(label="签名日期", widget=DATE)

    def __init__(self, *args, attempt, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signer"].widget = _picker(attempt.case, SinglePersonPicker)
        self.fields["signer"].empty_label = None
        self.fields["signer"].queryset = _full_members(attempt.case, user).exclude(
            pk__in=attempt.signers.values("signer")
        )
        _style(self)


class AttachmentForm(forms.Form):
    file = forms.FileField(label="文件（jpg、png、pdf，不超过10 MB）")
    attempt = forms.TypedChoiceField(
        label="所属查找记录", coerce=int, required=False, empty_value=None
    )
    description = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attempt"].choices = [("", "整个案件")] + [
            (a.pk, f"第{a.seq}次查找（{a.date:%Y-%m-%d}）") for a in case.attempts.all()
        ]
        _style(self)

    def clean_file(self):
        return checked_upload(self.cleaned_data.get("file"))


class ConductForm(forms.Form):
    checked_on = LooseDateField(label="调查核实日期", widget=DATE)
    misconduct = forms.TypedChoiceField(
        label="有无不合格表现或违纪违法行为",
        coerce=lambda v: v == "1",
        choices=[("0", "无"), ("1", "有")],
        widget=forms.RadioSelect,
    )
    record = forms.CharField(
        label="失联党员表现调查核实情况", widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label="查找结果", choices=CaseOutcome.choices)
    outcome_on = LooseDateField(
        label="日期", widget=DATE, help_text="取得联系、确认无法取得联系或确认死亡的日期"
    )
    regained_place = forms.CharField(label="取得联系时所在地", max_length=200, required=False)
    new_mobile = forms.CharField(label="新手机号码", max_length=11, required=False)
    new_contacts = forms.CharField(label="其他新联系方式", max_length=200, required=False)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


# The short name of each side, put before every category so that twins (I/Q 自行脱党除名,
# L/R 取消预备党员资格, M/V 开除党籍) never look alike.
SIDE_SHORT = {
    DispositionSide.CONTACTED: "取得联系",
    DispositionSide.NOT_CONTACTED: "仍未取得联系",
    DispositionSide.DECEASED: "确认已死亡",
}


def category_label(category: str) -> str:
    side = rules.SIDE[category]
    label = DispositionCategory(category).label
    return label if label == SIDE_SHORT[side] else f"{SIDE_SHORT[side]}：{label}"


def category_choices(case=None):
    """附件5's categories grouped by side; with a case, only those its outcome allows (and
    the probationary-only ones only for a 预备党员)."""
    groups = {side: [] for side in DispositionSide}
    for category in DispositionCategory:
        if case is not None and not rules.category_fits(
            category, outcome=case.outcome, member_type=case.member.member_type
        ):
            continue
        groups[rules.SIDE[category]].append((category.value, category_label(category)))
    return [("", "——")] + [(side.label, items) for side, items in groups.items() if items]


class DispositionForm(forms.Form):
    category = forms.ChoiceField(label="处置情况", choices=category_choices)
    proposal = forms.CharField(label="处置意见及理由", widget=forms.Textarea(attrs={"rows": 3}))
    proposed_on = LooseDateField(label="提出日期", widget=DATE)
    period_start = LooseDateField(
        label="期限起始（保留组织关系、限期改正）", required=False, widget=DATE
    )
    period_end = LooseDateField(
        label="期限截止（保留组织关系、限期改正）", required=False, widget=DATE
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            self.fields["category"].choices = category_choices(case)
            self.fields[
                "category"
            ].help_text = f"查找结果为“{case.get_outcome_display()}”，只列出与之相符的处置情况"
        _style(self)


class ApprovalForm(forms.Form):
    decision = forms.ChoiceField(
        label="结论",
        choices=ApprovalDecision.choices,
        widget=forms.RadioSelect,
        initial=ApprovalDecision.APPROVED,
    )
    opinion = forms.CharField(
        label="意见", widget=forms.Textarea(attrs={"rows": 3}), help_text="退回时写明理由"
    )
    signed_on = LooseDateField(label="签署日期", widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class FollowUpForm(forms.Form):
    date = LooseDateField(label="日期", widget=DATE)
    note = forms.CharField(label="跟踪情况", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class AsOfForm(forms.Form):
    as_of = LooseDateField(label="截止日期", required=False, widget=DATE)
