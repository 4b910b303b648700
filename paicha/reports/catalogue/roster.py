"""支部党员名册 (seed 002) and the registers of flagged members."""

from paicha.codes import MemberStatus
from paicha.members.models import Member
from paicha.transfers.selectors import members_on_roster_of

from ..declarations import Column, FormDeclaration, register


def roster_remarks(member: Member) -> str:
    """备注 as 名册 说明 2–3 require: pocket, flowing and abroad members are noted."""
    return remarks_of(
        remarks=member.remarks,
        pocket=member.pocket,
        flowing=member.flowing,
        flow_destination=member.flow_destination,
        status=member.status,
    )


def remarks_of(
    *, remarks: str, pocket: bool, flowing: bool, flow_destination: str, status: str
) -> str:
    """roster_remarks from the member's fields as read from the database."""
    notes = [remarks] if remarks else []
    text = remarks or ""
    if pocket and "口袋" not in text:
        notes.append("“口袋”党员，组织关系仍属本支部")
    if flowing and "流动" not in text:
        notes.append(f"外出流动：{flow_destination}" if flow_destination else "外出流动")
    if status == MemberStatus.RETAINED and "出国" not in text:
        notes.append("出国（境），保留组织关系")
    return "；".join(notes)


def choice_labels(model, field_name: str) -> dict:
    """A field's code → label, as get_FOO_display shows them, for use row after row."""
    return {code: str(label) for code, label in model._meta.get_field(field_name).flatchoices}


@register
class BranchRoster(FormDeclaration):
    slug = "branch-roster"
    title = "支 部 党 员 名 册"
    seed = "002"
    header_fields = ("党（工）委", "党支部", "填表日期")
    footer_fields = ()
    min_rows = 14
    notes_title = "《支部党员名册》填表说明"
    notes = """
1、本表以支部为单位填写，同时上报基层党（工）委一份存档。
2、组织关系转出后未按要求接转的“口袋党员”，组织关系仍属原支部，需列入支部名册中，并在备注栏中注明。
3、外出流动、出国（境）等特殊类型党员应在备注栏注明。
"""
    columns = [
        Column("seq", "序号", kind="seq", width=5),
        Column("name", "姓 名", width=9),
        Column("gender", "性别", width=5),
        Column("ethnicity", "民族", width=7),
        Column("native_place", "籍贯", width=10),
        Column("birth_date", "出生\n年月", kind="month", width=10),
        Column("education", "学历", width=9),
        Column("id_number", "身份证号码", width=20, sensitive=True),
        Column("join_date", "入党\n时间", kind="month", width=10),
        Column("full_date", "转正\n时间", kind="month", width=10),
        Column("work_unit", "工作单位", width=22),
        Column("mobile", "联系电话", width=13, sensitive=True),
        Column("remarks", "备注", width=20),
    ]

    def header_values(self, *, org, as_of, user=None):
        from paicha.codes import OrgKind
        from paicha.core.dates import format_cn_date

        committee = org.grassroots_committee()
        branch = org.name if org.kind == OrgKind.BRANCH else ""
        return {
            "党（工）委": committee.name if committee else "",
            "党支部": branch,
            "填表日期": format_cn_date(as_of),
        }

    def rows(self, *, org, as_of):
        # The roster on the fill date (SPEC §4): members who had entered the branch by then
        # and had not left it; a member moved within the system after it is listed where he
        # was (transfers.selectors.members_on_roster_of).
        members = members_on_roster_of(org, as_of).order_by("org_path", "join_date", "id")
        # The code lists' labels looked up once (get_FOO_display rebuilds its dict per call:
        # two thirds of the time of a 20,000-member county), and the fields read as tuples:
        # a member object per row costs more than the rest of the row.
        gender, ethnicity, education = (
            choice_labels(Member, name) for name in ("gender", "ethnicity", "education")
        )
        fields = members.values_list(
            "pk",
            "name",
            "gender",
            "ethnicity",
            "native_place",
            "birth_date",
            "education",
            "id_number",
            "join_date",
            "full_date",
            "work_unit",
            "mobile",
            "remarks",
            "pocket",
            "flowing",
            "flow_destination",
            "status",
        )
        return [
            {
                "seq": i,
                "name": name,
                "gender": gender.get(sex, sex),
                "ethnicity": ethnicity.get(nation, nation),
                "native_place": native_place,
                "birth_date": birth_date,
                "education": education.get(schooling, schooling),
                "id_number": id_number,
                "join_date": join_date,
                "full_date": full_date,
                "work_unit": work_unit,
                "mobile": mobile,
                "remarks": remarks_of(
                    remarks=remarks,
                    pocket=pocket,
                    flowing=flowing,
                    flow_destination=flow_destination,
                    status=status,
                ),
                "member_id": pk,
            }
            for i, (
                pk,
                name,
                sex,
                nation,
                native_place,
                birth_date,
                schooling,
                id_number,
                join_date,
                full_date,
                work_unit,
                mobile,
                remarks,
                pocket,
                flowing,
                flow_destination,
                status,
            ) in enumerate(fields.iterator(chunk_size=2000), start=1)
        ]
