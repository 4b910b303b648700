"""Forms of the evidence pages: each field's format here; rules across records in services."""

import datetime

from django import forms
from django.urls import reverse_lazy

from paicha.codes import ContactChannel, OrgLifeKind
from paicha.core.dates import LooseDateError, parse_loose_date
from paicha.core.forms import DateTextInput
from paicha.core.importing.fields import SpreadsheetField


class BootstrapMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            else:
                widget.attrs.setdefault("class", "form-control form-control-sm")


class LooseDateField(forms.Field):
    """A date typed as 2016-09-20, 2016.9.20, 2016年9月20日 … (the one date input of
    core.forms, with its calendar button)."""

    widget = DateTextInput

    def __init__(self, *args, month=False, **kwargs):
        self.month = month
        super().__init__(*args, **kwargs)
        if month:
            self.widget.attrs["placeholder"] = "如 2016-09、2016.9、2016年9月"

    def prepare_value(self, value):
        if isinstance(value, datetime.date):
            return value.strftime("%Y-%m") if self.month else value.isoformat()
        return value

    def to_python(self, value):
        value = (value or "").strip() if isinstance(value, str) else value
        if not value:
            return None
        try:
            day = parse_loose_date(value)
        except LooseDateError as exc:
            raise forms.ValidationError(str(exc)) from None
        return day.replace(day=1) if self.month else day


class AsOfForm(BootstrapMixin, forms.Form):
    org = forms.CharField(
        label="党组织代码",
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"data-org-picker": reverse_lazy("organizations:pick")}),
    )
    as_of = LooseDateField(
        label="截至日期", required=False, help_text="默认今天；可填任一日期，按当日为止的记录计算"
    )


class MeetingForm(BootstrapMixin, forms.Form):
    date = LooseDateField(label="日期")
    kind = forms.ChoiceField(label="形式", choices=OrgLifeKind.choices)
    topic = forms.CharField(label="主题", max_length=200)
    notes = forms.CharField(
        label="内容摘要", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MeetingImportForm(MeetingForm):
    file = SpreadsheetField(label="出席情况表（Excel）")


class DuesImportForm(BootstrapMixin, forms.Form):
    file = SpreadsheetField(label="党费收缴台账（Excel）")


class DuesForm(BootstrapMixin, forms.Form):
    paid_on = LooseDateField(label="交纳日期")
    month_from = LooseDateField(label="交纳起始月份", month=True, help_text="如 2016-09")
    month_to = LooseDateField(
        label="交纳截止月份", month=True, help_text="只交一个月时与起始月份相同"
    )
    amount = forms.DecimalField(label="金额（元）", max_digits=9, decimal_places=2)
    note = forms.CharField(label="备注", max_length=200, required=False)


class ContactForm(BootstrapMixin, forms.Form):
    date = LooseDateField(label="日期")
    channel = forms.ChoiceField(label="方式", choices=ContactChannel.choices)
    by_whom = forms.CharField(label="联系人", max_length=60)
    with_member = forms.BooleanField(
        label="与党员本人取得联系",
        required=False,
        initial=True,
        help_text="不勾选：情况是从家属、同事等他人处了解到的",
    )
    away_since = LooseDateField(
        label="外出日期", required=False, help_text="党员离开本地外出时填写离开的日期"
    )
    note = forms.CharField(label="情况", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class BooksForm(BootstrapMixin, forms.Form):
    books_opened_on = LooseDateField(
        label="建账日期",
        required=False,
        help_text="自该日期起本组织的组织生活、党费记录完整；下级党组织沿用。留空则按最早的记录推算",
    )
