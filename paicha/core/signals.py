"""Signals by which an app tells the apps above it of something, without importing them."""

from django.dispatch import Signal

# A change the audit log must keep that no save signal reports: a bulk rewrite (an
# organization moved with its subtree) or a change of a field the log leaves out (a password).
# Sent with the keyword arguments of `audit.services.audit_record`; the audit app writes the
# entry at once, inside the sender's transaction.
audit_requested = Signal()
