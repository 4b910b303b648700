"""综合情况报告 (seed 001 （六）): a .docx draft with the campaign's figures, the four sections to
edit and one 排查案例.

Every figure is computed from the records as of the report's date; a figure that cannot be
computed raises rather than printing a placeholder.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

from django.db.models import Count

from paicha.cases.models import Disposition, LostContactCase
from paicha.codes import CaseOutcome, DispositionCategory, DispositionState
from paicha.core.dates import format_cn_date
from paicha.members.models import Member
from paicha.transfers.selectors import flow_records, pocket_records

SECTIONS = (
    ("work", "一、排查工作开展情况"),
    ("results", "二、取得的工作成效和经验"),
    ("problems", "三、存在的问题"),
    ("next_steps", "四、下一步工作打算"),
)


@dataclass
class Figure:
    label: str
    value: int
    unit: str = "名"
    source: str = ""


def _members_checked(org, as_of):
    # The roster on the report's date (SPEC §4).
    return Member.objects.in_subtree(org).on_roster_on(as_of).count()


def _cases(org, as_of):
    return LostContactCase.objects.in_subtree(org).filter(opened_on__lte=as_of)


def _lost(org, as_of):
    return _cases(org, as_of).count()


def _regained(org, as_of):
    return _cases(org, as_of).filter(outcome=CaseOutcome.REGAINED, outcome_on__lte=as_of).count()


def _unreachable(org, as_of):
    return _cases(org, as_of).filter(outcome=CaseOutcome.UNREACHABLE, outcome_on__lte=as_of).count()


def _flowing(org, as_of):
    return flow_records(org=org, as_of=as_of).values("member_id").distinct().count()


def _pocket(org, as_of):
    return pocket_records(org=org, as_of=as_of).values("member_id").distinct().count()


def _dispositions(org, as_of) -> list[Figure]:
    counts = dict(
        Disposition.objects.in_subtree(org)
        .filter(state=DispositionState.EFFECTIVE, effective_on__lte=as_of)
        .values_list("category")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        Figure(f"　其中{label}", counts.get(code, 0)) for code, label in DispositionCategory.choices
    ]


# (label, function, where the figure comes from)
SOURCES = [
    ("排查党员数", _members_checked, "党员名册"),
    ("超过六个月未与党组织联系的党员", _lost, "失联党员查找"),
    ("经查找取得联系党员", _regained, "失联党员查找"),
    ("经查找仍然无法取得联系党员", _unreachable, "失联党员查找"),
    ("流动党员", _flowing, "组织关系转接（流动党员）"),
    ("“口袋”党员", _pocket, "组织关系转接（“口袋”党员）"),
]


def figures(*, org, campaign, as_of: datetime.date) -> list[Figure]:
    result = [
        Figure(label, function(org, as_of), source=source) for label, function, source in SOURCES
    ]
    disposed = _dispositions(org, as_of)
    result.append(Figure("已生效的组织处置", sum(f.value for f in disposed), "件", "失联党员处置"))
    result.extend(disposed)
    return result


def summary_docx(*, campaign, org, as_of: datetime.date, sections: dict, user) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(14)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(f"{org.name}\n党员组织关系集中排查综合情况报告")
    run.bold = True
    run.font.size = Pt(20)
    doc.add_paragraph(
        f"（草稿，依据{campaign.doc_number or campaign.name}，数据截至{format_cn_date(as_of)}）"
    ).alignment = WD_ALIGN_PARAGRAPH.CENTER

    figs = figures(org=org, campaign=campaign, as_of=as_of)
    doc.add_paragraph("主要数据").runs[0].bold = True
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for fig in figs:
        cells = table.add_row().cells
        cells[0].text = fig.label
        cells[1].text = f"{fig.value}{fig.unit}"

    for key, heading in SECTIONS:
        doc.add_paragraph(heading).runs[0].bold = True
        text = (sections.get(key) or "").strip()
        if key == "work" and not text:
            text = _default_work_text(campaign, org, figs)
        for para in text.splitlines() or ["（请填写）"]:
            doc.add_paragraph(para or "")
    doc.add_paragraph("附：排查案例").runs[0].bold = True
    case_text = (sections.get("case_study") or "").strip()
    for para in case_text.splitlines() or ["（请填写1个排查案例）"]:
        doc.add_paragraph(para)

    sign = doc.add_paragraph(f"{org.name}\n{format_cn_date(as_of)}")
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph(
        f"导出人：{user}，导出时间：{format_cn_date(as_of)}。"
        "排查数据严禁向社会公布、不得在网络发布。"
    )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _default_work_text(campaign, org, figs) -> str:
    by_label = {f.label: f for f in figs}
    checked = by_label["排查党员数"]
    parts = [
        f"按照{campaign.doc_number or '上级'}部署，{org.name}于{format_cn_date(campaign.start)}"
        f"启动{campaign.name}"
    ]
    parts.append(f"共排查党员{checked.value}名")
    lost = by_label["超过六个月未与党组织联系的党员"]
    parts.append(f"排查出超过六个月未与党组织联系的党员{lost.value}名")
    return "，".join(parts) + "。"
