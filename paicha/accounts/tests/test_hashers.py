from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import override_settings

from paicha import settings as production
from paicha.accounts.models import User
from paicha.organizations.permissions import Role


def test_passwords_are_stored_with_the_measured_argon2id_parameters():
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        from django.contrib.auth.hashers import make_password

        encoded = make_password("Secret-pass-1")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_a_password_hashed_with_other_parameters_works_and_is_rehashed_at_login(client, tree):
    old = Argon2PasswordHasher().encode("Right-pass-1", "saltsaltsalt1234")
    assert "$m=102400,t=2,p=8$" in old
    user = User.objects.create(
        username="w", password=old, organization=tree.branch_a1, role=Role.BRANCH_WORKER
    )
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        response = client.post("/accounts/login/", {"username": "w", "password": "Right-pass-1"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert user.password != old
