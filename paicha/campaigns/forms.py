"""Django forms of the campaigns pages: field formats only; rules live in models and services."""

from django import forms

from paicha.core.forms import DateTextInput, LooseDateField
from paicha.core.uploads import checked_upload

from .blueprints import BLUEPRINTS
from .choices import FORMS_DOCUMENTS, CampaignStatus, Level, Recurrence

DATE = DateTextInput(attrs={"class": "form-control"})
TEXT = forms.TextInput(attrs={"class": "form-control"})
AREA = forms.Textarea(attrs={"class": "form-control", "rows": 3})
SELECT = forms.Select(attrs={"class": "form-select"})


class CampaignNewForm(forms.Form):
    template = forms.ChoiceField(
        label="模板", widget=SELECT, choices=[(b.key, b.title) for b in BLUEPRINTS.values()]
    )
    name = forms.CharField(label="名称", max_length=100, widget=TEXT)
    doc_number = forms.CharField(
        label="文号", max_length=50, required=False, widget=TEXT, help_text="如 湘组〔2016〕4号"
    )
    start = LooseDateField(label="开始日期", widget=DATE)
    end = LooseDateField(
        label="结束日期",
        widget=DATE,
        required=False,
        help_text="不填则取模板最后一个阶段的完成时限",
    )
    notice = forms.CharField(label="通知正文", required=False, widget=AREA)
    keep_document_dates = forms.BooleanField(
        label="沿用文件规定的日期",
        required=False,
        help_text="按2016年文件原定的时间节点；不勾选则各时间节点随开始月份顺延",
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "结束日期不能早于开始日期")
        return data


class CampaignEditForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100, widget=TEXT)
    doc_number = forms.CharField(label="文号", max_length=50, required=False, widget=TEXT)
    forms_document = forms.ChoiceField(
        label="报表填表说明依据文件",
        required=False,
        widget=SELECT,
        choices=[("", "（按各表默认）"), *FORMS_DOCUMENTS],
        help_text="同名报表在不同文件中的填表说明不同时，本次排查打印哪个文件的说明",
    )
    consult_department = forms.BooleanField(
        label="处置前须与上级党委组织部门沟通",
        required=False,
        help_text="进行相关处置或处分前，基层党委（党总支）必须与上级党委组织部门沟通",
    )
    start = LooseDateField(label="开始日期", widget=DATE)
    end = LooseDateField(label="结束日期", widget=DATE)
    status = forms.ChoiceField(label="状态", choices=CampaignStatus.choices, widget=SELECT)
    notice = forms.CharField(label="通知正文", required=False, widget=AREA)


class PhaseForm(forms.Form):
    order = forms.IntegerField(
        label="顺序", min_value=1, widget=forms.NumberInput(attrs={"class": "form-control"})
    )
    name = forms.CharField(label="阶段名称", max_length=40, widget=TEXT)
    deadline = LooseDateField(label="完成时限", required=False, widget=DATE)


class StepForm(forms.Form):
    phase = forms.ModelChoiceField(label="阶段", queryset=None, widget=SELECT)
    order = forms.IntegerField(
        label="序号", min_value=1, widget=forms.NumberInput(attrs={"class": "form-control"})
    )
    text = forms.CharField(label="工作内容", widget=AREA)
    level = forms.ChoiceField(label="责任层级", choices=Level.choices, widget=SELECT)
    time_note = forms.CharField(
        label="时间节点",
        max_length=20,
        required=False,
        widget=TEXT,
        help_text="如 2月底、4-6月、长期",
    )
    deadline = LooseDateField(
        label="完成时限", required=False, widget=DATE, help_text="不填则按所在阶段的完成时限"
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = campaign.phases.all()


class RequiredFormForm(forms.Form):
    form_slug = forms.ChoiceField(label="报表", widget=SELECT)
    level = forms.ChoiceField(label="上报层级", choices=Level.choices, widget=SELECT)
    recurrence = forms.ChoiceField(label="上报周期", choices=Recurrence.choices, widget=SELECT)
    deadline = LooseDateField(
        label="截止日期", required=False, widget=DATE, help_text="一次性上报时必填"
    )
    note = forms.CharField(label="说明", max_length=100, required=False, widget=TEXT)

    def __init__(self, *args, **kwargs):
        from paicha.core.catalogue import all_forms

        super().__init__(*args, **kwargs)
        self.fields["form_slug"].choices = [(f.slug, f.title) for f in all_forms()]


class TickForm(forms.Form):
    done_on = LooseDateField(label="完成日期", widget=DATE)
    evidence = forms.CharField(label="完成情况说明", required=False, widget=AREA)
    minutes = forms.FileField(
        label="会议记录等材料（jpg、png、pdf，不超过10 MB）",
        required=False,
        widget=forms.ClearableFileInput(
            attrs={
                "class": "form-control",
                "accept": ".jpg,.jpeg,.png,.pdf,image/*,application/pdf",
            }
        ),
    )

    def clean_minutes(self):
        return checked_upload(self.cleaned_data.get("minutes"))


class SubmitForm(forms.Form):
    as_of = LooseDateField(label="填表日期", widget=DATE)


class ReturnForm(forms.Form):
    return_reason = forms.CharField(label="退回原因", widget=AREA)


class AsOfForm(forms.Form):
    date = LooseDateField(label="截止日期", required=False, widget=DATE)


class ReportForm(forms.Form):
    as_of = LooseDateField(label="统计截止日期", widget=DATE)
    work = forms.CharField(label="排查工作开展情况", required=False, widget=AREA)
    results = forms.CharField(label="取得的工作成效和经验", required=False, widget=AREA)
    problems = forms.CharField(label="存在的问题", required=False, widget=AREA)
    next_steps = forms.CharField(label="下一步工作打算", required=False, widget=AREA)
    case_study = forms.CharField(label="排查案例", required=False, widget=AREA)
