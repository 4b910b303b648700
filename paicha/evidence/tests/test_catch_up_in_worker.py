"""The evidence catch-up after bulk writes runs in the worker, chunk by chunk; the 失联 pages
never write or lock beside it, so a request never waits on the worker's locks."""

import datetime
import os
import re
import threading
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from paicha.conftest import make_member
from paicha.evidence import gaps
from paicha.evidence.models import EvidenceGap, GapWatermark
from paicha.evidence.selectors import lost_members
from paicha.members.models import Member

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
WRITES = re.compile(
    r"^\s*(INSERT|UPDATE|DELETE|BEGIN IMMEDIATE|BEGIN EXCLUSIVE)|FOR UPDATE", re.IGNORECASE
)


def _bulk_newcomers(tree, *names):
    """Members as a COPY import leaves them: stored, without their evidence rows."""
    members = [
        make_member(tree.branch_a1, name, join_date=datetime.date(2010, 1, 1)) for name in names
    ]
    EvidenceGap.objects.filter(member__in=members).delete()
    return members


def test_the_catch_up_commits_chunk_by_chunk_and_a_failure_keeps_the_chunks_done(tree, monkeypatch):
    make_member(tree.branch_a1, "张已算")
    gaps.catch_up()
    members = _bulk_newcomers(tree, "甲", "乙", "丙", "丁", "戊")
    monkeypatch.setattr(gaps, "CATCH_UP_CHUNK", 2)
    real, calls = gaps.refresh_gaps, []

    def fails_on_the_third_chunk(ids=None):
        calls.append(list(ids))
        if len(calls) == 3:
            raise OSError("worker killed")
        real(ids)

    monkeypatch.setattr(gaps, "refresh_gaps", fails_on_the_third_chunk)
    with pytest.raises(OSError):
        gaps.catch_up()
    assert calls[:2] == [[members[0].pk, members[1].pk], [members[2].pk, members[3].pk]]
    assert GapWatermark.objects.get(pk=1).members_up_to == members[3].pk
    with_rows = set(EvidenceGap.objects.values_list("member__name", flat=True))
    assert {"甲", "乙", "丙", "丁"} <= with_rows and "戊" not in with_rows

    monkeypatch.setattr(gaps, "refresh_gaps", real)
    assert gaps.catch_up() == 1
    assert GapWatermark.objects.get(pk=1).members_up_to == members[4].pk
    lost = lost_members(Member.objects.all(), as_of=datetime.date(2016, 9, 20))
    assert sorted(m.name for m in lost) == ["丁", "丙", "乙", "戊", "甲"]


def test_the_lost_pages_neither_write_nor_lock_while_a_catch_up_is_queued_or_running(
    tree, personas, client_for, settings, django_capture_on_commit_callbacks
):
    make_member(tree.branch_a1, "张已算")
    gaps.catch_up()
    settings.TASKS_INLINE = False
    _bulk_newcomers(tree, "李新人")
    client = client_for(personas["worker_a1"])
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("evidence:lost"))  # the first page queues the catch-up, once
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"][0] == "paicha.evidence.gaps.catch_up"
    for status in (TaskResultStatus.READY, TaskResultStatus.RUNNING):
        DBTaskResult.objects.update(status=status)
        for name in ("evidence:lost", "evidence:uncontrolled", "evidence:dashboard"):
            with (
                django_capture_on_commit_callbacks(execute=True),
                CaptureQueriesContext(connection) as queries,
            ):
                assert client.get(reverse(name)).status_code == 200
            written = [q["sql"][:120] for q in queries if WRITES.search(q["sql"])]
            assert written == [], (name, status)
    assert DBTaskResult.objects.count() == 1


@pytest.mark.skipif(
    not ON_POSTGRES,
    reason="the in-memory SQLite of the tests cannot hold a "
    "lock in one connection while another reads",
)
@pytest.mark.django_db(transaction=True)
def test_a_request_does_not_wait_for_a_catch_up_holding_its_locks(
    tree, personas, client_for, settings
):
    """A catch-up stopped half-way inside its transaction (its watermark and rows locked); the
    失联 page answers meanwhile, at once, with the rows as they were."""
    make_member(tree.branch_a1, "张已算")
    gaps.catch_up()
    settings.TASKS_INLINE = False
    _bulk_newcomers(tree, "李新人")
    inside, release, errors = threading.Event(), threading.Event(), []
    real = gaps.refresh_gaps

    def held(ids=None):
        real(ids)
        inside.set()
        release.wait(30)

    def worker():
        try:
            gaps.refresh_gaps = held
            gaps.catch_up()
        except Exception as exc:  # noqa: BLE001  (reported by the test thread)
            errors.append(exc)
        finally:
            gaps.refresh_gaps = real
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert inside.wait(30)
        client = client_for(personas["worker_a1"])
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        started = time.monotonic()
        response = client.get(reverse("evidence:lost"))
        took = time.monotonic() - started
    finally:
        release.set()
        thread.join(30)
    assert response.status_code == 200 and took < 2
    assert errors == []
    assert GapWatermark.objects.get(pk=1).members_up_to == Member.objects.get(name="李新人").pk


def test_a_process_that_found_every_member_caught_up_asks_again_a_moment_later(
    tree, settings, monkeypatch, django_capture_on_commit_callbacks
):
    make_member(tree.branch_a1, "张已算")
    gaps.catch_up()
    settings.TASKS_INLINE = False
    clock = [1000.0]
    monkeypatch.setattr("time.monotonic", lambda: clock[0])
    with CaptureQueriesContext(connection) as queries:
        gaps.catch_up_soon()
        gaps.catch_up_soon()  # within the moment: not asked again
    assert len(queries) == 1
    _bulk_newcomers(tree, "李新人")
    clock[0] += gaps.RECHECK_SECONDS + 0.1
    with django_capture_on_commit_callbacks(execute=True):
        gaps.catch_up_soon()
    assert DBTaskResult.objects.get().args_kwargs["args"][0] == "paicha.evidence.gaps.catch_up"
