import datetime
import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from paicha.audit.models import AuditAction, AuditEntry
from paicha.campaigns import services
from paicha.campaigns.models import Step, StepProgress, Submission
from paicha.conftest import make_user
from paicha.core.tests import scans
from paicha.organizations.permissions import Role

from .conftest import DUE, FIGURES, submit


def _pages(campaign, sub, step, progress):
    c = campaign.pk
    return {
        "detail": reverse("campaigns:detail", args=[c]),
        "edit": reverse("campaigns:edit", args=[c]),
        "phase_new": reverse("campaigns:phase_new", args=[c]),
        "phase_edit": reverse("campaigns:phase_edit", args=[c, step.phase_id]),
        "step_new": reverse("campaigns:step_new", args=[c]),
        "step_edit": reverse("campaigns:step_edit", args=[c, step.pk]),
        "tick": reverse("campaigns:tick", args=[c, step.pk]),
        "untick": reverse("campaigns:untick", args=[c, step.pk]),
        "minutes": reverse("campaigns:minutes", args=[c, progress.pk]),
        "required_form_new": reverse("campaigns:required_form_new", args=[c]),
        "board": reverse("campaigns:board", args=[c]),
        "calendar": reverse("campaigns:calendar", args=[c]),
        "submit": reverse("campaigns:submit", args=[c, "test-counts", DUE.isoformat()]),
        "submissions": reverse("campaigns:submissions", args=[c]),
        "submission": reverse("campaigns:submission", args=[c, sub.pk]),
        "rollup": reverse("campaigns:rollup", args=[c, "test-counts", DUE.isoformat()]),
        "report": reverse("campaigns:report", args=[c]),
    }


@pytest.fixture
def college_campaign(tree, personas, counts_form, settings, tmp_path):
    """A campaign of college A with a submission and a step done with minutes by branch A1."""
    from paicha.campaigns.choices import Level
    from paicha.campaigns.models import RequiredForm

    settings.MEDIA_ROOT = tmp_path
    campaign = services.campaign_create_from_template(
        org=tree.college_a,
        template="branch-flow",
        name="文学院秘密排查",
        doc_number="文党〔2016〕1号",
        start=datetime.date(2016, 1, 27),
        acting_user=personas["reviewer_a"],
    )
    RequiredForm.objects.create(
        campaign=campaign, form_slug="test-counts", level=Level.BRANCH, deadline=DUE
    )
    FIGURES["001001001"] = (3, 2)
    sub = submit(campaign, tree.branch_a1, personas["worker_a1"])
    step = Step.objects.get(phase__campaign=campaign, order=1)
    progress = services.step_tick(
        campaign=campaign,
        org=tree.branch_a1,
        step=step,
        done_on=datetime.date(2016, 2, 2),
        acting_user=personas["worker_a1"],
        minutes=SimpleUploadedFile("会议记录.pdf", scans.plain_pdf()),
    )
    return campaign, sub, step, progress


PAGE_NAMES = [
    "detail",
    "edit",
    "phase_new",
    "phase_edit",
    "step_new",
    "step_edit",
    "tick",
    "untick",
    "minutes",
    "required_form_new",
    "board",
    "calendar",
    "submit",
    "submissions",
    "submission",
    "rollup",
    "report",
]


@pytest.mark.parametrize("page", PAGE_NAMES)
@pytest.mark.parametrize("persona", ["worker_b1", "outsider"])
def test_a_user_of_another_subtree_gets_404_for_every_campaign_page(
    college_campaign, personas, client_for, page, persona
):
    url = _pages(*college_campaign)[page]
    client = client_for(personas[persona])
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        assert response.status_code == 404, (page, persona, method)
        assert "文学院秘密排查" not in response.content.decode(errors="ignore")
    assert Submission.objects.count() == 1 and StepProgress.objects.count() == 1


