"""The materialized path of the organization tree, and the one subtree filter.

A path is the concatenation of fixed-width base-36 segments, one per level (root first), so an
organization's subtree is the contiguous range ``path <= x < path + PATH_END``. A range, unlike
``LIKE 'p%'`` (case-insensitive and index-less on SQLite), is served by the ordinary b-tree
index on both databases; on PostgreSQL the column uses the "C" collation so that the range is
byte order, whatever the database's locale.
"""

from django.db import models
from django.db.models import Q

SEGMENT_WIDTH = 4
SEGMENT_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Sorts after every character a path can hold (binary collation on both databases).
PATH_END = "~"
MAX_DEPTH = 16


class TreePathField(models.CharField):
    """A CharField in byte-order collation, so subtree ranges are index range scans."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", SEGMENT_WIDTH * MAX_DEPTH)
        super().__init__(*args, **kwargs)

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


def encode_segment(number: int) -> str:
    if not 0 <= number < len(SEGMENT_ALPHABET) ** SEGMENT_WIDTH:
        raise ValueError(f"同一上级下的组织数量超出上限：{number}")
    digits = []
    for _ in range(SEGMENT_WIDTH):
        number, rest = divmod(number, len(SEGMENT_ALPHABET))
        digits.append(SEGMENT_ALPHABET[rest])
    return "".join(reversed(digits))


def decode_segment(segment: str) -> int:
    return int(segment, len(SEGMENT_ALPHABET))


def subtree_q(path: str, field: str = "org_path") -> Q:
    """Rows whose `field` lies in the subtree rooted at `path` (the root included)."""
    return Q(**{f"{field}__gte": path, f"{field}__lt": path + PATH_END})


def is_in_subtree(path: str, root_path: str) -> bool:
    return path.startswith(root_path)
