"""The registers of members found and not found (seeds 000, 002, 004).

Each register dated D shows the members on the roster on D (SPEC §4): a case counts when its
outcome is dated on or before D, and its member had not left the roster by D (除名, 开除, 停止
党籍, 死亡 or transferred out with receipt, each effective on or before D). Outcomes,
approvals and receipts dated after D change nothing on it.
"""

import functools

from paicha.codes import LossReason, Occupation, OrgCategory
from paicha.core.dates import full_years_between

from ..declarations import INCLUSIVE, Column, FormDeclaration, register

OCCUPATION_NOTE = f"职业：按以下代码填写。{Occupation.legend()}"
PERIOD_NOTE = (
    "与党组织失去联系时间：指党员最近一次参加党组织生活或交纳党费日期至联系查找结束时的时间。"
)
REASON_NOTE = "失去联系情形：按以下代码填写。" + LossReason.legend().replace(
    "⑦其他。", "⑦其他（具体原因在备注栏中注明）。"
)
CATEGORY_NOTE = f"党组织类别：按以下代码填写。{OrgCategory.legend()}"


def numbered(*lines: str, sep: str = "、") -> str:
    """The seeds' 填表说明 are numbered 1、2、…; the code lists come from codes.py."""
    return "\n".join(f"{i}{sep}{line}" for i, line in enumerate(lines, start=1))


def register_cases(org, as_of):
    """The cases of org's subtree whose member is on the roster on `as_of`."""
    from paicha.cases.models import LostContactCase
    from paicha.members.models import roster_status_q

    return LostContactCase.objects.in_subtree(org).filter(roster_status_q(as_of, "member__"))


def _cases(org, as_of, outcome):
    return (
        register_cases(org, as_of)
        .filter(outcome=outcome, outcome_on__lte=as_of)
        .order_by("org_path", "outcome_on", "id")
    )


@functools.cache
def case_labels(field_name: str) -> dict:
    """A case field's code → label, as get_FOO_display shows them (which rebuilds its dict on
    every call: most of the time of a register of thousands of cases)."""
    from paicha.cases.models import LostContactCase

    from .roster import choice_labels

    return choice_labels(LostContactCase, field_name)


def case_row(case, as_of) -> dict:
    """The columns every register of lost members shares, as of the fill date."""
    gender, ethnicity, education = case.gender, case.ethnicity, case.education
    return {
        "name": case.name,
        "gender": case_labels("gender").get(gender, gender),
        "ethnicity": case_labels("ethnicity").get(ethnicity, ethnicity),
        "age": full_years_between(case.birth_date, as_of),
        # 党龄 counts from 转正; a probationary member has none.
        "party_age": full_years_between(case.full_date, as_of) if case.full_date else "",
        "education": case_labels("education").get(education, education),
        "occupation": case.occupation,
        "work_unit": case.work_unit,
        "residence": case.regained_place or case.residence,
        "party_post": case.party_post,
        "lost_period": case.lost_period_text(as_of),
        "loss_reason": case.loss_reason,
        "org_category": case.org_category,
        "phone": case.new_mobile or case.new_contacts,
        "remarks": case.remarks,
        "case_id": case.pk,
        "member_id": case.member_id,
    }


NAME = Column("name", "姓  名", width=9)
GENDER = Column("gender", "性别", width=5)
ETHNICITY = Column("ethnicity", "民族", width=7)
AGE = Column("age", "年龄", kind="int", width=5)
PARTY_AGE = Column("party_age", "党龄", kind="int", width=5)
EDUCATION = Column("education", "学历", width=9)
OCCUPATION = Column("occupation", "职业", kind="code", code=Occupation, width=5)
PARTY_POST = Column("party_post", "曾任党内职务", width=12)
REASON = Column("loss_reason", "失去联系情形", kind="code", code=LossReason, width=8)
CATEGORY = Column("org_category", "党组织类别", kind="code", code=OrgCategory, width=8)
PHONE = Column("phone", "联系电话", width=13, sensitive=True)
REMARKS = Column("remarks", "备  注", width=16)


