import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from paicha.audit.models import AuditAction, AuditEntry
from paicha.cases import services
from paicha.cases.models import LostContactCase
from paicha.codes import ApprovalStep as S
from paicha.codes import CaseOutcome, SearchMethod
from paicha.codes import DispositionCategory as D
from paicha.core.tests import scans

# Pages about one case of branch A1; a persona outside that subtree gets 403 or 404.
CASE_PAGES = {
    "detail": lambda c, f: reverse("cases:detail", args=[c.pk]),
    "edit": lambda c, f: reverse("cases:edit", args=[c.pk]),
    "attempt_new": lambda c, f: reverse("cases:attempt_new", args=[c.pk]),
    "attempt_sign": lambda c, f: reverse("cases:attempt_sign", args=[c.pk, 1]),
    "attachment_new": lambda c, f: reverse("cases:attachment_new", args=[c.pk]),
    "attachment": lambda c, f: reverse("cases:attachment", args=[c.pk, f.pk]),
    "conduct": lambda c, f: reverse("cases:conduct", args=[c.pk]),
    "outcome": lambda c, f: reverse("cases:outcome", args=[c.pk]),
    "propose": lambda c, f: reverse("cases:propose", args=[c.pk]),
    "approve": lambda c, f: reverse("cases:approve", args=[c.pk]),
    "follow_up": lambda c, f: reverse("cases:follow_up", args=[c.pk]),
    "record_docx": lambda c, f: reverse("cases:docx", args=[c.pk, "record"]),
    "jishi_docx": lambda c, f: reverse("cases:docx", args=[c.pk, "jishi"]),
    "record_print": lambda c, f: reverse("cases:print", args=[c.pk, "record"]),
    "jishi_print": lambda c, f: reverse("cases:print", args=[c.pk, "jishi"]),
}
NEW_FROM_MEMBER = lambda m: reverse("cases:new") + f"?member={m.pk}"  # noqa: E731


@pytest.fixture
def full_case(opened_case, personas, searchers, settings, tmp_path):
    """A case of branch A1 with one signed attempt, a scan, and a proposal waiting at step 1."""
    settings.MEDIA_ROOT = tmp_path
    worker = personas["worker_a1"]
    attempt = services.attempt_record(
        case=opened_case,
        acting_user=worker,
        date=datetime.date(2016, 3, 5),
        method=SearchMethod.PHONE,
        reached="原单位办公室陈某",
        process="电话询问，已离职",
        signers=[searchers["li"], searchers["zhao"]],
        as_of=datetime.date(2016, 9, 20),
    )
    scan = services.attachment_add(
        case=opened_case,
        attempt=attempt,
        acting_user=worker,
        uploaded=SimpleUploadedFile("通话记录.png", scans.png()),
    )
    services.case_record_outcome(
        case=opened_case,
        acting_user=worker,
        outcome=CaseOutcome.UNREACHABLE,
        outcome_on=datetime.date(2016, 6, 30),
        as_of=datetime.date(2016, 9, 20),
    )
    services.disposition_propose(
        case=opened_case,
        acting_user=worker,
        category=D.LOST_SELF_LAPSED,
        proposal="按自行脱党予以除名",
        proposed_on=datetime.date(2016, 7, 1),
    )
    return opened_case, scan


@pytest.mark.parametrize("page", sorted(CASE_PAGES))
@pytest.mark.parametrize("persona", ["worker_b1", "outsider"])
def test_outsider_of_the_subtree_gets_nothing(full_case, personas, client_for, page, persona):
    case, scan = full_case
    client = client_for(personas[persona])
    for method in ("get", "post"):
        response = getattr(client, method)(CASE_PAGES[page](case, scan))
        assert response.status_code in (403, 404), (page, persona, method)
        assert "王失联" not in response.content.decode(errors="ignore")


