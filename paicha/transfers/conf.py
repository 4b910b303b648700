"""The periods that vary by locality (SPEC §5): read from settings, with these defaults.

`paicha/settings.py` (or the deployment's settings) may define:

- ``PAICHA_TRANSFER_VALIDITY_DAYS`` — the default validity (有效期) of a 组织关系介绍信 in
  days, by 省内/省外: ``{"within": 30, "outside": 90}``. A worker may type another validity on
  each letter (10 days inside a city is common).
- ``PAICHA_TRANSFER_VALIDITY_MAX_DAYS`` — the longest validity a letter may carry: ``180``
  (at most 3 months in most places, 6 months across provinces in some).
- ``PAICHA_TRANSFER_RECEIPT_DAYS`` — how long the receiving 基层党委 has to return the 回执
  after the member reports: ``30`` (one month). A transfer out is overdue when no receipt has
  come back by letter date + validity + these days (the ``receipt_due`` stored on the letter).
"""

from django.conf import settings

DEFAULT_VALIDITY_DAYS = {"within": 30, "outside": 90}
DEFAULT_VALIDITY_MAX_DAYS = 180
DEFAULT_RECEIPT_DAYS = 30


def validity_days(province_scope: str) -> int:
    table = {**DEFAULT_VALIDITY_DAYS, **getattr(settings, "PAICHA_TRANSFER_VALIDITY_DAYS", {})}
    return int(table.get(province_scope, DEFAULT_VALIDITY_DAYS["outside"]))


def validity_max_days() -> int:
    return int(getattr(settings, "PAICHA_TRANSFER_VALIDITY_MAX_DAYS", DEFAULT_VALIDITY_MAX_DAYS))


def receipt_days() -> int:
    return int(getattr(settings, "PAICHA_TRANSFER_RECEIPT_DAYS", DEFAULT_RECEIPT_DAYS))
