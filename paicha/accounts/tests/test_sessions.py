"""Sessions are written at login and then rarely; logins are audited; the lockout counts a
user name in any case as one account."""

import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import DatabaseError
from django.urls import reverse

from paicha.accounts.models import User
from paicha.audit.models import AuditAction, AuditEntry
from paicha.organizations.permissions import Role


@pytest.fixture
def worker(tree):
    return User.objects.create_user(
        "zb1006", password="Right-pass-1", organization=tree.branch_a1, role=Role.BRANCH_WORKER
    )


def _login(client, username="zb1006"):
    return client.post(reverse("login"), {"username": username, "password": "Right-pass-1"})


def _expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_pages_after_login_do_not_write_the_session(client, worker):
    assert _login(client).status_code == 302
    written = _expiry(client)
    for name in ("home", "members:list", "evidence:lost"):
        assert client.get(reverse(name)).status_code == 200
    assert _expiry(client) == written


def test_a_session_in_use_is_renewed_once_the_refresh_interval_has_passed(client, worker):
    _login(client)
    session = client.session
    session["_refreshed"] = int(time.time()) - settings.SESSION_REFRESH_SECONDS - 1
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=Session.objects.get(session_key=session.session_key).expire_date
        - __import__("datetime").timedelta(hours=1)
    )
    before = _expiry(client)
    assert client.get(reverse("home")).status_code == 200
    renewed = _expiry(client)
    assert renewed > before
    assert client.get(reverse("home")).status_code == 200
    assert _expiry(client) == renewed


def test_a_busy_database_does_not_fail_the_page(client, worker, monkeypatch):
    _login(client)
    session = client.session
    session["_refreshed"] = 0
    session.save()

    def busy(self, must_create=False):
        raise DatabaseError("database is locked")

    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.save", busy)
    response = client.get(reverse("members:list"))
    assert response.status_code == 200 and "党员名册" in response.content.decode()


def test_login_writes_one_audit_row(client, worker, tree):
    _login(client)
    rows = AuditEntry.objects.filter(action=AuditAction.LOGIN)
    assert [(r.actor_id, r.org_path) for r in rows] == [(worker.pk, tree.branch_a1.path)]
    assert "127.0.0.1" in rows[0].note


def test_lockout_counts_the_user_name_in_any_case(client, worker):
    for i in range(settings.AXES_FAILURE_LIMIT):
        name = "ZB1006" if i % 2 else " zb1006"
        client.post(reverse("login"), {"username": name, "password": "wrong"})
    response = _login(client, "zb1006")
    assert response.status_code == 429 and "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