@register
class RegainedRegister(FormDeclaration):
    slug = "regained-register"
    convention = INCLUSIVE
    title = "经查找取得联系党员登记表"
    seed = "002"
    min_rows = 10
    notes_title = "《经查找取得联系党员登记表》填表说明"
    notes = numbered(
        "本表由党支部填写，报基层党委。",
        "经查找取得联系党员是指党员组织关系排查前与党组织失去联系6个月以上，经联系查找后重新与党组织取得联系的党员。",
        OCCUPATION_NOTE,
        PERIOD_NOTE,
        REASON_NOTE,
        CATEGORY_NOTE,
    )
    columns = [
        NAME,
        GENDER,
        ETHNICITY,
        AGE,
        PARTY_AGE,
        EDUCATION,
        OCCUPATION,
        PARTY_POST,
        Column("lost_period", "与党组织失去\n联系时间", width=24),
        REASON,
        CATEGORY,
        PHONE,
        REMARKS,
    ]

    def rows(self, *, org, as_of):
        from paicha.codes import CaseOutcome

        return [case_row(c, as_of) for c in _cases(org, as_of, CaseOutcome.REGAINED)]


# Seed 000's 填表要求和指标解释, as that notice prints them.
SCHOOL_NOTES_HEAD = {
    "regained": """1.本表由党支部填写，报基层党委。
2.经查找取得联系党员是指党员组织关系排查前与党组织失去联系6个月以上，经联系查找后重新与党组织取得联系的党员。
""",
    "unreachable": """1.本表由党支部填写，逐级汇总后，报党委组织部。
2.经查找仍然无法取得联系党员是指党员组织关系排查工作结束时，与党组织失去联系6个月以上，经多方努力确实无法取得联系的党员。
""",
}
SCHOOL_NOTES_TAIL = f"""3.年龄、党龄：计算截止时间以填表日期为准。
4.{OCCUPATION_NOTE}
5.与党组织失去联系时间:指党员最近一次参加党组织生活或交纳党费日期至联系查找结束时的时间。
6.失去联系情形:按以下代码填写。{REASON_NOTE.split("。", 1)[1]}
7.党组织类别:按以下代码填写。{OrgCategory.legend()}"""

# Seed 004's, for the 党（工）委 that fill it after a further search (its 职业 list reads
# "按按" and "④党机关事业单位离退休人员" in the seed; kept as printed).
SHAANXI_UNREACHABLE_NOTES = """1．本表由各党（工）委在协调有关部门再次深入查找的基础上填写，报县委组织部。
2．失联党员中尚未取得联系的党员是指党员组织关系排查工作结束时，与党组织失去联系6个月以上，经多方努力确实无法取得联系的党员。
3．与党组织失去联系时间：指党员最近一次参加党组织生活或交纳党费日期至联系查找结束时的时间。
4．失去联系情形：按以下代码填写。①外出务工经商；②单位改制或破产；③毕业后去向不明；④工作单位改变；⑤出国（境）；⑥居住地改变；⑦其他（具体原因在备注栏中注明）。
5．党组织类别：按以下代码填写。①国有企业；②非公有制企业；③农村；④党政机关；⑤学校；⑥其他事业单位；⑦街道社区；⑧社会组织；⑨其他。
6．职业：按按以下代码填写。①国有企业解除劳动关系人员；②非公有制企业离职人员；③农村外出务工经商人员；④党机关事业单位离退休人员；⑤高校毕业生；⑥街道社区人户分离人员；⑦组织关系在人才中心人员；⑧其他。"""

SHAANXI_OCCUPATION_NOTE = SHAANXI_UNREACHABLE_NOTES.splitlines()[-1].split("．", 1)[1]


@register
class RegainedRegisterSchool(RegainedRegister):
    """The university notice's version (seed 000 附件1), with the member's unit and residence."""

    slug = "regained-register-school"
    seed = "000"
    min_rows = 8
    notes_title = "《经查找取得联系党员登记表》\n填表要求和指标解释"
    # Verbatim: this notice writes "时间:指" with a narrow colon where the others write "：".
    notes = SCHOOL_NOTES_HEAD["regained"] + SCHOOL_NOTES_TAIL
    columns = [
        NAME,
        GENDER,
        ETHNICITY,
        AGE,
        PARTY_AGE,
        EDUCATION,
        OCCUPATION,
        Column("work_unit", "现工作（学习）单位", width=18),
        Column("residence", "现居住地", width=18),
        PARTY_POST,
        Column("lost_period", "与党组织失去联系时间", width=24),
        REASON,
        CATEGORY,
        PHONE,
        REMARKS,
    ]

    def rows(self, *, org, as_of):
        # 现工作（学习）单位 is where the member works or studies now, not where he did when
        # the case was opened.
        from paicha.members.models import Member

        rows = super().rows(org=org, as_of=as_of)
        units = dict(
            Member.objects.filter(pk__in=[r["member_id"] for r in rows]).values_list(
                "pk", "work_unit"
            )
        )
        for row in rows:
            row["work_unit"] = units.get(row["member_id"]) or row["work_unit"]
        return rows


