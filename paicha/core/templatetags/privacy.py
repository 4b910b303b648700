"""Masking in templates: ``{% load privacy %}`` then ``{{ value|identity:perms_.VIEW_IDENTITY }}``
for a 身份证号码 or phone, ``{{ value|contacts:perms_.VIEW_IDENTITY }}`` for a contact field,
``{{ text|identities:perms_.VIEW_IDENTITY }}`` for free text that may quote one."""

from django import template

from paicha.core.privacy import mask_changes, mask_contacts, mask_identity, mask_text

register = template.Library()


@register.filter
def identity(value, allowed):
    if value in (None, ""):
        return "" if value is None else value
    return value if allowed else mask_identity(str(value))


@register.filter
def contacts(value, allowed):
    if value in (None, ""):
        return "" if value is None else value
    return value if allowed else mask_contacts(value)


@register.filter
def identities(value, allowed):
    if value in (None, ""):
        return "" if value is None else value
    return value if allowed else mask_text(value)


@register.filter
def changes(value, allowed):
    """An audit row's (label, [before, after]) pairs, masked by label (`mask_changes`) for those
    who may not see them."""
    return list((value if allowed else mask_changes(value or {})).items())
