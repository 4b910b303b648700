"""Browser journey: a branch worker records three meetings of the branch on the roster form
(everyone marked present with one click, one member marked absent from the second on); the
失联 list as of exactly six months after his last meeting does not show him, one day later it
does."""

import datetime

import pytest
from django.utils import timezone

from paicha.conftest import make_member, make_user
from paicha.core.dates import add_months
from paicha.organizations.permissions import Role

pytestmark = pytest.mark.browser


def _record(page, live_server, day: datetime.date, topic: str, absent: list[str] = ()):
    page.goto(live_server.url + "/evidence/meetings/")
    page.click("#new-meeting")
    page.fill("#id_date", day.isoformat())
    page.select_option("#id_kind", "theme_day")
    page.fill("#id_topic", topic)
    page.click("#all-present")
    for name in absent:
        page.check(f'#attendance-table tr[data-member="{name}"] input[value="absent"]')
    page.once("dialog", lambda dialog: dialog.accept())  # lost members marked present
    page.click("#submit")
    page.wait_for_selector("#meeting-date")


def _lost_as_of(page, day: datetime.date) -> str:
    page.click("#menu-lost")
    page.fill("#id_as_of", day.isoformat())
    page.click("#asof-submit")
    page.wait_for_selector("#lost-table")
    return page.inner_text("#lost-table")


def test_member_who_stops_attending_appears_after_six_months(
    transactional_db, tree, live_server, page
):
    from paicha.core.browser import login

    make_user("zb_a1", tree.branch_a1, Role.BRANCH_WORKER)
    entry = timezone.localdate() - datetime.timedelta(days=1500)
    make_member(tree.branch_a1, "孔常来", branch_entry_date=entry)
    make_member(tree.branch_a1, "曹不来", branch_entry_date=entry)
    first = timezone.localdate() - datetime.timedelta(days=400)

    login(page, live_server, "zb_a1", "Secret-pass-1")
    page.click("#menu-meetings")
    _record(page, live_server, first, "重温入党誓词")
    assert "孔常来" in page.inner_text("#attendance-table")
    _record(page, live_server, add_months(first, 3), "学习党章", absent=["曹不来"])
    _record(page, live_server, add_months(first, 5), "志愿服务", absent=["曹不来"])
    assert "缺席" in page.inner_text("#attendance-table")

    day_before = _lost_as_of(page, add_months(first, 6) - datetime.timedelta(days=1))
    assert "曹不来" not in day_before and "孔常来" not in day_before
    on_the_day = _lost_as_of(page, add_months(first, 6))
    assert "曹不来" in on_the_day and "孔常来" not in on_the_day
    assert "恰满6个月" in on_the_day and "开始查找" in on_the_day
    day_after = _lost_as_of(page, add_months(first, 6) + datetime.timedelta(days=1))
    assert "曹不来" in day_after and "恰满6个月" not in day_after
