"""Browser journey on a phone (390×844): the 失联 list, the member's page, recording an attempt
with a photo of the signed record from the camera, and signing a step — each page fits the
screen (no sideways scrolling), its tables shown as one card per row."""

import datetime

import pytest
from django.utils import timezone

from paicha.cases.models import CaseAttachment, LostContactCase
from paicha.conftest import make_user
from paicha.core.browser import login
from paicha.evidence.tests.conftest import pay
from paicha.organizations.permissions import Role

from .conftest import member

pytestmark = pytest.mark.browser
PASSWORD = "Secret-pass-1"
# A tiny valid JPEG: what the phone's camera hands the page.
JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c"
    "1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0000b"
    "080001000101011100ffc4001f0000010501010101010100000000000000000102030405060708090a0bffc400b5"
    "100002010303020403050504040000017d01020300041105122131410613516107227114328191a1082342b1c115"
    "52d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a6364"
    "65666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7"
    "b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda000801"
    "0100003f00fbd3ffd9"
)


def _fits_the_screen(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} 在手机上需要横向滚动（页面宽 {width}px）"


def _is_card(page, selector):
    return page.eval_on_selector(selector, "el => getComputedStyle(el).display") == "block"


def test_field_work_on_a_phone(transactional_db, tree, live_server, browser):
    make_user("zb_a1", tree.branch_a1, Role.BRANCH_WORKER)
    today = timezone.localdate()
    lost = member(tree.branch_a1, "王失联", branch_entry_date=today - datetime.timedelta(days=900))
    pay(lost, today - datetime.timedelta(days=400))
    member(tree.branch_a1, "李查找"), member(tree.branch_a1, "赵证明")

    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        login(page, live_server, "zb_a1", PASSWORD)
        page.goto(live_server.url + "/evidence/lost/")
        assert "王失联" in page.inner_text("#lost-table")
        assert _is_card(page, "#lost-table tbody tr")
        assert (
            page.eval_on_selector("#lost-table thead", "el => getComputedStyle(el).display")
            == "none"
        )
        _fits_the_screen(page)

        page.goto(live_server.url + lost.get_absolute_url())
        assert _is_card(page, "table.table-cards tr")
        _fits_the_screen(page)

        page.goto(live_server.url + f"/cases/new/?member={lost.pk}")
        page.select_option("#id_loss_reason", "1")
        page.click("#submit")
        page.click("#attempt-new")
        _fits_the_screen(page)
        assert page.get_attribute("#id_photo", "capture") == "environment"
        assert page.get_attribute("#id_photo", "accept") == "image/*"
        page.fill("#id_date", "2026年3月5日")
        page.select_option("#id_method", "visit")
        page.fill("#id_reached", "户籍地村委会主任刘某")
        page.fill("#id_process", "上门走访，家人称其外出务工")
        page.fill("#id_signers .picker-search", "lcz")
        page.get_by_label("李查找", exact=False).check()
        page.fill("#id_signers .picker-search", "zz")
        page.get_by_label("赵证明", exact=False).check()
        page.set_input_files(
            "#id_photo", files=[{"name": "record.jpg", "mimeType": "image/jpeg", "buffer": JPEG}]
        )
        page.click("#submit")
        page.wait_for_selector("#attempts")
        assert _is_card(page, "#attempts tbody tr")
        assert "record.jpg" in page.inner_text("#attempts")
        _fits_the_screen(page)
        case = LostContactCase.objects.get(member=lost)
        attempt = case.attempts.get()
        assert attempt.date == datetime.date(2026, 3, 5)
        assert CaseAttachment.objects.filter(attempt=attempt, file_type="jpg").count() == 1

        # Signing an attempt on the phone: the searcher picker and the date fit.
        page.goto(live_server.url + f"/cases/{case.pk}/attempts/1/sign/")
        _fits_the_screen(page)
    finally:
        context.close()


def test_signing_an_approval_on_a_phone(
    transactional_db, tree, personas, searchers, lost, live_server, browser
):
    from paicha.cases.services import case_open

    from .conftest import OPENED
    from .test_services import propose_removal

    case = case_open(member=lost, acting_user=personas["worker_a1"], opened_on=OPENED)
    propose_removal(case, personas, searchers)

    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        login(page, live_server, "worker_a1", PASSWORD)
        page.goto(live_server.url + case.get_absolute_url())
        _fits_the_screen(page)
        assert page.is_visible("#sign-step")
        page.click("#sign-step")
        page.wait_for_selector("#id_opinion")
        _fits_the_screen(page)
        # The opinion box and the button fit and can be reached with the thumb.
        box = page.locator("#submit").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        page.fill("#id_opinion", "支委会研究，同意除名")
        page.click("#submit")
        page.wait_for_selector("#chain")
        assert "支委会研究，同意除名" in page.inner_text("#chain")
        _fits_the_screen(page)
        assert case.approvals.filter(opinion="支委会研究，同意除名").count() == 1
    finally:
        context.close()
