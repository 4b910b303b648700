"""Two people editing one record through its edit page: the steps every app's lost-update test
takes (open the page as A, save as B, save as A from the old copy)."""

import re

from django.test import Client


def version_in(body: str) -> str:
    return re.search(r'name="version" value="([^"]+)"', body).group(1)


def form_data(response, **changes) -> dict:
    """The POST the edit page would send unchanged (its form's values as the widgets print
    them), with `changes` typed over it."""
    form = response.context["form"]
    data = {}
    for field in form:
        value = field.value()
        widget = field.field.widget
        if getattr(widget, "input_type", None) == "checkbox":
            if value:
                data[field.html_name] = "on"
            continue
        if value is None:
            value = ""
        elif hasattr(widget, "format_value") and not isinstance(value, str):
            value = widget.format_value(value)
        data[field.html_name] = "" if value is None else value
    data.update(changes)
    data["version"] = version_in(response.content.decode())
    return data


def two_editors(first_user, second_user):
    first, second = Client(), Client()
    first.force_login(first_user)
    second.force_login(second_user)
    return first, second


def refused(response) -> str:
    """The page of a refused save: 200, the refusal at the top; its body."""
    body = response.content.decode()
    assert response.status_code == 200, response.status_code
    assert "保存失败：在您打开此页之后" in body, body
    return body
