"""Browser journey: a branch worker opens a case, records two attempts signed by two members,
proposes 自行脱党除名; the committee and the department sign their steps in turn; the member
leaves the roster; the 纪实表 shows every step."""

import pytest

from paicha.codes import MemberStatus, MemberType
from paicha.conftest import make_user
from paicha.core.browser import login
from paicha.organizations.permissions import Role

from .conftest import member

pytestmark = pytest.mark.browser
PASSWORD = "Secret-pass-1"


def _logout(page):
    page.click("#user-menu")
    page.click("#logout")
    page.wait_for_selector("#id_username")


def _pick(page, typed, name):
    """Find a searcher in the picker by typing, then tick him."""
    page.fill("#id_signers .picker-search", typed)
    page.get_by_label(name, exact=False).check()
    page.fill("#id_signers .picker-search", "")


def _sign_waiting_step(page, live_server, username, opinion):
    login(page, live_server, username, PASSWORD)
    page.goto(live_server.url + "/cases/work/")
    page.click("#waiting a")
    page.fill("#id_opinion", opinion)
    page.click("#submit")
    page.wait_for_selector("#chain")
    assert opinion in page.inner_text("#chain")
    _logout(page)


def test_lost_member_is_searched_and_removed_through_the_chain(
    transactional_db, tree, live_server, page
):
    make_user("zb_a1", tree.branch_a1, Role.BRANCH_WORKER)
    make_user("xy_a", tree.college_a, Role.COMMITTEE_REVIEWER)
    make_user("zzb", tree.root, Role.ORG_DEPARTMENT)
    lost = member(tree.branch_a1, "钱失联")
    member(tree.branch_a1, "李查找"), member(tree.branch_a1, "赵证明")  # the searchers

    login(page, live_server, "zb_a1", PASSWORD)
    page.goto(live_server.url + f"/cases/new/?member={lost.pk}")
    page.select_option("#id_loss_reason", "1")
    page.select_option("#id_occupation", "3")
    page.click("#submit")
    page.wait_for_selector("#attempt-new")
    case_url = page.url
    assert "钱失联" in page.inner_text("h1")

    for date, method, reached in (
        ("2026-03-05", "phone", "原工作单位办公室陈某"),
        ("2026-04-05", "police", "户籍所在地派出所民警金某"),
    ):
        page.click("#attempt-new")
        page.fill("#id_date", date)
        page.select_option("#id_method", method)
        page.fill("#id_reached", reached)
        page.fill("#id_process", "未查找到本人的登记信息")
        _pick(page, "lcz", "李查找")
        _pick(page, "赵", "赵证明")
        page.click("#submit")
        page.wait_for_selector("#attempts")
        assert reached in page.inner_text("#attempts")
    assert "签名不足两人" not in page.inner_text("#attempts")

    page.click("#outcome-link")
    page.select_option("#id_outcome", "unreachable")
    page.click("#submit")
    page.wait_for_selector("#propose")
    assert "经查找仍然无法取得联系" in page.inner_text("#case-outcome")

    page.click("#propose")
    page.select_option("#id_category", "Q")
    page.fill("#id_proposal", "经多方查找仍无法取得联系，按自行脱党予以除名")
    page.click("#submit")
    page.wait_for_selector("#sign-step")
    page.click("#sign-step")
    page.fill("#id_opinion", "支委会研究，同意除名")
    page.click("#submit")
    page.wait_for_selector("#chain")
    _logout(page)

    _sign_waiting_step(page, live_server, "xy_a", "党委预审同意")
    _sign_waiting_step(page, live_server, "zzb", "组织部预审同意")
    lost.refresh_from_db()
    assert lost.status == MemberStatus.ACTIVE  # nothing changes before the final approval
    _sign_waiting_step(page, live_server, "zb_a1", "支部党员大会表决通过")
    _sign_waiting_step(page, live_server, "xy_a", "党委审核同意")
    _sign_waiting_step(page, live_server, "zzb", "组织部审批同意")

    lost.refresh_from_db()
    assert lost.status == MemberStatus.REMOVED
    login(page, live_server, "zb_a1", PASSWORD)
    page.goto(live_server.url + "/members/")
    assert "钱失联" not in page.inner_text("main") and "李查找" in page.inner_text("main")
    page.goto(case_url)
    assert "已生效" in page.inner_text("#disposition")
    page.goto(case_url + "jishi/print/")
    sheet = page.inner_text("section.sheet")
    assert "失联党员查找处置全程纪实表" in sheet and "李查找、赵证明" in sheet
    for opinion in (
        "支委会研究，同意除名",
        "党委预审同意",
        "组织部预审同意",
        "支部党员大会表决通过",
        "党委审核同意",
        "组织部审批同意",
    ):
        assert opinion in sheet, opinion
    assert "上一级党委组织部门对劝退、除名处置的审批意见" in sheet


def _attempt(page, date, reached):
    page.fill("#id_date", date)
    page.select_option("#id_method", "phone")
    page.fill("#id_reached", reached)
    page.fill("#id_process", "未查找到本人")
    _pick(page, "lcz", "李查找")
    _pick(page, "zz", "赵证明")
    page.click("#submit")
    page.wait_for_selector("#attempts")


