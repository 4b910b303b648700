"""Every page renders for a signed-in user and refers to nothing outside the system."""

import re

import pytest
from django.urls import reverse

from paicha.conftest import make_member

EXTERNAL = re.compile(
    r"""(?:src|href|action)\s*=\s*["']\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|@import\s+["']?(?:https?:)?//""",
    re.IGNORECASE,
)


def _pages(tree, member):
    return [
        reverse("home"),
        reverse("search") + "?q=zs",
        reverse("organizations:tree"),
        reverse("organizations:detail", args=[tree.branch_a1.code]),
        reverse("organizations:tree_children", args=[tree.root.code]) + "?root=1",
        reverse("organizations:edit", args=[tree.branch_a1.code]),
        reverse("organizations:create", args=[tree.college_a.code]),
        reverse("organizations:move", args=[tree.branch_a1.code]),
        reverse("organizations:merge", args=[tree.branch_a1.code]),
        reverse("members:list"),
        reverse("members:detail", args=[member.pk]),
        reverse("audit:list"),
        reverse("password_change"),
    ]


def test_every_page_renders_without_external_references(tree, personas, client_for):
    member = make_member(tree.branch_a1, "张三")
    client = client_for(personas["department"])
    for url in _pages(tree, member):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert not EXTERNAL.search(body), (url, EXTERNAL.search(body).group(0))


def test_login_page_has_no_external_references(client, tree):
    body = client.get(reverse("login")).content.decode()
    assert "登录" in body and not EXTERNAL.search(body)


def test_external_reference_detector_catches_cdn_links():
    assert EXTERNAL.search('<script src="https://cdn.example.com/x.js">')
    assert EXTERNAL.search("<link href='//fonts.example.com/a.css'>")
    assert not EXTERNAL.search('<script src="/static/vendor/htmx/htmx.min.js">')


@pytest.mark.parametrize(
    ("asset", "marker"),
    [
        ("vendor/bootstrap/bootstrap.min.css", b"Bootstrap"),
        ("vendor/htmx/htmx.min.js", b"htmx"),
        ("vendor/echarts/echarts.min.js", b"echarts"),
    ],
)
def test_vendored_assets_are_served_locally(client, db, asset, marker):
    response = client.get("/static/" + asset)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert len(body) > 10_000 and marker in body[:5_000]


def test_dates_are_shown_the_chinese_way(tree, personas, client_for):
    member = make_member(tree.branch_a1, "张三")
    body = client_for(personas["worker_a1"]).get(reverse("members:detail", args=[member.pk]))
    assert "1990年5月17日" in body.content.decode()


def test_home_shows_the_work_waiting_today(tree, personas, client_for):
    import datetime

    make_member(
        tree.branch_a1,
        "久未联系",
        join_date=datetime.date(2001, 1, 1),
        full_date=datetime.date(2002, 1, 1),
        branch_entry_date=datetime.date(2002, 1, 1),
    )
    response = client_for(personas["worker_a1"]).get(reverse("home"))
    assert response.context["work"]["lost"] == 1
    assert 'id="work"' in response.content.decode()
    assert client_for(personas["worker_b1"]).get(reverse("home")).context["work"]["lost"] == 0
