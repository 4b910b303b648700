"""Walk the product's pages as a signed-in user, following links, and find its forms.

Used by the tests that submit every POST form outside a test transaction and that read every
page with an English browser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.urls import Resolver404, resolve

# Links a crawl does not follow: leaving, downloads and print views (files, not pages).
SKIP = re.compile(
    r"/accounts/logout/|/static/|export|download|\.xlsx|\.docx|\.csv|\.pdf|"
    r"format=|/print|/doc/|template|/healthz"
)


@dataclass
class Form:
    page: str
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    has_file: bool = False


class _Parser(HTMLParser):
    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: tuple[str, list[str], list[str]] | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self._option_value: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = Form(
                page=self.page,
                action=a.get("action") or self.page,
                method=(a.get("method") or "get").lower(),
            )
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind == "file":
                self._form.has_file = True
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form.fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button", "image", "reset"):
                self._form.fields.append((a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select = (a["name"], [], [])
        elif tag == "option" and self._select is not None:
            self._option_value = a.get("value", "")
            self._select[1].append(self._option_value)
            if "selected" in a:
                self._select[2].append(self._option_value)
        elif tag == "textarea" and a.get("name"):
            self._textarea = (a["name"], [])

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None and self._form is not None:
            name, options, selected = self._select
            chosen = selected or options[:1]
            for value in chosen:
                self._form.fields.append((name, value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append((self._textarea[0], "".join(self._textarea[1]).strip()))
            self._textarea = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def route_of(url: str) -> str | None:
    try:
        return resolve(urlsplit(url).path).route
    except Resolver404:
        return None


@dataclass
class Page:
    url: str
    status: int
    html: str


def crawl(
    client, *, start: str = "/", per_route: int = 2, limit: int = 250, headers: dict | None = None
) -> tuple[list[Page], list[Form]]:
    """GET pages reachable from `start` (at most `per_route` URLs of each URL pattern and
    `limit` in all); return them and the forms they contain."""
    seen_urls, per = set(), {}
    queue, pages, forms = [start], [], []
    while queue and len(pages) < limit:
        url = queue.pop(0)
        if url in seen_urls:
            continue
        seen_urls.add(url)
        route = route_of(url)
        if route is None or per.get(route, 0) >= per_route:
            continue
        per[route] = per.get(route, 0) + 1
        response = client.get(url, headers=headers or {})
        content_type = response.get("Content-Type", "")
        if getattr(response, "streaming", False) or not content_type.startswith("text/html"):
            continue
        html = response.content.decode()
        pages.append(Page(url, response.status_code, html))
        parser = _Parser(url)
        parser.feed(html)
        forms.extend(parser.forms)
        for href in parser.links:
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.netloc or not parts.path.startswith("/") or SKIP.search(target):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen_urls:
                queue.append(target)
    return pages, forms
