"""Signals of the member registry for the areas that keep data derived from members."""

from django.dispatch import Signal

# Sent with `member_ids` after members were written in bulk (bulk_update skips post_save), in
# the writing transaction, so derived rows (evidence gaps) follow the same commit.
members_changed_in_bulk = Signal()

# Sent with `org` and `on` when a chain that takes a member off the roster starts (a case's 处置
# proposed, 停止党籍 for settling abroad registered): a receiver answers True when a campaign
# running over `org` on that day has every 处置 discussed with the 上级党委组织部门 first
# (`approvals.consult_required` asks; the campaigns app answers).
consultation_asked = Signal()
