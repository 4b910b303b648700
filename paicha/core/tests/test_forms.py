from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from paicha.core.forms import errors_into, submitted


class DateForm(forms.Form):
    on = forms.DateField()
    note = forms.CharField(required=False)


def request(method="post", data=None):
    req = getattr(RequestFactory(), method)("/", data or {})
    req._messages = CookieStorage(req)
    return req


def test_errors_land_on_their_fields_or_on_the_form():
    form = DateForm({"on": "2016-09-20"})
    assert form.is_valid()
    errors_into(form, ValidationError({"on": "日期不能晚于填表日期", "member": "该党员已转出"}))
    assert form.errors["on"] == ["日期不能晚于填表日期"]
    assert form.non_field_errors() == ["该党员已转出"]
    form = DateForm({"on": "2016-09-20"})
    form.is_valid()
    errors_into(form, ValidationError("已有未结束的流动记录"))
    assert form.non_field_errors() == ["已有未结束的流动记录"]


def test_submitted_acts_once_on_a_valid_post_and_says_so():
    done = []
    req = request(data={"on": "2016-09-20", "note": "回国"})
    form = DateForm(req.POST)
    assert submitted(req, form, done.append, lambda data: f"已登记{data['note']}")
    assert done == [form.cleaned_data]
    assert [str(m) for m in get_messages(req)] == ["已登记回国"]


def test_submitted_does_nothing_on_a_get_or_an_invalid_form():
    done = []
    req = request("get")
    assert not submitted(req, DateForm(), done.append, "x")
    req = request(data={"on": "不是日期"})
    form = DateForm(req.POST)
    assert not submitted(req, form, done.append, "x")
    assert done == [] and "on" in form.errors and not list(get_messages(req))


def test_a_refusing_service_leaves_its_message_on_the_form():
    def refuse(data):
        raise ValidationError({"on": "回执日期不能早于介绍信日期"})

    req = request(data={"on": "2016-09-20"})
    form = DateForm(req.POST)
    assert not submitted(req, form, refuse, "x")
    assert form.errors["on"] == ["回执日期不能早于介绍信日期"] and not list(get_messages(req))
