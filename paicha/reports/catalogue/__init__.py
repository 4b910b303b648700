"""Every official form, declared once. Importing this package registers them all."""

from . import (  # noqa: F401
    case_documents, dispositions, flows, lost, receipts, registration, roster, stocktaking, summary,
)

# The catalogue in the order of SPEC §9.
ORDER = (
    "regained-register", "regained-register-school", "unreachable-register", "attachment3",
    "attachment5", "receipt-statistics", "flow-register", "flow-summary", "pocket-register",
    "pocket-summary", "stocktaking-staff", "stocktaking-students", "branch-roster", "lost-roster",
)