@pytest.mark.parametrize("persona", ["worker_b1", "outsider"])
def test_outsider_cannot_open_a_case_for_the_member(lost, personas, client_for, persona):
    response = client_for(personas[persona]).get(NEW_FROM_MEMBER(lost))
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["worker_b1", "outsider"])
def test_lists_show_only_the_own_subtree(full_case, personas, client_for, persona):
    client = client_for(personas[persona])
    for url in (reverse("cases:list"), reverse("cases:work")):
        response = client.get(url)
        assert response.status_code == 200 and "王失联" not in response.content.decode()


def test_auditor_reads_but_cannot_write(full_case, personas, client_for):
    case, scan = full_case
    client = client_for(personas["auditor"])
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    assert client.post(reverse("cases:attempt_new", args=[case.pk]), {}).status_code == 403
    # The auditor's copy of the 纪实表 masks the 身份证号码.
    body = client.get(reverse("cases:print", args=[case.pk, "jishi"])).content.decode()
    assert case.id_number not in body and case.id_number[:6] + "********" in body


def test_open_from_the_lost_list_and_record_an_attempt(lost, personas, searchers, client_for):
    client = client_for(personas["worker_a1"])
    response = client.post(
        NEW_FROM_MEMBER(lost), {"opened_on": "2016-03-01", "loss_reason": "1", "occupation": "3"}
    )
    case = LostContactCase.objects.get(member=lost)
    assert response.status_code == 302 and case.source == "lost_list"
    url = reverse("cases:attempt_new", args=[case.pk])
    response = client.post(
        url,
        {
            "date": "2016-03-05",
            "method": "phone",
            "reached": "老乡赵某",
            "process": "得到老家地址",
            "signers": [searchers["li"].pk, searchers["sun"].pk],
        },
    )
    assert "孙预备" in response.content.decode() and "预备党员" in response.content.decode()
    assert not case.attempts.exists()
    response = client.post(
        url,
        {
            "date": "2016-03-05",
            "method": "phone",
            "reached": "老乡赵某",
            "process": "得到老家地址",
            "signers": [searchers["li"].pk, searchers["zhao"].pk],
        },
    )
    assert response.status_code == 302
    assert [s.signer_name for s in case.attempts.get().signers.all()] == ["李查找", "赵证明"]


def test_other_reason_without_remarks_is_refused_with_the_field_named(lost, personas, client_for):
    response = client_for(personas["worker_a1"]).post(
        NEW_FROM_MEMBER(lost), {"opened_on": "2016-03-01", "loss_reason": "7"}
    )
    assert response.status_code == 200 and "⑦其他" in response.content.decode()
    assert not LostContactCase.objects.exists()


def test_open_by_hand_with_the_id_number(lost, personas, client_for):
    client = client_for(personas["worker_a1"])
    response = client.post(
        reverse("cases:new"), {"opened_on": "2016-03-01", "id_number": "110101199001011234"}
    )
    assert "没有这个身份证号码" in response.content.decode()
    response = client.post(
        reverse("cases:new"), {"opened_on": "2016-03-01", "id_number": lost.id_number}
    )
    assert response.status_code == 302 and LostContactCase.objects.get().source == "manual"


def test_approval_page_signs_the_waiting_step_only_for_the_right_signer(
    full_case, personas, client_for
):
    case, _ = full_case
    url = reverse("cases:approve", args=[case.pk])
    reviewer = client_for(personas["reviewer_a"])
    assert "须由支部工作人员签署" in reviewer.get(url).content.decode()
    response = reviewer.post(
        url,
        {
            "step": S.BRANCH_COMMITTEE,
            "decision": "approved",
            "opinion": "同意",
            "signed_on": "2016-07-02",
        },
    )
    assert "须由支部工作人员签署" in response.content.decode()
    worker = client_for(personas["worker_a1"])
    response = worker.post(
        url,
        {
            "step": S.BRANCH_COMMITTEE,
            "decision": "approved",
            "opinion": "支委会研究同意",
            "signed_on": "2016-07-02",
        },
    )
    assert response.status_code == 302
    # A stale form for the same step is refused, not signed twice.
    response = worker.post(
        url,
        {
            "step": S.BRANCH_COMMITTEE,
            "decision": "approved",
            "opinion": "再签一次",
            "signed_on": "2016-07-02",
        },
    )
    assert "当前应签署“基层党委预审意见”" in response.content.decode()
    assert case.approvals.count() == 1


