"""The production settings of docs/DEPLOYMENT.md: Django's deployment checks pass, the
headers a TLS deployment needs are sent, and the interface is Chinese whatever the browser."""

import os
import subprocess
import sys

import pytest
from django.urls import reverse


def _check(env_extra: dict, tmp_path) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PAICHA_", "DJANGO_")) or k == "PAICHA_TEST_SQLITE"
    }
    env.update(
        {"PAICHA_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "paicha.settings"}, **env_extra
    )
    return subprocess.run(
        [sys.executable, "-m", "paicha.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_the_deployment_checks(tmp_path):
    done = _check(
        {
            "PAICHA_HTTPS": "1",
            "PAICHA_ALLOWED_HOSTS": "paicha.example.edu.cn",
            "PAICHA_SECRET_KEY": "k" * 20 + "Zq8-vX2_mN5pL7rT9wY1bC3dF6gH0jK4sA",
        },
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


def test_without_tls_the_deployment_checks_fail(tmp_path):
    """The check is not vacuous: plain HTTP settings are refused."""
    done = _check({"PAICHA_ALLOWED_HOSTS": "paicha.example.edu.cn"}, tmp_path)
    assert done.returncode != 0 and "SECURE_HSTS_SECONDS" in done.stderr


def test_data_directory_and_database_are_private(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={
            **os.environ,
            "PAICHA_DATA_DIR": str(tmp_path / "data"),
            "DATABASE_URL": "",
            "DJANGO_SETTINGS_MODULE": "paicha.settings",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    data = tmp_path / "data"
    assert data.stat().st_mode & 0o777 == 0o700
    assert (data / "paicha.sqlite3").stat().st_mode & 0o777 == 0o600
    assert (data / "secret_key").stat().st_mode & 0o777 == 0o600


def test_headers(client, tree, personas, client_for):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("language", ["en-US,en;q=0.9", "fr", "ja"])
def test_chinese_whatever_the_browser_asks(client, tree, personas, language):
    headers = {"Accept-Language": language}
    response = client.post(
        reverse("login"), {"username": "worker_a1", "password": "wrong"}, headers=headers
    )
    page = response.content.decode()
    assert "请输入一个正确的" in page and "Please enter" not in page
    client.force_login(personas["worker_a1"])
    page = client.get(reverse("home"), headers=headers).content.decode()
    assert 'lang="zh-Hans"' in page and "退出登录" in page
    # Django's own form messages.
    response = client.post(reverse("password_change"), {"old_password": ""}, headers=headers)
    page = response.content.decode()
    assert "这个字段是必填项" in page and "This field is required" not in page


def test_error_pages_are_chinese_in_the_shell(client, tree, personas, client_for):
    client = client_for(personas["worker_a1"])
    missing = client.get("/members/999999999/", headers={"Accept-Language": "en"})
    page = missing.content.decode()
    assert missing.status_code == 404 and "页面不存在" in page or "没有找到" in page
    assert "Not Found" not in page and "退出登录" in page  # the product's shell
    foreign = client.get(reverse("audit:list"), headers={"Accept-Language": "en"})
    page = foreign.content.decode()
    assert foreign.status_code == 403 and "没有权限" in page and "Forbidden" not in page


def test_server_error_page_shows_no_internals(client, tree, personas, client_for, monkeypatch):
    client = client_for(personas["worker_a1"])
    client.raise_request_exception = False

    def broken(request):
        raise RuntimeError("secret internal detail /srv/paicha/settings.py")

    monkeypatch.setattr("paicha.workspace.views.search", broken)
    from django.urls import clear_url_caches

    clear_url_caches()
    import importlib

    import paicha.urls
    import paicha.workspace.urls

    importlib.reload(paicha.workspace.urls)
    importlib.reload(paicha.urls)
    try:
        response = client.get(reverse("search"))
    finally:
        monkeypatch.undo()
        importlib.reload(paicha.workspace.urls)
        importlib.reload(paicha.urls)
        clear_url_caches()
    page = response.content.decode()
    assert response.status_code == 500 and "系统错误" in page
    assert "secret internal detail" not in page and "Traceback" not in page


def test_csrf_failure_is_explained_in_chinese(tree):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "a", "password": "b"})
    page = response.content.decode()
    assert response.status_code == 403 and "页面已过期" in page
    assert "CSRF verification failed" not in page and "Forbidden" not in page
