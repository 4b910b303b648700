"""《中国共产党党员基本情况登记表》 (seed 002), one member, 一式两份."""

from paicha.codes import MaritalStatus, MemberSector, MemberStatus
from paicha.core.dates import format_cn_date
from paicha.core.privacy import mask_identity
from paicha.members.models import Member

from ..documents import (
    Cell,
    Document,
    DocumentDeclaration,
    Page,
    boxes,
    register_document,
    value,
)
from ..documents import label as L

OPINION = "{signer}签字：              \n{seal}（盖章）              \n                                   年   月   日"
FOOTNOTE = "注：本表正反面打印，一式两份，一份由党支部留存，一份存入个人党员档案。"
WIDTHS = [3.4, 5.3, 3.4, 5.3]


def V(text, span: int = 1, tall: bool = False) -> Cell:  # noqa: N802  (reads like the form)
    cell = value(text, span, align="left")
    cell.tall = tall
    return cell


@register_document
class MemberRegistration(DocumentDeclaration):
    slug = "member-registration"
    title = "中国共产党党员基本情况登记表"
    model = Member

    def build(self, m: Member, *, as_of, mask: bool) -> Document:
        rows = self.rows(m, mask=mask)
        pages = [Page(self.title, WIDTHS, rows, after=[FOOTNOTE]) for _copy in range(2)]  # 一式两份
        return Document(self.title, f"{self.title}-{m.name}.docx", pages)

    def rows(self, m: Member, *, mask: bool) -> list[list[Cell]]:
        d = format_cn_date

        def private(text: str) -> str:  # 身份证号码 and phones (SPEC §10)
            return mask_identity(text) if mask and text else text

        special = [label for flag, label in (
            (m.pocket, "“口袋”党员"), (m.religious, "参教信教党员"),
            (m.status == MemberStatus.RETAINED, "保留组织关系"),
            (m.status == MemberStatus.SUSPENDED, "停止党籍"),
            (m.status == MemberStatus.DECEASED, "死亡"))
            if flag]
        flags = [label for flag, label in ((m.in_hardship, "生活困难党员"), (m.retired, "离退休党员"))
                 if flag]
        return [
            [L("姓    名"), V(m.name), L("性    别"), V(m.get_gender_display())],
            [L("民    族"), V(m.get_ethnicity_display()), L("籍    贯"), V(m.native_place)],
            [L("出生日期"), V(d(m.birth_date)), L("身份证号码"), V(private(m.id_number))],
            [L("手机号码"), V(private(m.mobile)), L("其他联系方式"), V(private(m.other_contacts))],
            [L("户籍所在地"), V(m.household_register, 3)],
            [L("实际居住地址"), V(m.residence, 3)],
            [L("婚姻状况"), V(boxes(list(MaritalStatus.labels), m.get_marital_status_display()), 3)],
            [L("毕业院校"), V(m.school, 3)],
            [L("学    历"), V(m.get_education_display()), L("学    位"), V(m.degree)],
            [L("参加工作时间"), V(d(m.work_start_date), 3)],
            [L("工作单位及职务（职称）"), V(m.work_unit, 3)],
            [L("入党日期"), V(d(m.join_date)), L("入党时所在党组织"), V(m.join_org_name)],
            [L("转正日期"), V(d(m.full_date), 3)],
            [L("现所在支部"), V(m.organization.name), L("进入支部日期"), V(d(m.branch_entry_date))],
            [L("党内职务"), V(m.party_post), L("每月党费交纳数额"),
             V(f"{m.monthly_dues}元" if m.monthly_dues is not None else "")],
            [L("党员类型"), V(boxes(["正式党员", "预备党员"], m.get_member_type_display()), 3)],
            [L(""), V(boxes(list(MemberSector.labels), m.get_sector_display()), 3)],
            [L(""), V(boxes(["生活困难党员", "离退休党员"], flags), 3)],
            [L("党员流动情况"), V(boxes(["流动党员"], "流动党员" if m.flowing else None)),
             L("流入地（单位）"), V(m.flow_destination)],
            [L("在职党员情况"), V(boxes(["在职党员"], "在职党员" if m.employed_reported else None)),
             L("报到社区"), V(m.reported_community)],
            [L("特殊状态"), V(boxes(["“口袋”党员", "参教信教党员", "保留组织关系", "停止党籍", "死亡"],
                                  special), 3)],
            [V("本人签名（盖印）：", 4, tall=True)],
            [L("党 支 部\n意　　见"),
             V(OPINION.format(signer="党支部书记", seal="党支部"), 3, tall=True)],
            [L("党总支\n审核意见"), V(OPINION.format(signer="党总支书记", seal="党总支部"), 3, tall=True)],
            [L("基层党（工）委\n审核意见"),
             V("基层党（工）委（盖章）          \n                                   年   月   日",
               3, tall=True)],
            [L("备注"), V(m.remarks, 3)],
        ]