def test_returned_proposal_reaches_the_branch_todo_and_search_resumes_in_one_action(
    transactional_db, tree, live_server, page
):
    make_user("zb_a1", tree.branch_a1, Role.BRANCH_WORKER)
    make_user("xy_a", tree.college_a, Role.COMMITTEE_REVIEWER)
    lost = member(tree.branch_a1, "钱失联")
    member(tree.branch_a1, "李查找"), member(tree.branch_a1, "赵证明")

    login(page, live_server, "zb_a1", PASSWORD)
    page.goto(live_server.url + f"/cases/new/?member={lost.pk}")
    page.select_option("#id_loss_reason", "1")
    page.click("#submit")
    page.click("#attempt-new")
    _attempt(page, "2026-03-05", "原单位陈某")
    case_url = page.url
    page.click("#outcome-link")
    page.select_option("#id_outcome", "unreachable")
    page.click("#submit")
    page.click("#propose")
    # Only the categories of 仍未取得联系 are offered, each named with its group.
    offered = page.eval_on_selector_all("#id_category option", "os => os.map(o => o.value)")
    assert offered == ["", "Q", "T", "U", "V", "W"]
    assert page.inner_text("#id_category option[value=Q]") == "仍未取得联系：自行脱党除名"
    page.select_option("#id_category", "Q")
    page.fill("#id_proposal", "经多方查找仍无法取得联系，按自行脱党予以除名")
    page.click("#submit")
    page.click("#sign-step")
    page.fill("#id_opinion", "支委会研究，同意除名")
    page.click("#submit")
    page.wait_for_selector("#chain")
    _logout(page)

    login(page, live_server, "xy_a", PASSWORD)
    page.goto(live_server.url + "/cases/work/")
    page.click("#waiting a")
    page.check("input[name=decision][value=rejected]")
    page.fill("#id_opinion", "只查找了一次，请再走访户籍地派出所")
    page.click("#submit")
    page.wait_for_selector("#chain")
    _logout(page)

    login(page, live_server, "zb_a1", PASSWORD)
    assert "被退回的处置意见 1 件" in page.inner_text("#work-returned")
    page.click("#work-returned a")
    row = page.inner_text("#returned")
    assert "钱失联" in row and "只查找了一次，请再走访户籍地派出所" in row
    page.click("#returned .search-again")
    # One action: the case is searching again and the attempt form is open.
    page.wait_for_selector("#id_reached")
    assert page.url.endswith("/attempts/new/")
    _attempt(page, "2026-04-05", "户籍地派出所民警金某")
    assert page.url == case_url
    assert "正在查找" in page.inner_text("#case-outcome")
    assert "户籍地派出所民警金某" in page.inner_text("#attempts")
    page.goto(live_server.url + "/cases/work/")
    assert page.locator("#returned").count() == 0


def test_searcher_picker_lists_the_branch_full_members_first_and_finds_by_initials(
    transactional_db, tree, live_server, page
):
    make_user("zb_a1", tree.branch_a1, Role.BRANCH_WORKER)
    make_user("xy_a", tree.college_a, Role.COMMITTEE_REVIEWER)
    lost = member(tree.branch_a1, "钱失联")
    member(tree.branch_a1, "李查找"), member(tree.branch_a1, "赵证明")
    member(tree.branch_a1, "孙预备", member_type=MemberType.PROBATIONARY)
    member(tree.branch_a2, "张同院")
    member(tree.branch_b1, "周外院")

    login(page, live_server, "zb_a1", PASSWORD)
    page.goto(live_server.url + f"/cases/new/?member={lost.pk}")
    page.select_option("#id_loss_reason", "1")
    page.click("#submit")
    page.click("#attempt-new")
    visible = page.locator("#id_signers .picker-item:visible").all_inner_texts()
    assert [v.split("（")[0].strip() for v in visible] == ["李查找", "赵证明"]
    listed = page.inner_text("#id_signers")
    # A branch worker sees no other branch's people, and no probationary member is offered.
    assert "张同院" not in listed and "周外院" not in listed and "孙预备" not in listed
    page.fill("#id_signers .picker-search", "zz")
    visible = page.locator("#id_signers .picker-item:visible").all_inner_texts()
    assert [v.split("（")[0].strip() for v in visible] == ["赵证明"]
    case_url = page.url.replace("attempts/new/", "")
    _logout(page)

    # The committee's reviewer may add the committee's working group, on request.
    login(page, live_server, "xy_a", PASSWORD)
    page.goto(case_url + "attempts/new/")
    assert page.locator("#id_signers .picker-item:visible").count() == 2
    page.click("#id_signers .picker-more")
    visible = page.locator("#id_signers .picker-item:visible").all_inner_texts()
    assert [v.split("（")[0].strip() for v in visible] == ["李查找", "赵证明", "张同院"]
    assert "周外院" not in page.inner_text("#id_signers")
