"""Signals of the member registry for the areas that keep data derived from members."""

from django.dispatch import Signal

# Sent with `member_ids` after members were written in bulk (bulk_update skips post_save), in
# the writing transaction, so derived rows (evidence gaps) follow the same commit.
members_changed_in_bulk = Signal()
