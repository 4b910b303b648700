"""The two per-case documents, laid out like the seeds, as .docx and as an A4 print page:

- 《与党组织失去联系党员联系查找情况记录表》 (seed 002): four attempts a page; more attempts go on
  续页 pages, and the 支委会意见 / 基层党委意见 / 备注 rows close the last page.
- 《失联党员查找处置全程纪实表》 (seed 004 附件4): every attempt (at least the seed's five rows)
  and every approval step, 一式四份.

Both are pages of cell grids (core.documents), which the one .docx writer and the one print
template of every per-person document lay out; they are registered there as documents
(`CaseSearchRecord`, `CaseJishi`, at the end of this module) when the cases app is ready.
"""

from __future__ import annotations

import datetime

from paicha.codes import (
    ApprovalDecision,
    ApprovalStep,
    CaseOutcome,
    Education,
    Ethnicity,
    Gender,
    Occupation,
)
from paicha.core.dates import format_cn_date, format_cn_month
from paicha.core.documents import (
    Cell,
    Document,
    DocumentDeclaration,
    Page,
    block,
    label,
    register_document,
    value,
)
from paicha.core.privacy import mask_identity

from .models import LostContactCase
from .rules import JISHI_STEPS, STEP_SEAL, STEP_TITLE_JISHI

BLANK_DATE = "年    月    日"
CN_DIGITS = "零一二三四五六七八九"
COPIES = ("党员所在党支部存", "基层党委存", "县委组织部存", "失联党员查找处置档案资料存")


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 14 → 十四, 21 → 二十一 (attempts are counted 第一次, 第二次 …)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    if n < 100:
        return (CN_DIGITS[tens] if tens > 1 else "") + "十" + (CN_DIGITS[ones] if ones else "")
    return str(n)


# ---- filling ---------------------------------------------------------------------------------


class Facts:
    """The case's printed values (masked for roles that may not see identities)."""

    def __init__(self, case, *, as_of: datetime.date, mask: bool):
        self.case, self.as_of = case, as_of
        c = case
        self.name = c.name
        self.gender = Gender(c.gender).label if c.gender else ""
        self.ethnicity = Ethnicity(c.ethnicity).label if c.ethnicity else ""
        self.birth = format_cn_month(c.birth_date)
        self.education = Education(c.education).label if c.education else ""
        self.occupation = (
            Occupation.circled(c.occupation) + Occupation(c.occupation).label
            if c.occupation
            else ""
        )
        self.join = format_cn_month(c.join_date)
        self.id_number = mask_identity(c.id_number) if mask else c.id_number
        contacts = c.contacts
        if c.outcome == CaseOutcome.REGAINED:
            contacts = "；".join(x for x in (c.new_mobile, c.new_contacts) if x) or contacts
        self.contacts = (
            "；".join(mask_identity(p) for p in contacts.split("；")) if mask else contacts
        )
        self.lost_period = c.lost_period_text(as_of)
        self.regained = format_cn_date(c.outcome_on) if c.outcome == CaseOutcome.REGAINED else ""
        self.reason = c.loss_reason_text


def _attempt_paras(attempt) -> list[tuple[str, str]]:
    lines = [
        (
            f"{format_cn_date(attempt.date)}，{attempt.get_method_display()}，查找对象："
            f"{attempt.reached}" + (f"，联系电话：{attempt.phone}" if attempt.phone else "") + "。",
            "left",
        ),
        (attempt.process, "left"),
    ]
    if attempt.remarks:
        lines.append((f"备注：{attempt.remarks}", "left"))
    signers = "、".join(s.signer_name for s in attempt.signers.all())
    lines.append((f"查找人签名：{signers}", "left"))
    lines.append((format_cn_date(attempt.date), "right"))
    return lines


def _signatures_by_step(case) -> dict[str, list]:
    by_step: dict[str, list] = {}
    for signature in case.approvals.order_by("round", "step", "id"):
        by_step.setdefault(signature.step, []).append(signature)
    return by_step


def _signature_line(signature) -> str:
    rejected = signature.decision == ApprovalDecision.REJECTED
    head = f"第{signature.round}轮" if signature.round > 1 or rejected else ""
    verdict = "（不同意，退回）" if rejected else ""
    return f"{head}{verdict}{signature.opinion}"


# ---- 与党组织失去联系党员联系查找情况记录表 (seed 002) ----------------------------------------

RECORD_TITLE = "与党组织失去联系党员联系查找情况记录表"
RECORD_WIDTHS = [2.3, 2.6, 2.0, 2.6, 2.4, 2.6, 2.6]
ATTEMPTS_PER_PAGE = 4
RECORD_COPIES = ("报县级党委组织部门备案", "存入党员档案")


