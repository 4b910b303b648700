import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from paicha.codes import OrgLifeKind
from paicha.core.bulk import (
    BackgroundInsert,
    WriterBusy,
    bulk_insert,
    bulk_update_rows,
    existing_values,
)
from paicha.evidence.models import OrgLifeMeeting
from paicha.organizations.models import Organization

FIELDS = ("organization", "org_path", "date", "kind", "topic", "notes", "created_at")


def meeting_rows(org, count, start=0):
    now = timezone.now()
    return [
        (
            org.pk,
            org.path,
            datetime.date(2026, 1, 1) + datetime.timedelta(days=i),
            OrgLifeKind.values[0],
            f"主题{i}",
            "",
            now,
        )
        for i in range(start, start + count)
    ]


class Rollback(Exception):
    pass


@pytest.mark.django_db
def test_bulk_insert_writes_every_row_with_its_values(tree):
    assert bulk_insert(OrgLifeMeeting, FIELDS, meeting_rows(tree.branch_a1, 25)) == 25
    meeting = OrgLifeMeeting.objects.get(topic="主题24")
    assert meeting.date == datetime.date(2026, 1, 25)
    assert meeting.organization == tree.branch_a1 and meeting.org_path == tree.branch_a1.path
    assert abs((timezone.now() - meeting.created_at).total_seconds()) < 60


@pytest.mark.django_db
def test_background_insert_writes_in_the_callers_transaction(tree):
    with pytest.raises(Rollback), transaction.atomic():
        writer = BackgroundInsert(OrgLifeMeeting, FIELDS, chunk_size=7)
        for row in meeting_rows(tree.branch_a1, 30):
            writer.add(row)
        assert writer.close() == 30
        assert OrgLifeMeeting.objects.filter(organization=tree.branch_a1).count() == 30
        raise Rollback
    assert not OrgLifeMeeting.objects.exists()


@pytest.mark.django_db
def test_background_insert_with_no_rows_writes_nothing(tree):
    with transaction.atomic():
        assert BackgroundInsert(OrgLifeMeeting, FIELDS).close() == 0
    assert not OrgLifeMeeting.objects.exists()


@pytest.mark.django_db
def test_aborted_background_insert_leaves_nothing_once_rolled_back(tree):
    with pytest.raises(Rollback), transaction.atomic():
        writer = BackgroundInsert(OrgLifeMeeting, FIELDS, chunk_size=5)
        for row in meeting_rows(tree.branch_a1, 12):
            writer.add(row)
        writer.abort()
        raise Rollback
    assert not OrgLifeMeeting.objects.exists()


@pytest.mark.django_db
def test_a_query_while_the_writer_holds_the_connection_is_refused(tree):
    with pytest.raises(Rollback), transaction.atomic():
        writer = BackgroundInsert(OrgLifeMeeting, FIELDS, chunk_size=5)
        for row in meeting_rows(tree.branch_a1, 10):
            writer.add(row)
        with pytest.raises(WriterBusy):
            Organization.objects.count()
        writer.abort()
        # The connection is the caller's again (on PostgreSQL its transaction failed with the
        # COPY: the caller rolls back, as after any abort).
        assert not connection.execute_wrappers
        raise Rollback
    assert Organization.objects.exists() and not OrgLifeMeeting.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_database_error_of_the_writer_is_raised_by_close_as_djangos(tree):
    rows = meeting_rows(tree.branch_a1, 10)
    rows[7] = (999_999_999, *rows[7][1:])  # no such organization: the foreign key fails
    with pytest.raises(IntegrityError), transaction.atomic():
        writer = BackgroundInsert(OrgLifeMeeting, FIELDS, chunk_size=3)
        for row in rows:
            writer.add(row)
        writer.close()
        # Foreign keys are checked at commit on both databases (DEFERRABLE INITIALLY DEFERRED).
    assert not OrgLifeMeeting.objects.exists()


@pytest.mark.django_db
def test_existing_values_finds_the_stored_ones_in_one_query(tree, django_assert_num_queries):
    codes = [tree.branch_a1.code, tree.college_a.code] + [f"NOPE{i}" for i in range(5000)]
    with django_assert_num_queries(1):
        found = existing_values(Organization, "code", codes)
    assert found == {tree.branch_a1.code, tree.college_a.code}
    assert existing_values(Organization, "code", []) == set()


@pytest.mark.django_db
def test_bulk_update_rows_sets_each_rows_own_values_and_nothing_else(tree):
    bulk_insert(OrgLifeMeeting, FIELDS, meeting_rows(tree.branch_a1, 3))
    first, second, third = OrgLifeMeeting.objects.order_by("date")
    moved = datetime.datetime(2026, 3, 1, 9, 30, tzinfo=datetime.UTC)
    written = bulk_update_rows(
        OrgLifeMeeting,
        ("topic", "date", "organization", "created_at"),
        [
            (first.pk, "改过的主题", datetime.date(2026, 2, 1), tree.branch_a2.pk, moved),
            (third.pk, "第三次", datetime.date(2026, 2, 3), tree.branch_a1.pk, moved),
        ],
    )
    assert written == 2
    first.refresh_from_db()
    assert (first.topic, first.date, first.organization, first.created_at) == (
        "改过的主题",
        datetime.date(2026, 2, 1),
        tree.branch_a2,
        moved,
    )
    assert first.org_path == tree.branch_a1.path  # a field not named is left as it was
    assert OrgLifeMeeting.objects.get(pk=third.pk).topic == "第三次"
    assert OrgLifeMeeting.objects.get(pk=second.pk).topic == "主题1"
