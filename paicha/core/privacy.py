"""Masking of 身份证号码 and phone numbers for readers who may not see them (SPEC §10).

One rule for every page, export, document and audit row: `mask_identity` for a value that is
an identity or a phone, `mask_contacts` for a contact field, `mask_text` for any other text.
Templates use the `identity` and `contacts` filters (core.templatetags.privacy).
"""

import re


def mask_identity(value: str) -> str:
    """Enough to tell people apart, not to use the number: 430102********7517 for an ID,
    138****5678 for a mobile; a shorter value keeps a quarter of it at each end (88****34)."""
    if len(value) == 18:
        return value[:6] + "*" * 8 + value[14:]
    if len(value) >= 11:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    keep = len(value) // 4
    return value[:keep] + "*" * (len(value) - 2 * keep) + value[len(value) - keep :]


# An 18-character 身份证号码, a mainland mobile (with or without +86), a landline with its area
# code: wherever they stand in a text.
_IDENTITY_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])"
    r"|(?<!\d)1[3-9]\d{9}(?!\d)"
    r"|(?<!\d)0[1-9]\d{1,2}-?\d{7,8}(?!\d)"
)
# What separates the parts of a free-text contact field (手机 138…；微信 wx_abc).
_CONTACT_PARTS = re.compile(r"([\s;；,，、:：/]+)")

# The labels (verbose names) of every field that holds an identity or a way to reach someone:
# an audit row's change under one of these is masked whole, part by part.
CONTACT_LABELS = frozenset(
    {
        "身份证号码",
        "手机号码",
        "其他联系方式",
        "联系电话",
        "联系方式",
        "新手机号码",
        "其他新联系方式",
        "微信号",
        "备用联系人电话",
        "流入地联系人电话",
        "书记电话",
        "组织委员电话",
        "办公电话",
    }
)


def mask_text(text) -> str:
    """`text` with every 身份证号码 and phone number in it masked by `mask_identity`; the rest of
    the text (names, dates, codes) as it was."""
    if text is None:
        return ""
    return _IDENTITY_IN_TEXT.sub(lambda m: mask_identity(m.group(0)), str(text))


def mask_contacts(text) -> str:
    """A contact field (手机 13812345678；微信 wang_abc): every part that is not a Chinese label
    masked by `mask_identity`, so neither numbers nor WeChat ids can be read."""
    if text is None:
        return ""
    parts = _CONTACT_PARTS.split(str(text))
    return "".join(
        part
        if _CONTACT_PARTS.fullmatch(part) or not any(c.isascii() and c.isalnum() for c in part)
        else mask_identity(part)
        for part in parts
    )


def mask_changes(changes: dict) -> dict:
    """An audit row's {label: [before, after]} as a reader without VIEW_IDENTITY sees it."""
    return {
        label: [
            None if v is None else (mask_contacts(v) if label in CONTACT_LABELS else mask_text(v))
            for v in values
        ]
        if isinstance(values, list | tuple)
        else mask_text(values)
        for label, values in changes.items()
    }
