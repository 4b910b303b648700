"""《困难党员登记表》 and 《参教信教党员登记表》 (seed 002 附件1, step 9: 填报《困难党员登记表》和
《参教信教党员登记表》), and seed 003's 附件1 《党员组织关系排查信息登记表》.

The documents name these forms without printing them; the columns are those of the
《中国共产党党员基本情况登记表》 that a branch needs to follow the members up (see
docs/FORMS.md for the choice). Rows are the members on the roster on the fill date.
"""

import functools

from paicha.core.dates import full_years_between
from paicha.members.models import Member

from ..declarations import Column, FormDeclaration, register
from .roster import choice_labels, roster_remarks

SEQ = Column("seq", "序号", kind="seq", width=5)
NAME = Column("name", "姓  名", width=9)
GENDER = Column("gender", "性别", width=5)
ETHNICITY = Column("ethnicity", "民族", width=7)
BIRTH = Column("birth_date", "出生年月", kind="month", width=10)
JOIN = Column("join_date", "入党时间", kind="month", width=10)
EDUCATION = Column("education", "学历", width=9)
BRANCH = Column("branch", "所在党支部", width=18)
WORK = Column("work_unit", "工作单位及职务（职称）", width=20)
RESIDENCE = Column("residence", "实际居住地址", width=20)
PHONE = Column("mobile", "联系电话", width=13, sensitive=True)
REMARKS = Column("remarks", "备注", width=18)


@functools.cache
def member_labels(field_name: str) -> dict:
    """A member field's code → label, as get_FOO_display shows them (which rebuilds its dict
    on every call)."""
    return choice_labels(Member, field_name)


def member_row(m: Member, seq: int, as_of) -> dict:
    gender, ethnicity, education, kind = m.gender, m.ethnicity, m.education, m.member_type
    return {
        "seq": seq,
        "name": m.name,
        "gender": member_labels("gender").get(gender, gender),
        "ethnicity": member_labels("ethnicity").get(ethnicity, ethnicity),
        "birth_date": m.birth_date,
        "age": full_years_between(m.birth_date, as_of),
        "join_date": m.join_date,
        "full_date": m.full_date,
        "education": member_labels("education").get(education, education),
        "branch": m.organization.name,
        "work_unit": m.work_unit,
        "residence": m.residence,
        "mobile": m.mobile,
        "type": member_labels("member_type").get(kind, kind),
        "flowing": "是" if m.flowing else "",
        "flow_destination": m.flow_destination,
        "retired": "是" if m.retired else "",
        "remarks": roster_remarks(m),
        "member_id": m.pk,
    }


class _MemberRegister(FormDeclaration):
    seed = "002"
    header_fields = ("填报单位（盖章）", "填表日期")
    min_rows = 10
    flag = ""

    def members(self, *, org, as_of):
        members = (
            Member.objects.in_subtree(org).on_roster_on(as_of).exclude(branch_entry_date__gt=as_of)
        )
        if self.flag:
            members = members.filter(**{self.flag: True})
        return members.select_related("organization").order_by("org_path", "join_date", "id")

    def rows(self, *, org, as_of):
        return [
            member_row(m, i, as_of)
            for i, m in enumerate(self.members(org=org, as_of=as_of), start=1)
        ]


@register
class HardshipRegister(_MemberRegister):
    slug = "hardship-register"
    title = "困难党员登记表"
    flag = "in_hardship"
    notes_title = "《困难党员登记表》说明"
    notes = """1、本表由党支部填写，报基层党（工）委。
2、生活困难党员一般指低于当地最低生活保障线的党员；患病需要长期治疗造成家庭负担较重的党员；鳏寡孤独党员和老弱病残党员；因伤病或灾害返贫、遭受突发事件或生活遇到特殊困难的党员，等等（《中国共产党党员基本情况登记表》填表说明第15项）。
3、困难的具体情形在备注栏中注明。"""
    columns = [
        SEQ,
        NAME,
        GENDER,
        ETHNICITY,
        BIRTH,
        Column("age", "年龄", kind="int", width=5),
        JOIN,
        EDUCATION,
        BRANCH,
        WORK,
        RESIDENCE,
        PHONE,
        Column("retired", "离退休党员", width=7),
        REMARKS,
    ]


@register
class ReligiousRegister(_MemberRegister):
    slug = "religious-register"
    title = "参教信教党员登记表"
    flag = "religious"
    notes_title = "《参教信教党员登记表》说明"
    notes = """1、本表由党支部填写，报基层党（工）委。
2、登记《中国共产党党员基本情况登记表》特殊状态中选“参教信教党员”的党员。
3、参加宗教活动或信仰宗教的具体情况在备注栏中注明。"""
    columns = [
        SEQ,
        NAME,
        GENDER,
        ETHNICITY,
        BIRTH,
        JOIN,
        EDUCATION,
        BRANCH,
        WORK,
        RESIDENCE,
        PHONE,
        REMARKS,
    ]


@register
class InvestigationRegister(_MemberRegister):
    """湘组〔2016〕4号 附件1: every member of the branch, with what the 集中摸排 checks."""

    slug = "investigation-register"
    title = "党员组织关系排查信息登记表"
    seed = "003"
    notes_title = "《党员组织关系排查信息登记表》说明"
    notes = """1、集中摸排阶段，党支部根据党员名册、入党材料、组织关系介绍信存根、支部组织生活记录等，对党员基本信息、组织关系转接、交纳党费和参加组织生活、外出流动等情况进行摸底排查，填写本表，对流动党员、失联党员进行重点登记。
2、最近一次参加组织生活、交纳党费时间以填表日期前的记录为准；与党组织失去联系6个月以上的党员在“失联”栏注明。
3、流动党员在“流入地（单位）”栏注明流入地的地址或单位名称。"""
    columns = [
        SEQ,
        NAME,
        GENDER,
        ETHNICITY,
        BIRTH,
        EDUCATION,
        Column("id_number", "身份证号码", width=20, sensitive=True),
        JOIN,
        Column("full_date", "转正时间", kind="month", width=10),
        Column("type", "党员类型", width=8),
        BRANCH,
        WORK,
        PHONE,
        Column("last_org_life", "最近一次参加组织生活时间", kind="date", width=13),
        Column("last_dues", "最近一次交纳党费时间", kind="date", width=13),
        Column("flowing", "流动党员", width=6),
        Column("flow_destination", "流入地（单位）", width=16),
        Column("lost", "失联", width=6),
        REMARKS,
    ]

    def rows(self, *, org, as_of):
        from paicha.evidence.selectors import annotate_last_evidence, lost_members

        members = self.members(org=org, as_of=as_of)
        lost = set(lost_members(members, as_of=as_of).values_list("pk", flat=True))
        rows = []
        for i, m in enumerate(annotate_last_evidence(members, as_of=as_of), start=1):
            row = member_row(m, i, as_of)
            row.update(
                id_number=m.id_number,
                last_org_life=m.last_org_life,
                last_dues=m.last_dues,
                lost="失联" if m.pk in lost else "",
            )
            rows.append(row)
        return rows
