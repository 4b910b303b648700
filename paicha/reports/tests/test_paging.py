import datetime
import re

from django.urls import reverse

from paicha.conftest import make_member


def _url(org, **params):
    query = "".join(f"&{k}={v}" for k, v in params.items())
    return (
        reverse("reports:form", args=["branch-roster"]) + f"?org={org.code}&date=2016-09-20{query}"
    )


def _names(html: str) -> list[str]:
    return re.findall(r"成员\d{3}", html)


def _long_roster(branch, count):
    for i in range(1, count + 1):
        make_member(branch, f"成员{i:03d}", join_date=datetime.date(2000, 1, 1))
    make_member(branch, "<b>某&人</b>", join_date=datetime.date(2001, 1, 1))


def test_a_long_register_is_shown_a_page_at_a_time(tree, personas, client_for):
    _long_roster(tree.branch_a1, 130)
    client = client_for(personas["worker_a1"])
    first = client.get(_url(tree.branch_a1)).content.decode()
    assert _names(first) == [f"成员{i:03d}" for i in range(1, 101)]
    assert "共 131 行，本页第 1–100 行" in first and "第 1 / 2 页" in first
    second = client.get(_url(tree.branch_a1, page=2)).content.decode()
    assert _names(second) == [f"成员{i:03d}" for i in range(101, 131)]
    assert "&lt;b&gt;某&amp;人&lt;/b&gt;" in second and "<b>某" not in second
    assert "第 2 / 2 页" in second
    # Past the last page: the last page.
    assert _names(client.get(_url(tree.branch_a1, page=9)).content.decode()) == _names(second)


def test_the_print_view_carries_every_row_escaped(tree, personas, client_for):
    _long_roster(tree.branch_a1, 130)
    page = client_for(personas["worker_a1"]).get(_url(tree.branch_a1, format="print"))
    html = page.content.decode()
    assert _names(html) == [f"成员{i:03d}" for i in range(1, 131)]
    assert "&lt;b&gt;某&amp;人&lt;/b&gt;" in html and "<b>某" not in html
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    assert body.count("<tr>") == 131  # more rows than the seed's 14: no blank rows added
    assert '<td class="nowrap">131</td><td>&lt;b&gt;某&amp;人&lt;/b&gt;</td><td>男</td>' in body


def test_a_short_register_prints_the_seeds_blank_rows(tree, personas, client_for):
    make_member(tree.branch_a1, "成员001")
    client = client_for(personas["worker_a1"])
    for params in ({}, {"format": "print"}):
        html = client.get(_url(tree.branch_a1, **params)).content.decode()
        body = html.split("<tbody>")[1].split("</tbody>")[0]
        assert body.count("<tr>") == 14 and body.count("<td>&nbsp;</td>") == 13 * 13
        assert "分页" not in html
