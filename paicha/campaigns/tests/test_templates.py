"""Campaign templates with the seeds' timetables: a campaign that follows the 2016 document
keeps its dates; a new one moves them with its start month, and no step text carries a date."""

import datetime
import re

import pytest

from paicha.campaigns import services
from paicha.campaigns.blueprints import BLUEPRINTS
from paicha.campaigns.choices import Recurrence
from paicha.campaigns.models import Step
from paicha.reports.declarations import get_form

D = datetime.date


def create(tree, personas, template, start, **kwargs):
    return services.campaign_create_from_template(
        org=tree.root,
        template=template,
        name="排查",
        doc_number="",
        start=start,
        acting_user=personas["department"],
        **kwargs,
    )


def steps(campaign):
    return list(Step.objects.filter(phase__campaign=campaign).order_by("order"))


def test_no_template_step_text_carries_a_date():
    for blueprint in BLUEPRINTS.values():
        for phase in blueprint.phases:
            for step in phase.steps:
                assert not re.search(r"\d+\s*月", step.text), (blueprint.key, step.text)


def test_justice_bureau_timetable_of_seed_002_attachment2(tree, personas):
    campaign = create(tree, personas, "justice-bureau", D(2016, 2, 4))
    assert [(p.name, p.deadline) for p in campaign.phases.all()] == [
        ("动员部署阶段", D(2016, 2, 7)),
        ("集中排查阶段", D(2016, 3, 31)),
        ("规范处置阶段", D(2016, 6, 30)),
        ("总结巩固阶段", D(2016, 8, 31)),
    ]
    dated = {s.time_note: s.due for s in steps(campaign) if s.deadline}
    assert dated == {
        "3月31日前": D(2016, 3, 31),
        "4月10日前": D(2016, 4, 10),
        "7月5日前": D(2016, 7, 5),
        "7月20日前": D(2016, 7, 20),
    }
    assert campaign.forms_document == "002" and not campaign.consult_department


def test_seed_000_deadlines_and_its_monthly_summary(tree, personas):
    campaign = create(tree, personas, "school-deepen", D(2016, 9, 20))
    forms = {r.form_slug: (r.recurrence, r.deadline) for r in campaign.required_forms.all()}
    assert forms["receipt-statistics"] == (Recurrence.ONCE, D(2016, 10, 20))
    assert forms["unreachable-register"] == (Recurrence.ONCE, D(2016, 12, 15))
    assert forms["attachment3"] == (Recurrence.MONTHLY_END, None)
    assert campaign.end == D(2016, 12, 31) and campaign.forms_document == "000"


def test_seed_001_dates_and_its_consultation_rule(tree, personas):
    campaign = create(tree, personas, "school-2016", D(2016, 3, 1))
    dues = {s.time_note: s.due for s in steps(campaign) if s.time_note}
    assert dues["3月11日前"] == D(2016, 3, 11) and dues["3月18日前"] == D(2016, 3, 18)
    assert dues["4月6日前"] == D(2016, 4, 6) and dues["7月15日前"] == D(2016, 7, 15)
    assert campaign.consult_department and campaign.forms_document == "001"
    assert {r.form_slug: r.deadline for r in campaign.required_forms.all()}[
        "disposition-summary"
    ] == D(2016, 7, 15)


def test_hunan_colleges_timetable_of_seed_003(tree, personas):
    campaign = create(tree, personas, "colleges-hunan", D(2016, 2, 17))
    assert [p.deadline for p in campaign.phases.all()] == [
        D(2016, 3, 15),
        D(2016, 4, 10),
        D(2016, 6, 30),
        D(2016, 7, 10),
    ]


def test_a_new_campaign_moves_the_dates_and_drops_their_wording(tree, personas):
    campaign = create(tree, personas, "school-2016", D(2027, 5, 10))
    by_text = {s.text: s for s in steps(campaign)}
    step = by_text[
        "由各基层党委（党总支）填写党员摸底核查情况统计表（附件9）（按教职工和学生分类填写），"
        "报校党委组织部。"
    ]
    # 3月18日 of a campaign started in March 2016 is 5月18日 of one started in May 2027.
    assert step.due == D(2027, 5, 18) and step.time_note == ""
    assert campaign.end == D(2027, 9, 15)
    assert all(not re.search(r"\d", s.time_note) for s in by_text.values())


def test_keeping_the_documents_dates_whatever_the_start(tree, personas):
    campaign = create(tree, personas, "province-steps", D(2016, 3, 1), keep_document_dates=True)
    assert [p.deadline for p in campaign.phases.all()][2] == D(2016, 4, 20)
    notes = [s.time_note for s in steps(campaign)]
    assert "4月20日前" in notes and "8月15日前" in notes


@pytest.mark.parametrize(
    ("template", "first_line"),
    [
        (
            "justice-bureau",
            "1、本表由党支部填写，一式五份，逐级报省（区、市）、部门（系统）组织部门。",
        ),
        ("school-deepen", "1.本表由党支部填写，逐级汇总后，报党委组织部。"),
    ],
)
def test_the_campaigns_document_chooses_the_notes_printed(tree, personas, template, first_line):
    create(
        tree, personas, template, D(2016, 9, 20) if template == "school-deepen" else D(2016, 2, 4)
    )
    on = D(2016, 10, 1) if template == "school-deepen" else D(2016, 3, 1)
    result = get_form("unreachable-register").build(org=tree.branch_a1, as_of=on)
    assert result.form.notes.splitlines()[0] == first_line
    # The user may still choose another document's notes.
    chosen = get_form("unreachable-register").build(org=tree.branch_a1, as_of=on, notes_from="004")
    assert chosen.form.notes.startswith("1．本表由各党（工）委")


def test_without_a_campaign_the_form_prints_its_own_documents_notes(tree):
    result = get_form("unreachable-register").build(org=tree.branch_a1, as_of=D(2030, 1, 1))
    assert result.form.notes.startswith("1、本表由党支部填写，一式五份")
