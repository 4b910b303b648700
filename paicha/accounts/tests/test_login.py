import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string

from paicha.accounts.models import User
from paicha.organizations.permissions import Role


def test_production_hasher_is_argon2():
    from paicha import settings as production  # the tests' conftest swaps in a fast hasher

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    hasher = import_string(production.PASSWORD_HASHERS[0])()
    encoded = hasher.encode("Secret-pass-1", hasher.salt())
    assert encoded.startswith("argon2$") and hasher.verify("Secret-pass-1", encoded)


def test_sessions_expire():
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and not settings.SESSION_SAVE_EVERY_REQUEST


def test_pages_need_login(client, db):
    response = client.get(reverse("members:list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_login_works_and_shows_the_own_organization(client, tree):
    User.objects.create_user(
        "w", password="Right-pass-1", organization=tree.branch_a1, role=Role.BRANCH_WORKER
    )
    response = client.post(
        reverse("login"), {"username": "w", "password": "Right-pass-1"}, follow=True
    )
    assert response.status_code == 200
    assert "文学院教工第一党支部" in response.content.decode()


@pytest.mark.django_db
def test_repeated_failures_lock_the_account(client, tree):
    User.objects.create_user(
        "w", password="Right-pass-1", organization=tree.branch_a1, role=Role.BRANCH_WORKER
    )
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "w", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "w", "password": "Right-pass-1"})
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
