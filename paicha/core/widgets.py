"""Form widgets shared by the apps' forms."""

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe


class PersonPicker(forms.CheckboxSelectMultiple):
    """A searchable list of members: typing filters by 姓名 or pinyin initials (张伟 → zw).

    `own(member)` says which members are listed at once (a branch's own 正式党员); the others
    appear when searched for or on request ("显示其他党员"), and `hide(member)` keeps a member out
    of the list altogether while the field still accepts it, so that the service names the
    person it refuses rather than the form saying "invalid choice"."""

    template_name = "core/widgets/person_picker.html"
    input_type = "checkbox"

    def __init__(self, attrs=None, *, own=None, hide=None, other_label="显示其他党员"):
        super().__init__(attrs)
        self.own = own or (lambda member: True)
        self.hide = hide or (lambda member: False)
        self.other_label = other_label

    def optgroups(self, name, value, attrs=None):
        groups = []
        for group_name, options, index in super().optgroups(name, value, attrs):
            kept = []
            for option in options:
                member = getattr(option["value"], "instance", None)
                if member is None:
                    continue
                if self.hide(member) and not option["selected"]:
                    continue
                option["own"] = bool(self.own(member))
                option["search"] = f"{member.name} {getattr(member, 'name_initials', '')}"
                kept.append(option)
            if kept:
                groups.append((group_name, kept, index))
        return groups

    def _render(self, template_name, context, renderer=None):
        # The project's templates (not only the apps' and Django's own, which the default form
        # renderer searches).
        return mark_safe(render_to_string(template_name, context))

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        options = [o for _, group, _ in context["widget"]["optgroups"] for o in group]
        context["widget"]["n_other"] = sum(1 for o in options if not o["own"])
        context["widget"]["other_label"] = self.other_label
        return context


class SinglePersonPicker(PersonPicker):
    """`PersonPicker` for one person (radio buttons)."""

    allow_multiple_selected = False
    input_type = "radio"