@pytest.mark.parametrize("persona", ["worker_b1", "outsider"])
def test_lists_and_reminders_show_nothing_of_another_subtree(
    college_campaign, personas, client_for, persona
):
    client = client_for(personas[persona])
    for url in (
        reverse("campaigns:list"),
        reverse("campaigns:reminders"),
        reverse("campaigns:reminders_box"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "文学院秘密排查" not in response.content.decode()


def test_a_sibling_branch_sees_the_campaign_but_not_the_other_branch_submission(
    college_campaign, tree, client_for
):
    campaign, sub, step, progress = college_campaign
    worker_a2 = make_user("worker_a2", tree.branch_a2, Role.BRANCH_WORKER)
    client = client_for(worker_a2)
    assert client.get(reverse("campaigns:detail", args=[campaign.pk])).status_code == 200
    pages = _pages(*college_campaign)
    for page in ("submission", "minutes"):
        assert client.get(pages[page]).status_code == 404, page
    board = client.get(pages["board"]).content.decode()
    assert tree.branch_a1.name not in board


def test_every_page_opens_for_the_people_of_the_campaign(college_campaign, personas, client_for):
    pages = _pages(*college_campaign)
    owner = client_for(personas["reviewer_a"])
    for page in (
        "detail",
        "edit",
        "phase_new",
        "phase_edit",
        "step_new",
        "step_edit",
        "required_form_new",
        "board",
        "calendar",
        "submissions",
        "submission",
        "rollup",
        "report",
    ):
        assert owner.get(pages[page]).status_code == 200, page
    worker = client_for(personas["worker_a1"])
    for page in ("detail", "tick", "submit", "board", "calendar", "submission"):
        assert worker.get(pages[page]).status_code == 200, page
    assert worker.get(pages["edit"]).status_code == 403


def test_review_pages_accept_and_return(college_campaign, personas, client_for):
    campaign, sub, step, progress = college_campaign
    url = reverse("campaigns:submission", args=[campaign.pk, sub.pk])
    worker = client_for(personas["worker_a1"])
    assert 'id="accept"' not in worker.get(url).content.decode()
    assert worker.post(url, {"action": "accept"}).status_code == 403
    reviewer = client_for(personas["reviewer_a"])
    response = reviewer.post(url, {"action": "return", "return_reason": ""})
    assert (
        "退回原因" in response.content.decode() and "这个字段是必填项" in response.content.decode()
    )
    reviewer.post(url, {"action": "return", "return_reason": "人数不对"})
    sub.refresh_from_db()
    assert sub.status == "returned" and sub.return_reason == "人数不对"


def test_submit_page_shows_failed_checks_and_refuses(college_campaign, tree, personas, client_for):
    campaign = college_campaign[0]
    FIGURES["001001001"] = (1, 4)
    url = reverse("campaigns:submit", args=[campaign.pk, "test-counts", DUE.isoformat()])
    client = client_for(personas["worker_a1"])
    Submission.objects.update(status="returned")
    response = client.post(url, {"as_of": "2016-04-18"})
    text = response.content.decode()
    assert response.status_code == 200 and "已核查 ≤ 党员数（教职工）" in text
    assert Submission.objects.count() == 1


def test_board_marks_a_late_branch_in_red(college_campaign, tree, client_for, personas):
    campaign = college_campaign[0]
    make_user("worker_a2", tree.branch_a2, Role.BRANCH_WORKER)
    response = client_for(personas["reviewer_a"]).get(
        reverse("campaigns:board", args=[campaign.pk]) + "?date=2016-04-21"
    )
    text = response.content.decode()
    a2 = text.split('data-org="001001002"')[0].rsplit("<tr", 1)[1]
    assert "table-danger" in a2


def test_report_downloads_a_docx_with_the_sections_and_is_audited(
    college_campaign, personas, client_for, tree
):
    from docx import Document

    from paicha.conftest import make_member

    campaign = college_campaign[0]
    make_member(tree.branch_a1, "李在册")
    response = client_for(personas["reviewer_a"]).post(
        reverse("campaigns:report", args=[campaign.pk]),
        {
            "as_of": "2016-07-10",
            "problems": "个别支部进度偏慢",
            "case_study": "某毕业生党员失联案例",
        },
    )
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    for heading in (
        "排查工作开展情况",
        "取得的工作成效和经验",
        "存在的问题",
        "下一步工作打算",
        "排查案例",
        "个别支部进度偏慢",
        "某毕业生党员失联案例",
    ):
        assert heading in text
    cells = {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows}
    assert cells["排查党员数"] == "1名"
    assert "流动党员" in cells and "“口袋”党员" in cells
    assert AuditEntry.objects.filter(
        action=AuditAction.EXPORT, note__contains="综合情况报告"
    ).exists()


def test_report_flowing_figure_counts_flow_records_on_the_date(college_campaign):
    from paicha.campaigns import report
    from paicha.codes import FlowScope
    from paicha.conftest import make_member, setup_actor
    from paicha.transfers.services import flow_open

    campaign = college_campaign[0]
    away = make_member(campaign.organization.children.order_by("path").first(), "外出甲")
    flow_open(
        member=away,
        destination="深圳市",
        since=datetime.date(2016, 5, 1),
        scope=FlowScope.CROSS_PROVINCE,
        acting_user=setup_actor(away.organization),
    )

    def flowing(on):
        figs = report.figures(org=campaign.organization, campaign=campaign, as_of=on)
        return next(f.value for f in figs if f.label == "流动党员")

    assert flowing(datetime.date(2016, 7, 10)) == 1
    assert flowing(datetime.date(2016, 4, 30)) == 0  # not yet away on that date


def test_report_raises_when_a_figure_cannot_be_computed(college_campaign, monkeypatch):
    from paicha.campaigns import report

    def broken(org, as_of):
        raise AttributeError("no such selector")

    monkeypatch.setattr(
        report, "SOURCES", [*report.SOURCES[:4], ("流动党员", broken, "流动党员管理")]
    )
    campaign = college_campaign[0]
    with pytest.raises(AttributeError):
        report.figures(
            org=campaign.organization, campaign=campaign, as_of=datetime.date(2016, 7, 10)
        )


def test_minutes_download_is_audited(college_campaign, personas, client_for):
    campaign, sub, step, progress = college_campaign
    response = client_for(personas["reviewer_a"]).get(
        reverse("campaigns:minutes", args=[campaign.pk, progress.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == scans.plain_pdf()
    assert response["Content-Disposition"].startswith("attachment;")
    assert AuditEntry.objects.filter(
        action=AuditAction.EXPORT, note__contains="排查步骤材料"
    ).exists()


def test_new_campaign_page_creates_from_template(tree, personas, client_for, counts_form):
    client = client_for(personas["department"])
    response = client.post(
        reverse("campaigns:new"),
        {
            "template": "province-steps",
            "name": "全校集中排查",
            "doc_number": "湘组〔2016〕4号",
            "start": "2016-01-27",
            "end": "",
            "notice": "",
        },
    )
    assert response.status_code == 302
    bad = client.post(
        reverse("campaigns:new"),
        {"template": "province-steps", "name": "x", "start": "2016-05-01", "end": "2016-04-01"},
    )
    assert "结束日期不能早于开始日期" in bad.content.decode()
    assert client_for(personas["worker_a1"]).get(reverse("campaigns:new")).status_code == 403


def test_minutes_are_a_scan_or_a_clean_pdf(college_campaign, personas, client_for):
    campaign, _, _, progress = college_campaign
    stored = default_storage.open(progress.minutes).read()
    assert stored == scans.plain_pdf()
    step2 = Step.objects.get(phase__campaign=campaign, order=2)
    url = reverse("campaigns:tick", args=[campaign.pk, step2.pk])
    client = client_for(personas["worker_a1"])
    for name, data, why in (
        ("记录.txt", b"minutes", "只接受 jpg、png、pdf"),
        ("记录.pdf", scans.pdf_with_plain_javascript(), "含有JavaScript"),
    ):
        response = client.post(
            url,
            {
                "done_on": "2016-02-03",
                "org": "001001001",
                "minutes": SimpleUploadedFile(name, data),
            },
        )
        assert f"“{name}”" in response.content.decode() and why in response.content.decode()
    assert not StepProgress.objects.filter(step=step2).exists()