def search_record(case, *, as_of: datetime.date, mask: bool = False) -> Document:
    f = Facts(case, as_of=as_of, mask=mask)
    attempts = list(case.attempts.prefetch_related("signers").order_by("seq"))
    by_step = _signatures_by_step(case)
    chunks = [
        attempts[i : i + ATTEMPTS_PER_PAGE]
        for i in range(0, max(len(attempts), 1), ATTEMPTS_PER_PAGE)
    ] or [[]]
    pages = []
    for page_no, chunk in enumerate(chunks):
        first, last = page_no == 0, page_no == len(chunks) - 1
        rows: list[list[Cell]] = []
        if first:
            rows += [
                [
                    label("姓 名"),
                    value(f.name),
                    label("性 别"),
                    value(f.gender),
                    label("出 生\n年 月"),
                    value(f.birth),
                    label("照片", rowspan=3),
                ],
                [
                    label("籍 贯"),
                    value(case.native_place),
                    label("民 族"),
                    value(f.ethnicity),
                    label("学 历"),
                    value(f.education),
                ],
                [
                    label("职 业"),
                    value(f.occupation),
                    label("入 党\n时 间"),
                    value(f.join),
                    label("联 系\n方 式"),
                    value(f.contacts),
                ],
                [
                    label("曾任党\n内职务"),
                    value(case.party_post),
                    label("与党组织失去联系时间"),
                    value(f.lost_period),
                    label("与党组织取得联系时间"),
                    value(f.regained, 2),
                ],
                [label("工作单位及职务"), value(case.work_unit, 6, align="left")],
                [label("所在党组织名称"), value(case.org_name, 6, align="left")],
                [label("户籍所在地"), value(case.household_register, 6, align="left")],
                [label("现居住地"), value(case.regained_place or case.residence, 6, align="left")],
                [label("失联原因"), value(f.reason, 6, align="left")],
            ]
        else:
            rows += [
                [
                    label("姓 名"),
                    value(f.name),
                    label("所在党组织名称"),
                    value(case.org_name, 4, align="left"),
                ]
            ]
        start = page_no * ATTEMPTS_PER_PAGE
        for i in range(ATTEMPTS_PER_PAGE if first or chunk else 0):
            n = start + i + 1
            title = label(f"第{cn_number(n)}次联系查找情况")
            if i < len(chunk):
                rows.append([title, block(_attempt_paras(chunk[i]), 6)])
            elif first:
                rows.append(
                    [
                        title,
                        block(
                            [
                                ("（包括查找过程，查找方式，查找对象，联系电话等）", "left"),
                                ("查找人签名：", "left"),
                                (BLANK_DATE, "right"),
                            ],
                            6,
                        ),
                    ]
                )
        if last:
            rows.append(
                [
                    label("支委会意见"),
                    block(
                        _opinion_paras(
                            by_step.get(ApprovalStep.BRANCH_COMMITTEE, []), "支部书记签名："
                        ),
                        6,
                    ),
                ]
            )
            committee = by_step.get(ApprovalStep.COMMITTEE_APPROVAL) or by_step.get(
                ApprovalStep.COMMITTEE_PRE_REVIEW, []
            )
            rows.append(
                [
                    label("基层党委意见"),
                    block(_opinion_paras(committee, "党委书记签名（盖章）："), 6),
                ]
            )
            rows.append([label("备注"), block([(case.remarks, "left")], 6)])
        pages.append(
            Page(
                title=RECORD_TITLE + ("" if first else f"（续页 {page_no + 1}）"),
                widths=RECORD_WIDTHS,
                rows=rows,
                after=[
                    "注：此表由党支部填写，一式二份，其中一份报县级党委组织部门备案，一份存入党员档案。"
                ]
                if last
                else [],
            )
        )
    # 一式二份: every page once for each copy, each saying where it goes.
    copies = [
        Page(
            title=p.title,
            widths=p.widths,
            rows=p.rows,
            before=p.before,
            after=p.after,
            copy_note=note,
        )
        for note in RECORD_COPIES
        for p in pages
    ]
    return Document(RECORD_TITLE, f"联系查找情况记录表-{case.name}.docx", copies)


def _opinion_paras(signatures, sign_label: str) -> list[tuple[str, str]]:
    if not signatures:
        return [("", "left"), (sign_label, "right"), (BLANK_DATE, "right")]
    paras = [(_signature_line(s), "left") for s in signatures]
    last = signatures[-1]
    paras.append((f"{sign_label}{last.signer_name}", "right"))
    paras.append((format_cn_date(last.signed_on), "right"))
    return paras


# ---- 失联党员查找处置全程纪实表 (seed 004 附件4) ------------------------------------------------

JISHI_TITLE = "失联党员查找处置全程纪实表"
JISHI_WIDTHS = [2.0, 1.9, 1.3, 1.3, 1.3, 1.5, 1.3, 1.9, 1.8, 1.9]
JISHI_MIN_ATTEMPT_ROWS = 5
JISHI_NOTE = (
    "注：此表一式四份，党员所在党支部、基层党委、县委组织部、失联党员查找处置档案资料各存一份。"
)