def test_an_approval_step_that_does_not_exist_is_a_bad_request(full_case, personas, client_for):
    case, _ = full_case
    response = client_for(personas["worker_a1"]).post(
        reverse("cases:approve", args=[case.pk]),
        {"step": "9", "decision": "approved", "opinion": "同意", "signed_on": "2016-07-02"},
    )
    assert response.status_code == 400
    assert "审批环节“9”不存在" in response.content.decode()
    assert case.approvals.count() == 0


def test_scan_download_is_scoped_and_audited(full_case, personas, client_for):
    case, scan = full_case
    response = client_for(personas["reviewer_a"]).get(
        reverse("cases:attachment", args=[case.pk, scan.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("id")
    assert "通话记录.png" in entry.note and entry.actor == personas["reviewer_a"]


def test_documents_are_filled_from_the_case_and_audited(full_case, personas, client_for):
    from docx import Document

    case, _ = full_case
    client = client_for(personas["worker_a1"])
    for kind, title in (
        ("record", "与党组织失去联系党员联系查找情况记录表"),
        ("jishi", "失联党员查找处置全程纪实表"),
    ):
        response = client.get(reverse("cases:docx", args=[case.pk, kind]))
        assert response.status_code == 200
        doc = Document(io.BytesIO(response.content))
        text = "\n".join(p.text for p in doc.paragraphs)
        cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
        assert title in text and "王失联" in cells and "李查找、赵证明" in cells
        assert AuditEntry.objects.filter(action=AuditAction.EXPORT, note__contains=title).exists()
        body = client.get(reverse("cases:print", args=[case.pk, kind])).content.decode()
        assert title in body and "李查找、赵证明" in body
    assert client.get(reverse("cases:docx", args=[case.pk, "other"])).status_code == 404


def test_work_list_shows_what_waits_for_the_user(full_case, personas, client_for):
    case, _ = full_case
    body = client_for(personas["worker_a1"]).get(reverse("cases:work")).content.decode()
    assert "支委会初步处置意见" in body and "王失联" in body
    body = client_for(personas["reviewer_a"]).get(reverse("cases:work")).content.decode()
    assert "等待我签署审批意见（0）" in body


def test_menu_links_to_the_cases(personas, client_for):
    body = client_for(personas["worker_a1"]).get(reverse("home")).content.decode()
    assert reverse("cases:list") in body and reverse("cases:work") in body


def test_opened_date_is_required(lost, personas, client_for):
    response = client_for(personas["worker_a1"]).post(NEW_FROM_MEMBER(lost), {})
    assert response.status_code == 200 and "立案日期" in response.content.decode()
    assert not LostContactCase.objects.exists()


def test_open_from_an_unreceipted_transfer(lost, personas, client_for):
    from paicha.codes import ProvinceScope, TransferPermanence
    from paicha.transfers.services import transfer_out_create

    transfer = transfer_out_create(
        member=lost,
        letter_date=datetime.date(2015, 6, 1),
        province_scope=ProvinceScope.OUTSIDE,
        counterpart_name="华为技术有限公司党委",
        permanence=TransferPermanence.PERMANENT,
        acting_user=personas["worker_a1"],
    )
    url = reverse("cases:new") + f"?transfer={transfer.pk}"
    assert client_for(personas["worker_b1"]).get(url).status_code == 404
    client = client_for(personas["worker_a1"])
    assert "未收到回执" in client.get(url).content.decode()
    response = client.post(url, {"opened_on": "2016-03-01", "lost_since": "2015-06-01"})
    case = LostContactCase.objects.get(member=lost)
    assert response.status_code == 302
    assert (case.source, case.transfer_id) == ("transfer", transfer.pk)
