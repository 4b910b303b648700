"""Masking of 身份证号码 and phone numbers for readers who may not see them (SPEC §10)."""


def mask_identity(value: str) -> str:
    """Enough to tell people apart, not to use the number: 430102********7517 for an ID,
    138****5678 for a mobile; a shorter value keeps a quarter of it at each end (88****34)."""
    if len(value) == 18:
        return value[:6] + "*" * 8 + value[14:]
    if len(value) >= 11:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    keep = len(value) // 4
    return value[:keep] + "*" * (len(value) - 2 * keep) + value[len(value) - keep:]
