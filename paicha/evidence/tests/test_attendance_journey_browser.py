"""Browser journey: recording attendance starts blank, shows who is 失联 and who has no
records, and asks before a lost member is marked present (one careless save would take him
off the 失联 list)."""

import datetime

import pytest
from django.utils import timezone

from paicha.codes import AttendanceStatus
from paicha.conftest import make_member, make_user
from paicha.core.browser import login
from paicha.evidence.models import OrgLifeMeeting
from paicha.organizations.permissions import Role

from .conftest import attend, pay

pytestmark = pytest.mark.browser


def test_attendance_starts_blank_marks_lost_and_unrecorded_and_confirms(
    transactional_db, tree, live_server, page
):
    make_user("zb_a1", tree.branch_a1, Role.BRANCH_WORKER)
    today = timezone.localdate()
    long_ago = today - datetime.timedelta(days=900)
    lost = make_member(tree.branch_a1, "王失联", branch_entry_date=long_ago)
    pay(lost, today - datetime.timedelta(days=400))
    make_member(tree.branch_a1, "陈无记", branch_entry_date=today - datetime.timedelta(days=30))
    kept = make_member(tree.branch_a1, "李在岗", branch_entry_date=long_ago)
    attend(kept, today - datetime.timedelta(days=10))

    login(page, live_server, "zb_a1", "Secret-pass-1")
    page.goto(live_server.url + "/evidence/meetings/new/")
    assert page.locator("#attendance-table input[type=radio]:checked").count() == 0
    assert "失联" in page.inner_text('#attendance-table tr[data-member="王失联"] .member-mark')
    assert "无记录待核实" in page.inner_text(
        '#attendance-table tr[data-member="陈无记"] .member-mark'
    )
    assert page.locator('#attendance-table tr[data-member="李在岗"] .member-mark').count() == 0

    page.fill("#id_date", today.isoformat())
    page.select_option("#id_kind", "theme_day")
    page.fill("#id_topic", "学习党章")
    page.check('#attendance-table tr[data-member="王失联"] input[value="present"]')
    page.check('#attendance-table tr[data-member="李在岗"] input[value="present"]')
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.click("#submit")
    page.wait_for_timeout(300)
    assert asked and "王失联" in asked[0] and "李在岗" not in asked[0]
    assert not OrgLifeMeeting.objects.filter(topic="学习党章").exists()  # nothing was sent

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#submit")
    page.wait_for_selector("#meeting-date")
    meeting = OrgLifeMeeting.objects.get(topic="学习党章")
    assert dict(meeting.attendances.values_list("member__name", "status")) == {
        "王失联": AttendanceStatus.PRESENT,
        "李在岗": AttendanceStatus.PRESENT,
    }
    assert "1 人未登记出席情况" in page.inner_text("main")
