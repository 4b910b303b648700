"""What every form page does with a service (its ValidationError onto the form, success once),
and the one date field of every form."""

import datetime
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError

from paicha.core.dates import LooseDateError, parse_loose_date


def errors_into(form, exc: ValidationError, *, unnamed_to: str | None = None) -> None:
    """A service's ValidationError onto the form: each message on its field where the form has
    that field, on the form as a whole otherwise. Messages that name no field go to the field
    `unnamed_to` when the form has it (a password rule belongs beside the password box)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(unnamed_to if unnamed_to in form.fields else None, exc.messages)


def submitted(
    request, form, action: Callable[[dict], object], message: str | Callable[[dict], str]
) -> bool:
    """True once a POSTed valid `form` has been acted on: `action(cleaned_data)` (a service
    call) ran, `message` (or `message(cleaned_data)`) is flashed. A ValidationError of the
    action lands on the form."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        action(form.cleaned_data)
    except ValidationError as exc:
        errors_into(form, exc)
        return False
    messages.success(request, message(form.cleaned_data) if callable(message) else message)
    return True


# ---- dates ----------------------------------------------------------------------------------

DATE_PLACEHOLDER = "如 2016-09-20、2016.9.20、2016年9月20日"


class DateTextInput(forms.TextInput):
    """The one date input: typed the way the roster files write dates (2016.09, 2016年9月 …),
    with a calendar button beside it (static/paicha/picker.js) that fills in the ISO date."""

    def __init__(self, attrs=None):
        attrs = {
            "placeholder": DATE_PLACEHOLDER,
            "maxlength": "20",
            "autocomplete": "off",
            "data-date-input": "1",
            "inputmode": "numeric",
            **(attrs or {}),
        }
        attrs.pop("type", None)
        super().__init__(attrs)

    def format_value(self, value):
        return value.isoformat() if isinstance(value, datetime.date) else value


class LooseDateField(forms.DateField):
    """A date as people type it: 2016-09-20, 2016/9/20, 2016.9.20, 2016年9月20日, and the
    month-only 2016.09 / 2016年9月 (the first of the month), as the imports read them."""

    widget = DateTextInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_loose_date(value.strip() if isinstance(value, str) else value)
        except LooseDateError as exc:
            raise forms.ValidationError(str(exc)) from None
