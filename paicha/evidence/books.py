"""The 建账日期 in force for each organization (SPEC §4), kept in BooksDate.

An organization's 组织生活 and 党费 records are complete from its 建账日期: before it, the
absence of records proves nothing. The date in force is, in this order:
1. the organization's own `books_opened_on`;
2. the nearest ancestor's (the subtree inherits it);
3. the earliest 组织生活 or 党费 record of its subtree (meetings held, dues paid, and the dates a
   roster file declares as the last 组织生活 / 党费);
4. the day of its subtree's first roster import (so importing a roster into a branch with no
   records does not make every member 失联 on the day of the import).

`books_refresh` recomputes the rows of some organizations (all when None) and returns the ids of
those whose date changed; the EvidenceGap rows of their members are then recomputed (gaps.py).
New records only ever move a derived date earlier: `books_note_record` does that without a scan.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from paicha.audit.context import suspended
from paicha.audit.models import AuditAction, AuditEntry
from paicha.members.models import Member
from paicha.organizations.models import Organization
from paicha.organizations.tree import SEGMENT_WIDTH, subtree_q

from .models import BooksDate, BooksSource, DuesPayment, OrgLifeMeeting

# The note the roster import writes on its audit entry (members.importing.import_commit).
ROSTER_IMPORT_NOTE = "导入党员名册"

_DERIVED = (BooksSource.RECORDS, BooksSource.IMPORT, BooksSource.NONE)


def _prefixes(path: str) -> list[str]:
    """The paths of the organization and its ancestors, nearest first."""
    return [path[:n] for n in range(len(path), 0, -SEGMENT_WIDTH)]


def _earliest_by_path(
    paths: list[str] | None,
) -> tuple[dict[str, datetime.date], dict[str, datetime.date]]:
    """{org path: earliest record date} of the organizations' own records (not their
    subtrees'), and {org path: first roster import day}, within the subtrees of `paths`
    (everything when None)."""

    def scoped(qs, field="org_path"):
        if paths is None:
            return qs
        q = Q()
        for path in paths:
            q |= subtree_q(path, field)
        return qs.filter(q)

    records: dict[str, datetime.date] = {}

    def take(rows):
        for path, day in rows:
            if day is not None and (path not in records or day < records[path]):
                records[path] = day

    take(
        scoped(OrgLifeMeeting.objects.all())
        .order_by()
        .values("org_path")
        .annotate(d=Min("date"))
        .values_list("org_path", "d")
    )
    take(
        scoped(DuesPayment.objects.all())
        .order_by()
        .values("org_path")
        .annotate(d=Min("paid_on"))
        .values_list("org_path", "d")
    )
    take(
        scoped(Member.objects.filter(declared_last_org_life__isnull=False))
        .order_by()
        .values("org_path")
        .annotate(d=Min("declared_last_org_life"))
        .values_list("org_path", "d")
    )
    take(
        scoped(Member.objects.filter(declared_last_dues__isnull=False))
        .order_by()
        .values("org_path")
        .annotate(d=Min("declared_last_dues"))
        .values_list("org_path", "d")
    )
    imports: dict[str, datetime.date] = {}
    entries = (
        scoped(
            AuditEntry.objects.filter(
                action=AuditAction.IMPORT,
                model=Organization._meta.label,
                note__startswith=ROSTER_IMPORT_NOTE,
            )
        )
        .order_by()
        .values("org_path")
        .annotate(at=Min("at"))
        .values_list("org_path", "at")
    )
    for path, at in entries:
        day = timezone.localtime(at).date()
        if path not in imports or day < imports[path]:
            imports[path] = day
    return records, imports


def _subtree_minimum(own: dict[str, datetime.date]) -> dict[str, tuple[datetime.date, str]]:
    """{path: (earliest date in the subtree of path, path of the organization holding it)}."""
    best: dict[str, tuple[datetime.date, str]] = {}
    for path, day in own.items():
        for prefix in _prefixes(path):
            if prefix not in best or day < best[prefix][0]:
                best[prefix] = (day, path)
    return best


def compute(orgs: list[Organization]) -> dict[int, tuple[datetime.date | None, str, int | None]]:
    """{org id: (建账日期, source, id of the organization it comes from)} for these."""
    ancestor_paths = {p for org in orgs for p in _prefixes(org.path)}
    explicit = {
        o.path: (o.books_opened_on, o.pk)
        for o in Organization.objects.filter(
            path__in=ancestor_paths, books_opened_on__isnull=False
        ).only("path", "books_opened_on")
    }
    undecided = [o for o in orgs if not any(p in explicit for p in _prefixes(o.path))]
    records = imports = {}
    if undecided:
        everything = len(undecided) > 200
        records, imports = _earliest_by_path(None if everything else [o.path for o in undecided])
    by_records, by_import = _subtree_minimum(records), _subtree_minimum(imports)
    paths_needed = {
        path for pair in (*by_records.values(), *by_import.values()) for path in [pair[1]]
    }
    ids_by_path = (
        dict(Organization.objects.filter(path__in=paths_needed).values_list("path", "pk"))
        if paths_needed
        else {}
    )
    result = {}
    for org in orgs:
        found = next((p for p in _prefixes(org.path) if p in explicit), None)
        if found is not None:
            day, source_id = explicit[found]
            result[org.pk] = (
                day,
                BooksSource.SET if found == org.path else BooksSource.INHERITED,
                source_id,
            )
        elif org.path in by_records:
            day, path = by_records[org.path]
            result[org.pk] = (day, BooksSource.RECORDS, ids_by_path.get(path))
        elif org.path in by_import:
            day, path = by_import[org.path]
            result[org.pk] = (day, BooksSource.IMPORT, ids_by_path.get(path))
        else:
            result[org.pk] = (None, BooksSource.NONE, None)
    return result


def _store(values: dict[int, tuple]) -> set[int]:
    """Write the rows; return the ids whose date changed."""
    current = {b.pk: b for b in BooksDate.objects.filter(pk__in=list(values))}
    changed, new, updated = set(), [], []
    for org_id, (day, source, source_id) in values.items():
        row = current.get(org_id)
        if row is None:
            new.append(
                BooksDate(
                    organization_id=org_id, opened_on=day, source=source, source_org_id=source_id
                )
            )
            if day is not None:
                changed.add(org_id)
            continue
        if row.opened_on != day:
            changed.add(org_id)
        if (row.opened_on, row.source, row.source_org_id) != (day, source, source_id):
            row.opened_on, row.source, row.source_org_id = day, source, source_id
            updated.append(row)
    BooksDate.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
    BooksDate.objects.bulk_update(updated, ["opened_on", "source", "source_org"], batch_size=2000)
    return changed


def books_refresh(orgs: Iterable[Organization] | None = None) -> set[int]:
    """Recompute the 建账日期 in force of these organizations (all when None); returns the ids
    of the organizations whose date changed."""
    with transaction.atomic(), suspended():
        orgs = (
            list(Organization.objects.only("path", "books_opened_on"))
            if orgs is None
            else list(orgs)
        )
        if not orgs:
            return set()
        return _store(compute(orgs))


def books_refresh_subtree(org: Organization) -> set[int]:
    """After the 建账日期 of `org` was set or cleared: every organization of its subtree and its
    ancestors (whose derived dates count the subtree's records) may change."""
    orgs = list(
        Organization.objects.filter(
            Q(subtree_q(org.path, "path")) | Q(path__in=_prefixes(org.path)[1:])
        ).only("path", "books_opened_on")
    )
    return books_refresh(orgs)


def books_note_record(org: Organization, day: datetime.date) -> set[int]:
    """A record dated `day` was added in `org`: a derived date of the organization or an
    ancestor that is later than it (or that came from an import or nothing) moves to it."""
    rows = {
        b.organization_id: b
        for b in BooksDate.objects.filter(organization__path__in=_prefixes(org.path))
    }
    paths = dict(
        Organization.objects.filter(path__in=_prefixes(org.path)).values_list("pk", "path")
    )
    missing = [pk for pk in paths if pk not in rows]
    changed = set()
    if missing:
        changed |= books_refresh(Organization.objects.filter(pk__in=missing))
    for pk, row in rows.items():
        if row.source in _DERIVED and (
            row.source != BooksSource.RECORDS or row.opened_on is None or day < row.opened_on
        ):
            BooksDate.objects.filter(pk=pk).update(
                opened_on=day, source=BooksSource.RECORDS, source_org=org
            )
            if row.opened_on != day:
                changed.add(pk)
    return changed


def books_for(org: Organization) -> BooksDate:
    """The row of one organization, computed when it has none yet."""
    row = BooksDate.objects.select_related("source_org").filter(organization=org).first()
    if row is None:
        books_refresh([org])
        row = BooksDate.objects.select_related("source_org").get(organization=org)
    return row


def books_shown(org: Organization) -> BooksDate:
    """The row of one organization for a page: computed but not stored when it has none yet,
    so that reading a page never writes (on SQLite it would wait for an import's write lock).
    The evidence catch-up stores the missing rows."""
    row = BooksDate.objects.select_related("source_org").filter(organization=org).first()
    if row is None:
        day, source, source_id = compute([org])[org.pk]
        row = BooksDate(organization=org, opened_on=day, source=source, source_org_id=source_id)
    return row


def books_missing(org_ids: Iterable[int]) -> list[int]:
    """Of these organizations, those with no BooksDate row yet."""
    ids = set(org_ids)
    return sorted(ids - set(BooksDate.objects.filter(pk__in=ids).values_list("pk", flat=True)))
