"""Every page, as every persona, with a browser that asks for English: no English words in
what the page shows (outside names and codes that are English by nature)."""

import datetime
import re
from html.parser import HTMLParser

import pytest

from paicha.conftest import make_member
from paicha.core.crawl import crawl

# Words that are names of things, not sentences of the interface.
ALLOWED = {
    "paicha",
    "excel",
    "wps",
    "xlsx",
    "xls",
    "docx",
    "csv",
    "pdf",
    "jpg",
    "png",
    "jpeg",
    "word",
    "qq",
    "email",
    "wechat",
    "mb",
    "kb",
    "id",
    "ip",
    "url",
    "http",
    "https",
    "pinyin",
    "utf",
    "zip",
    "ods",
    # the test accounts' user names
    "worker",
    "reviewer",
    "department",
    "auditor",
    "outsider",
}
WORD = re.compile(r"[A-Za-z]{3,}")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code"):
            self.skip += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label") and value:
                self.parts.append(value)
            if name == "value" and value and dict(attrs).get("type") in ("submit", "button"):
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def english_words(html: str) -> set[str]:
    parser = _Text()
    parser.feed(html)
    text = " ".join(parser.parts)
    return {w for w in WORD.findall(text) if w.lower() not in ALLOWED}


def test_detector_finds_what_django_would_print_in_english():
    assert english_words("<p>Dec. 2, 2026</p>") == {"Dec"}
    assert english_words("<li>This field is required.</li>") >= {"This", "field", "required"}
    assert english_words("<td>EvidenceGap object (3)</td><td>True</td>") >= {"object", "True"}
    assert (
        english_words('<p>王伟 13800000001 导出 .xlsx</p><script>var x = "abc";</script>') == set()
    )


@pytest.fixture
def world(tree):
    make_member(tree.branch_a1, "张英文", mobile="13800000001", join_date=datetime.date(2010, 5, 4))
    make_member(tree.branch_b1, "李英文")
    return tree


@pytest.mark.parametrize("persona", ["worker_a1", "reviewer_a", "department", "auditor"])
def test_no_english_on_any_page_for_an_english_browser(world, personas, client, persona):
    client.force_login(personas[persona])
    pages, _ = crawl(client, limit=150, per_route=1, headers={"Accept-Language": "en-US,en;q=0.9"})
    assert len(pages) > 20
    found = {p.url: sorted(english_words(p.html)) for p in pages}
    assert {url: words for url, words in found.items() if words} == {}