def _jishi_step_paras(signatures, seal: str) -> list[tuple[str, str]]:
    paras = [
        (
            f"{_signature_line(s)}（{s.signer_name}，{s.signer_org_name}，"
            f"{format_cn_date(s.signed_on)}）",
            "left",
        )
        for s in signatures
    ]
    paras.append((seal, "right"))
    paras.append((format_cn_date(signatures[-1].signed_on) if signatures else BLANK_DATE, "right"))
    return paras


def jishi_page(case, *, as_of: datetime.date, mask: bool, copy_note: str = "") -> Page:
    f = Facts(case, as_of=as_of, mask=mask)
    attempts = list(case.attempts.prefetch_related("signers").order_by("seq"))
    by_step = _signatures_by_step(case)
    n_rows = max(JISHI_MIN_ATTEMPT_ROWS, len(attempts))
    rows: list[list[Cell]] = [
        [
            label("姓名"),
            value(f.name),
            label("性别"),
            value(f.gender),
            label("民族"),
            value(f.ethnicity),
            label("出生年月"),
            value(f.birth),
            label("入党时间"),
            value(f.join),
        ],
        [label("身份证号"), value(f.id_number, 4), label("联系电话"), value(f.contacts, 4)],
        [
            label("组织关系所在党组织名称", 2),
            value(case.org_name, 2),
            label("与党组织失去联系时间"),
            value(f.lost_period, 2),
            label("失联原因"),
            value(f.reason, 2),
        ],
        [
            label("党组织查找情况记录", rowspan=n_rows + 1),
            label("时间"),
            label("查找过程", 6),
            label("证明人\n签字"),
            label("备 注"),
        ],
    ]
    for i in range(n_rows):
        if i < len(attempts):
            a = attempts[i]
            rows.append(
                [
                    value(format_cn_date(a.date)),
                    Cell(
                        [
                            (
                                f"{a.get_method_display()}，查找对象：{a.reached}"
                                + (f"，联系电话：{a.phone}" if a.phone else "")
                                + "。"
                                + a.process,
                                "left",
                            )
                        ],
                        6,
                    ),
                    value("、".join(s.signer_name for s in a.signers.all())),
                    value(a.remarks),
                ]
            )
        else:
            rows.append([value(""), value("", 6), value(""), value("")])
    conduct = []
    if case.conduct_checked_on:
        verdict = (
            "有不合格表现或违纪违法行为"
            if case.conduct_misconduct
            else "未发现不合格表现或违纪违法行为"
        )
        conduct = [
            (f"{format_cn_date(case.conduct_checked_on)}调查核实：{verdict}。", "left"),
            (case.conduct_record, "left"),
        ]
    rows.append(
        [label("失联党员表现调查核实情况", 2), block(conduct + [("党支部（盖章）", "right")], 8)]
    )
    for step in JISHI_STEPS:
        rows.append(
            [
                label(STEP_TITLE_JISHI[step], 2),
                block(_jishi_step_paras(by_step.get(step, []), STEP_SEAL[step]), 8),
            ]
        )
    disposition = getattr(case, "disposition", None)
    remarks = [case.remarks] if case.remarks else []
    if disposition is not None:
        remarks.append(
            f"处置情况：{disposition.get_category_display()}（{disposition.get_state_display()}）"
        )
        for a in by_step.get(ApprovalStep.DEPARTMENT_CONSULT, []):
            remarks.append(
                f"处置前与上级党委组织部门沟通：{a.signer_org_name}"
                f"{format_cn_date(a.signed_on)}，{a.opinion}"
            )
        if disposition.period_start:
            remarks.append(
                f"期限：{format_cn_date(disposition.period_start)}至"
                f"{format_cn_date(disposition.period_end)}"
            )
    rows.append([label("备 注", 2), block([(r, "left") for r in remarks] or [("", "left")], 8)])
    return Page(
        title=JISHI_TITLE,
        widths=JISHI_WIDTHS,
        rows=rows,
        before=[(f"单位：{case.org_name}", "left")],
        after=[JISHI_NOTE],
        copy_note=copy_note,
    )


def jishi(case, *, as_of: datetime.date, mask: bool = False, copies: int = 4) -> Document:
    pages = [
        jishi_page(case, as_of=as_of, mask=mask, copy_note=COPIES[i] if copies > 1 else "")
        for i in range(copies)
    ]
    return Document(JISHI_TITLE, f"失联党员查找处置全程纪实表-{case.name}.docx", pages)


# ---- the declarations ------------------------------------------------------------------------


@register_document
class CaseSearchRecord(DocumentDeclaration):
    slug = "case-search-record"
    title = RECORD_TITLE
    model = LostContactCase

    def build(self, case, *, as_of, mask: bool) -> Document:
        return search_record(case, as_of=as_of, mask=mask)


@register_document
class CaseJishi(DocumentDeclaration):
    slug = "case-jishi"
    title = JISHI_TITLE
    model = LostContactCase

    def build(self, case, *, as_of, mask: bool) -> Document:
        return jishi(case, as_of=as_of, mask=mask)
