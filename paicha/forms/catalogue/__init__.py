"""Every official form, declared once. Importing this package registers them all."""

from . import dispositions, lost, receipts, registration, roster, stocktaking, summary  # noqa: F401
