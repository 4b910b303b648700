"""Values shown to people in Chinese: yes/no instead of True/False, nothing for None."""

from django import template

register = template.Library()


@register.filter
def cn_value(value):
    if value is True:
        return "是"
    if value is False:
        return "否"
    if value is None:
        return ""
    return value
