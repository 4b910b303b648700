"""Every official form, declared once. Importing this package registers them all."""

from paicha.core.catalogue import list_in_order

from . import (  # noqa: F401
    disposition_sheets,
    dispositions,
    flagged,
    flows,
    lost,
    receipts,
    registration,
    roster,
    stocktaking,
    summary,
)

# The catalogue in the order of SPEC §9.
ORDER = (
    "regained-register",
    "regained-register-school",
    "unreachable-register",
    "attachment3",
    "attachment5",
    "attachment5-by-unit",
    "disposition-summary",
    "receipt-statistics",
    "flow-register",
    "flow-summary",
    "pocket-register",
    "pocket-summary",
    "stocktaking-staff",
    "stocktaking-students",
    "branch-roster",
    "lost-roster",
    "hardship-register",
    "religious-register",
    "investigation-register",
)
list_in_order(ORDER)
