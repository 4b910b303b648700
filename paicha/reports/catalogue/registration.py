"""《中国共产党党员基本情况登记表》 (seed 002), one member, 一式两份."""

from paicha.codes import MaritalStatus, MemberSector, MemberStatus
from paicha.core.dates import format_cn_date
from paicha.core.documents import (
    Cell,
    Document,
    DocumentDeclaration,
    Page,
    boxes,
    register_document,
    value,
)
from paicha.core.documents import label as L
from paicha.core.privacy import mask_identity
from paicha.members.models import Member

OPINION = "{signer}签字：              \n{seal}（盖章）              \n                                   年   月   日"
FOOTNOTE = "注：本表正反面打印，一式两份，一份由党支部留存，一份存入个人党员档案。"
NOTES_TITLE = "《中国共产党党员基本情况登记表》\n填表说明"
# The seed's 19 items, verbatim (printed on the back of each copy).
NOTES = """1、本表由党员本人填写并签名，一式两份。经基层党（工）委审核后，一份由党支部存档，一份存入个人党员档案。姓名填写要和党员本人身份证上的姓名相一致。
2、籍贯指党员本人祖居所在地，填到区县一级。
3、身份证号码指在公安户籍管理部门登记的18位身份证件号码，出生日期要和身份证上的时间一致。
4、其他联系方式指党员的工作单位电话、家庭电话、微信号、QQ号、电子信箱等能够联系上其本人的其他联系方式。
5、户籍所在地指该党员户籍所在的具体地址，一般不多于32个汉字。
6、实际居住地址指该党员目前长期居住的地址名称。
7、毕业院校指取得最高学历或学位的院校全称。
8、学历指由国家认可的在国内外各类教育机构接受正式教育并取得学历证书的学历。
9、学位指党员本人完成一定学历教育后所取得的学位名称。
10、参加工作时间指经组织、干部、人事、劳动部门审定的该党员参加工作起始时间（军人填写入伍日期）。农村党员、个体工商户党员等可不填写。
11、工作单位及职务（职称）指党员本人当前所从事工作或学习的单位全称，以及职务（技术职称）全称。离退休党员或无职业党员可不填或填原工作单位。
12、入党时间指成为预备党员的时间。
13、党内职务指目前在党（工）委、党组、党（总）支部、纪委等担任书记、副书记、常委、委员、候补委员等。
14、每月党费交纳数额指党员个人按规定每月实际应交纳党费数额。
15、生活困难党员一般指低于当地最低生活保障线的党员；患病需要长期治疗造成家庭负担较重的党员；鳏寡孤独党员和老弱病残党员；因伤病或灾害返贫、遭受突发事件或生活遇到特殊困难的党员，等等。
16、党员流动情况，非流动党员不填写。流入地（单位）指该党员流入地的地址或单位名称。流动党员指由于就业或居住地变化等原因，在较长时间内无法正常参加正式组织关系所在的党组织活动的党员。
17、在职党员情况，非在职党员不填写。报到社区指该党员所居住的并完成在职党员报到的社区全称。
18、特殊状态中，“口袋”党员指组织关系转出后，没有在规定期限内到接收单位报到、接转组织关系的党员；保留党员组织关系指因公因私出国（境）一个月以上，且非定居的，已向所在党组织办理保留党员组织关系手续的党员；停止党籍指因出国（境）定居而办理停止党籍的党员。
19、有关该党员其他需要补充的情况在备注栏中注明。"""
COPY_NOTES = ("党支部留存", "存入个人党员档案")
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
        # 一式两份, each with the 填表说明 on its back (本表正反面打印).
        pages = [
            Page(
                self.title,
                WIDTHS,
                rows,
                after=[FOOTNOTE],
                copy_note=note,
                notes_title=NOTES_TITLE,
                notes=NOTES.splitlines(),
            )
            for note in COPY_NOTES
        ]
        return Document(self.title, f"{self.title}-{m.name}.docx", pages)

    def rows(self, m: Member, *, mask: bool) -> list[list[Cell]]:
        d = format_cn_date

        def private(text: str) -> str:  # 身份证号码 and phones (SPEC §10)
            return mask_identity(text) if mask and text else text

        special = [
            label
            for flag, label in (
                (m.pocket, "“口袋”党员"),
                (m.religious, "参教信教党员"),
                (m.status == MemberStatus.RETAINED, "保留组织关系"),
                (m.status == MemberStatus.SUSPENDED, "停止党籍"),
                (m.status == MemberStatus.DECEASED, "死亡"),
            )
            if flag
        ]
        flags = [
            label
            for flag, label in ((m.in_hardship, "生活困难党员"), (m.retired, "离退休党员"))
            if flag
        ]
        return [
            [L("姓    名"), V(m.name), L("性    别"), V(m.get_gender_display())],
            [L("民    族"), V(m.get_ethnicity_display()), L("籍    贯"), V(m.native_place)],
            [L("出生日期"), V(d(m.birth_date)), L("身份证号码"), V(private(m.id_number))],
            [L("手机号码"), V(private(m.mobile)), L("其他联系方式"), V(private(m.other_contacts))],
            [L("户籍所在地"), V(m.household_register, 3)],
            [L("实际居住地址"), V(m.residence, 3)],
            [
                L("婚姻状况"),
                V(boxes(list(MaritalStatus.labels), m.get_marital_status_display()), 3),
            ],
            [L("毕业院校"), V(m.school, 3)],
            [L("学    历"), V(m.get_education_display()), L("学    位"), V(m.degree)],
            [L("参加工作时间"), V(d(m.work_start_date), 3)],
            [L("工作单位及职务（职称）"), V(m.work_unit, 3)],
            [L("入党日期"), V(d(m.join_date)), L("入党时所在党组织"), V(m.join_org_name)],
            [L("转正日期"), V(d(m.full_date), 3)],
            [L("现所在支部"), V(m.organization.name), L("进入支部日期"), V(d(m.branch_entry_date))],
            [
                L("党内职务"),
                V(m.party_post),
                L("每月党费交纳数额"),
                V(f"{m.monthly_dues}元" if m.monthly_dues is not None else ""),
            ],
            [L("党员类型"), V(boxes(["正式党员", "预备党员"], m.get_member_type_display()), 3)],
            [L(""), V(boxes(list(MemberSector.labels), m.get_sector_display()), 3)],
            [L(""), V(boxes(["生活困难党员", "离退休党员"], flags), 3)],
            [
                L("党员流动情况"),
                V(boxes(["流动党员"], "流动党员" if m.flowing else None)),
                L("流入地（单位）"),
                V(m.flow_destination),
            ],
            [
                L("在职党员情况"),
                V(boxes(["在职党员"], "在职党员" if m.employed_reported else None)),
                L("报到社区"),
                V(m.reported_community),
            ],
            [
                L("特殊状态"),
                V(
                    boxes(
                        ["“口袋”党员", "参教信教党员", "保留组织关系", "停止党籍", "死亡"], special
                    ),
                    3,
                ),
            ],
            [V("本人签名（盖印）：", 4, tall=True)],
            [
                L("党 支 部\n意　　见"),
                V(OPINION.format(signer="党支部书记", seal="党支部"), 3, tall=True),
            ],
            [
                L("党总支\n审核意见"),
                V(OPINION.format(signer="党总支书记", seal="党总支部"), 3, tall=True),
            ],
            [
                L("基层党（工）委\n审核意见"),
                V(
                    "基层党（工）委（盖章）          \n                                   年   月   日",
                    3,
                    tall=True,
                ),
            ],
            [L("备注"), V(m.remarks, 3)],
        ]
