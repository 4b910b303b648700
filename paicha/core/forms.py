"""What every form page does with a service: its ValidationError onto the form, success once."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError


def errors_into(form, exc: ValidationError, *, unnamed_to: str | None = None) -> None:
    """A service's ValidationError onto the form: each message on its field where the form has
    that field, on the form as a whole otherwise. Messages that name no field go to the field
    `unnamed_to` when the form has it (a password rule belongs beside the password box)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(unnamed_to if unnamed_to in form.fields else None, exc.messages)


def submitted(request, form, action: Callable[[dict], object],
              message: str | Callable[[dict], str]) -> bool:
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