@register
class UnreachableRegister(FormDeclaration):
    slug = "unreachable-register"
    convention = INCLUSIVE
    title = "经查找仍然无法取得联系党员登记表"
    seed = "002"
    min_rows = 10
    notes_title = "《经查找仍然无法取得联系党员登记表》填表说明"
    notes = numbered(
        "本表由党支部填写，一式五份，逐级报省（区、市）、部门（系统）组织部门。",
        "经查找仍然无法取得联系党员是指党员组织关系排查工作结束时，与党组织失去联系6个月以上，经多方努力确实无法取得联系的党员。",
        OCCUPATION_NOTE,
        PERIOD_NOTE,
        REASON_NOTE,
        CATEGORY_NOTE,
    )
    # The same form in seed 000 (university) and seed 004 (Shaanxi) with their own notes.
    notes_variants = {
        "000": (
            "《经查找仍然无法取得联系党员登记表》\n填表要求和指标解释",
            SCHOOL_NOTES_HEAD["unreachable"] + SCHOOL_NOTES_TAIL,
        ),
        "004": (
            "《经查找仍然无法取得联系党员登记表》\n填表要求和指标解释",
            SHAANXI_UNREACHABLE_NOTES,
        ),
    }
    columns = [
        NAME,
        GENDER,
        ETHNICITY,
        AGE,
        PARTY_AGE,
        EDUCATION,
        Column("occupation", "职 业", kind="code", code=Occupation, width=5),
        PARTY_POST,
        Column("lost_period", "与党组织\n失去联系时间", width=24),
        REASON,
        CATEGORY,
        REMARKS,
    ]

    def rows(self, *, org, as_of):
        from paicha.codes import CaseOutcome

        return [case_row(c, as_of) for c in _cases(org, as_of, CaseOutcome.UNREACHABLE)]


@register
class LostRoster(FormDeclaration):
    """失联党员名册 (seed 004): the seed gives its 填表说明 but not its columns; these are the
    columns its 说明 asks for (失去联系时间, 情形, 党组织类别, 职业) around the roster's own."""

    slug = "lost-roster"
    convention = INCLUSIVE
    title = "失联党员名册"
    seed = "004"
    min_rows = 10
    notes_title = "《失联党员名册》填表要求和指标解释"
    notes = numbered(
        "本表由党支部填写，逐级报各县（市、区）委组织部、市直各党（工）委、中省驻渭单位党委。",
        "失联党员是指党员组织关系排查工作结束时，与党组织失去联系6个月以上的党员。",
        PERIOD_NOTE,
        REASON_NOTE,
        CATEGORY_NOTE,
        SHAANXI_OCCUPATION_NOTE,
        sep="．",
    )
    columns = [
        Column("seq", "序号", kind="seq", width=5),
        NAME,
        GENDER,
        ETHNICITY,
        AGE,
        PARTY_AGE,
        EDUCATION,
        OCCUPATION,
        Column("org_name", "所在党组织", width=22),
        Column("lost_period", "与党组织失去联系时间", width=24),
        REASON,
        CATEGORY,
        REMARKS,
    ]

    def rows(self, *, org, as_of):
        from paicha.codes import CaseOutcome

        # Still lost at the fill date: searching, or found unreachable.
        cases = (
            register_cases(org, as_of)
            .filter(opened_on__lte=as_of)
            .exclude(
                outcome__in=(CaseOutcome.REGAINED, CaseOutcome.DECEASED), outcome_on__lte=as_of
            )
            .order_by("org_path", "opened_on", "id")
        )
        return [
            {**case_row(c, as_of), "seq": i, "org_name": c.org_name}
            for i, c in enumerate(cases, start=1)
        ]
