"""Campaign templates taken from the seeds: phases, steps (texts verbatim) and required forms.

Deadlines are (month, day) in the document's own year (day 0 = the month's last day), as the
document prints them; `origin` is the month the document's campaign starts. A campaign that
follows the document keeps those dates; a new campaign built from the template moves them by
as many months as its start lies after `origin` (`selectors.plan_date`). A step's text never
carries a date: the document's wording of the date is the step's `time_note`, kept only while
the dates are the document's, and the deadline is a field shown beside the text.
"""

from dataclasses import dataclass, field

from .choices import Level, Recurrence

B, C, D = Level.BRANCH, Level.COMMITTEE, Level.DEPARTMENT


@dataclass(frozen=True)
class StepPlan:
    text: str
    level: str = Level.BRANCH
    time_note: str = ""
    deadline: tuple[int, int] | None = None


@dataclass(frozen=True)
class PhasePlan:
    name: str
    deadline: tuple[int, int] | None
    steps: tuple[StepPlan, ...]


@dataclass(frozen=True)
class FormPlan:
    form_slug: str
    level: str
    deadline: tuple[int, int]
    note: str = ""
    recurrence: str = Recurrence.ONCE


@dataclass(frozen=True)
class Blueprint:
    key: str
    title: str
    source: str
    phases: tuple[PhasePlan, ...]
    forms: tuple[FormPlan, ...] = field(default=())
    # The seed document (reports.sources.DOCUMENTS) whose 填表说明 its forms print by default.
    document: str = ""
    doc_number: str = ""
    # (year, month) the document's campaign starts; its dates are in that year.
    origin: tuple[int, int] = (2016, 1)
    # Seed 001: every 处置 is discussed with the 校党委组织部 first.
    consult_department: bool = False


def _s(text, *, level=B, note="", deadline=None):
    return StepPlan(text=text, level=level, time_note=note, deadline=deadline)


# Seed 002 附件1 《党支部党员组织关系集中排查流程图》: a branch's 23 steps in four phases.
BRANCH_FLOW = Blueprint(
    key="branch-flow",
    title="党支部党员组织关系集中排查流程（23项）",
    source="附件1：《党支部党员组织关系集中排查流程图》",
    document="002",
    phases=(
        PhasePlan(
            "学习部署",
            (2, 0),
            tuple(
                _s(t, note="2月底")
                for t in (
                    "召开支委会，学习上级部署要求。",
                    "提出初步方案，报基层党委审核。",
                    "组建若干个排查小组，明确工作任务。",
                    "列出支部书记责任清单、党员责任清单。",
                    "召开党员大会，传达上级精神，作出部署安排。",
                )
            ),
        ),
        PhasePlan(
            "集中排查",
            (3, 0),
            tuple(
                _s(t, note="3月")
                for t in (
                    "组织党员填写《中国共产党党员基本情况登记表》",
                    "整理支部党员名册及相关资料。",
                    "核查支部党员基本信息、组织关系接转、交纳党费、参加组织生活、外出流动等情况。",
                    "填报《困难党员登记表》和《参教信教党员登记表》。",
                    "对正式组织关系转出后未收到回执的，与接收单位党组织确认落实情况。",
                    "通过多种方式联系查找失联党员，调查分析原因，核实有无不合格表现或违法违纪行为。",
                    "填写《与党组织失去联系党员联系查找情况记录表》。",
                    "按规定时间填报《经查找取得联系党员登记表》、《经查找仍然无法取得联系党员登记表》和"
                    "《流动党员登记表》等表格。",
                    "根据联系查找情况，完善党员名册、党员档案等。",
                )
            ),
        ),
        PhasePlan(
            "规范处置",
            (6, 0),
            tuple(
                _s(t, note="4-6月")
                for t in (
                    "对符合转出组织关系条件的，督促做好组织关系转接。",
                    "根据不同情形，相应作出纳入组织管理、保留组织关系、停止党籍、取消预备党员资格、"
                    "不予承认党员资格等处理。",
                    "做好流动党员管理，为其办理《流动党员证》，并与流入地党组织联系。",
                    "按照浙组〔2016〕5号文件规定，对不合格党员进行组织处置。",
                )
            ),
        ),
        PhasePlan(
            "总结巩固",
            (8, 0),
            (
                _s("及时上报联系查找中的经验做法。", note="7月", deadline=(7, 0)),
                _s(
                    "召开支部大会，总结集中排查工作，小结材料报上级党组织。",
                    note="7月",
                    deadline=(7, 0),
                ),
                _s(
                    "将《与党组织失去联系党员查找联系情况记录表》（一式两份）交上级党组织核查，"
                    "并存入党员档案。",
                    note="8月",
                    deadline=(8, 0),
                ),
                _s("将出党党员的党员档案交由上级党组织统一保存。", note="8月", deadline=(8, 0)),
                _s("配合做好党员档案相关工作，参与推动党员档案规范化建设。", note="长期"),
            ),
        ),
    ),
)

# Seed 003 湘组〔2016〕4号 二、排查步骤: six phases, with who does what and the dates it sets.
PROVINCE_STEPS = Blueprint(
    key="province-steps",
    title="党员组织关系集中排查六个步骤（湘组〔2016〕4号）",
    source="湘组〔2016〕4号 二、排查步骤",
    document="003",
    doc_number="湘组〔2016〕4号",
    phases=(
        PhasePlan(
            "集中摸排",
            (2, 0),
            (
                _s(
                    "党支部根据党员名册、入党材料、组织关系介绍信存根、支部组织生活记录等，对党员基本信息、"
                    "组织关系转接、交纳党费和参加组织生活、外出流动等情况进行摸底排查，填写《党员组织关系排查"
                    "信息登记表》（附件1），对流动党员、失联党员进行重点登记。",
                    note="1月至2月",
                ),
                _s(
                    "基层党组织认真审核党员档案材料，做好鉴别、完善、补充工作，按照党员档案保管权限落实管理"
                    "责任。",
                    level=C,
                    note="1月至2月",
                ),
            ),
        ),
        PhasePlan(
            "联系查找",
            (4, 0),
            (
                _s(
                    "对超过6个月未与党组织联系的党员，党支部要采取多种方式进行查找。",
                    note="3月至4月",
                ),
                _s(
                    "对2007年实行组织关系回执制度以来，正式组织关系转出后尚未收到回执的党员，基层党委要逐一"
                    "清查，并通知党支部与党员本人和接收单位党组织联系，查明其组织关系落实情况。",
                    level=C,
                    note="3月至4月",
                ),
                _s(
                    "要调查分析党员与党组织失去联系的具体原因，核实党员有无不合格表现或违纪违法行为。联系查找"
                    "和调查核实情况要详细记录。",
                    note="3月至4月",
                ),
            ),
        ),
        PhasePlan(
            "登记造册",
            (4, 20),
            (
                _s("根据摸排查找情况，完善党员名册、党员档案等基础资料。"),
                _s(
                    "党支部填写《经查找取得联系党员登记表》（附件2）和《经查找仍然无法取得联系党员登记表》"
                    "（附件3），报基层党委核查。"
                ),
                _s(
                    "基层党委填写《与党组织失去联系党员情况汇总表》（附件4），逐级上报。",
                    level=C,
                    note="4月20日前",
                ),
            ),
        ),
        PhasePlan(
            "规范管理",
            None,
            (
                _s(
                    "对应当转出组织关系的，及时办理转出手续；对已转出组织关系、因客观原因未能落实的，相关党"
                    "组织衔接做好转接工作；对党员出国（境）留学和从事劳务的，办理保留组织关系手续。"
                ),
                _s(
                    "对违反规定吸收入党或无法认定党员身份、出国（境）定居、本人提出退党的，依据党章和党内"
                    "有关规定作出处理。",
                    level=C,
                ),
            ),
        ),
        PhasePlan(
            "组织处置",
            (7, 0),
            (
                _s(
                    "对经排查取得联系、确有不合格表现或违纪违法行为的，依据党章和党内有关规定给予处置、"
                    "处分。",
                    level=C,
                    note="7月底前",
                ),
                _s(
                    "对超过6个月未与党组织联系、且经多方努力确实无法取得联系的，依照相关规定程序，按自行"
                    "脱党予以除名。",
                    level=C,
                    note="7月底前",
                ),
            ),
        ),
        PhasePlan(
            "分析总结",
            (8, 15),
            (
                _s(
                    "结合排查，认真研判党员队伍状况，深入分析党员日常管理中存在的问题，制定落实改进工作的"
                    "办法措施。",
                    level=C,
                    note="8月上旬",
                ),
                _s(
                    "形成综合报告，填写《与党组织失去联系党员管理及处置情况汇总表》（附件5），报送省委"
                    "组织部。",
                    level=D,
                    note="8月15日前",
                ),
            ),
        ),
    ),
    forms=(
        FormPlan("regained-register", B, (4, 20), "报基层党委核查"),
        FormPlan("unreachable-register", B, (4, 20), "报基层党委核查"),
        FormPlan("attachment3", C, (4, 20), "逐级上报"),
        FormPlan("attachment5", C, (8, 15), "随综合报告报送"),
    ),
)


# Seed 000 (组织部, 2016年9月20日): the university's deepened campaign, from September.
SCHOOL_DEEPEN = Blueprint(
    key="school-deepen",
    title="深入推进党员组织关系排查（组织部 2016年9月20日通知）",
    source="《关于深入推进党员组织关系排查工作的通知》",
    document="000",
    origin=(2016, 9),
    phases=(
        PhasePlan(
            "深入查找联系",
            (12, 15),
            (
                _s(
                    "严格做好正式组织关系在本党支部的党员以及正式组织关系转出后未收到组织关系介绍信回执的"
                    "党员组织关系排查工作。",
                    note="12月中旬",
                ),
                _s(
                    "对2007年实行组织关系回执制度以来，正式组织关系转出后尚未收到回执的党员，由组织关系"
                    "转出党支部进行排查，与党员本人和接收单位党组织联系，查明其组织关系落实情况。",
                    note="12月中旬",
                ),
                _s("对这部分党员建立台账，随时记录落实情况。", level=C, note="12月中旬"),
                _s(
                    "对于已经联系上的党员，重点排查组织关系转出后是否落地，是否为“口袋”党员，对“口袋”"
                    "党员要摸清情况，登记造册。",
                    note="12月中旬",
                ),
            ),
        ),
        PhasePlan(
            "及时上报材料",
            (12, 15),
            (
                _s("填写《经查找取得联系党员登记表》（附件1）。", note="12月中旬"),
                _s(
                    "经多方努力，确实难以取得联系的要填写《经查找仍然无法取得联系党员登记表》（附件2）。",
                    note="12月中旬",
                ),
                _s(
                    "以上两个表报各基层党委、党总支审核；各基层党委、党总支审核汇总后，填写《与党组织失去"
                    "联系党员情况汇总表》（附件3），上报组织部审核汇总。",
                    level=C,
                    note="每月月底前",
                ),
            ),
        ),
        PhasePlan(
            "统计回执情况",
            (10, 20),
            (
                _s(
                    "统计2016年以来转入和转出的所有党员组织关系回执寄收情况填入附件4，报送组织部。",
                    level=C,
                    note="10月20日前",
                ),
            ),
        ),
        PhasePlan(
            "向高校工委汇报", (12, 0), (_s("向高校工委汇报相关情况。", level=D, note="12底前"),)
        ),
    ),
    forms=(
        FormPlan("regained-register-school", B, (12, 15), "报基层党委、党总支审核"),
        FormPlan("unreachable-register", B, (12, 15), "报基层党委、党总支审核"),
        FormPlan("attachment3", C, (12, 0), "每月月底前上报组织部", Recurrence.MONTHLY_END),
        FormPlan("receipt-statistics", C, (10, 20), "报送组织部"),
    ),
)

# Seed 001 (校党委组织部): 3月上旬 to 7月中旬, with its own dates and the 附件 it asks for.
SCHOOL_2016 = Blueprint(
    key="school-2016",
    title="学校党员组织关系集中排查（3月上旬至7月中旬）",
    source="《关于开展党员组织关系集中排查的通知》二、排查方法和步骤",
    document="001",
    origin=(2016, 3),
    consult_department=True,
    phases=(
        PhasePlan(
            "工作部署",
            (3, 11),
            (
                _s(
                    "将具体负责该项工作人员名单和联系方式报校党委组织部。",
                    level=C,
                    note="3月11日前",
                ),
            ),
        ),
        PhasePlan(
            "集中摸排",
            (3, 18),
            (
                _s(
                    "党支部根据党员名册、入党材料、组织关系介绍信存根、支部组织生活记录等，对党员基本信息、"
                    "组织关系接转、交纳党费和参加组织生活、外出流动等情况进行摸底核查。",
                    note="3月18日前",
                ),
                _s(
                    "由各基层党委（党总支）填写党员摸底核查情况统计表（附件9）（按教职工和学生分类填写），"
                    "报校党委组织部。",
                    level=C,
                    note="3月18日前",
                ),
            ),
        ),
        PhasePlan(
            "联系查找",
            (4, 6),
            (
                _s("对超过6个月未与党组织联系的党员，党支部要采取多种方式进行查找。"),
                _s(
                    "对2007年实行组织关系回执制度以来，正式组织关系转出后尚未收到回执的党员，党支部要与"
                    "党员本人和接收单位党组织联系，查明其组织关系落实情况。"
                ),
                _s("联系查找和调查核实情况要详细记录在校党委组织部统一发放的专用记录本上。"),
            ),
        ),
        PhasePlan(
            "登记造册",
            (4, 6),
            (
                _s(
                    "党支部填写《经查找取得联系党员登记表》（附件1）、《经查找仍然无法取得联系党员登记表》"
                    "（附件2)和《流动党员登记表》（附件5）、《“口袋”党员登记表》（附件7），报所在基层党委"
                    "（党总支）。",
                    note="4月6日前",
                ),
                _s(
                    "基层党委（党总支）核查汇总后，填写《与党组织失去联系党员情况汇总表》（附件3)和《流动"
                    "党员汇总表》（附件6）、《“口袋”党员汇总表》（附件8），报校党委组织部。",
                    level=C,
                ),
            ),
        ),
        PhasePlan("规范管理", None, (_s("区分不同情况，做好党员组织关系和党籍管理工作。"),)),
        PhasePlan(
            "组织处置",
            None,
            (
                _s(
                    "对经排查取得联系、确有不合格表现或违纪违法行为的，依据党章和党内有关规定给予处置、"
                    "处分。",
                    level=C,
                ),
                _s("进行相关处置或处分前，各基层党委（党总支）必须与校党委组织部沟通。", level=C),
            ),
        ),
        PhasePlan(
            "分析总结",
            (7, 15),
            (
                _s(
                    "形成党员组织关系集中排查综合情况报告和1个排查案例，并填写《与党组织失去联系党员管理"
                    "及处置情况汇总表》（附件4 )，报校党委组织部。",
                    level=C,
                    note="7月15日前",
                ),
            ),
        ),
    ),
    forms=(
        FormPlan("stocktaking-staff", C, (3, 18), "按教职工分类填写"),
        FormPlan("stocktaking-students", C, (3, 18), "按学生分类填写"),
        FormPlan("regained-register", B, (4, 6), "报所在基层党委（党总支）"),
        FormPlan("unreachable-register", B, (4, 6), "报所在基层党委（党总支）"),
        FormPlan("flow-register", B, (4, 6), "报所在基层党委（党总支）"),
        FormPlan("pocket-register", B, (4, 6), "报所在基层党委（党总支）"),
        FormPlan("attachment3", C, (4, 6), "报校党委组织部"),
        FormPlan("flow-summary", C, (4, 6), "报校党委组织部"),
        FormPlan("pocket-summary", C, (4, 6), "报校党委组织部"),
        FormPlan("disposition-summary", C, (7, 15), "随综合情况报告报校党委组织部"),
    ),
)

# Seed 002 附件2 《市司法局党员组织关系集中排查工作步骤》: four phases and their dates.
JUSTICE_BUREAU = Blueprint(
    key="justice-bureau",
    title="市司法局党员组织关系集中排查工作步骤（四个阶段）",
    source="附件2：《市司法局党员组织关系集中排查工作步骤》",
    document="002",
    origin=(2016, 2),
    phases=(
        PhasePlan(
            "动员部署阶段",
            (2, 7),
            (
                _s("成立工作班子。", level=D, note="2月7日前"),
                _s("动员部署。", level=D, note="2月7日前"),
                _s("分级培训。", level=C, note="2月7日前"),
            ),
        ),
        PhasePlan(
            "集中排查阶段",
            (3, 31),
            (
                _s("各党支部自查摸底。", note="2月—3月"),
                _s(
                    "各单位党委核查指导，填写《与党组织失去联系党员情况汇总表》并提出处理建议，报市局"
                    "政治部。",
                    level=C,
                    note="3月31日前",
                    deadline=(3, 31),
                ),
                _s(
                    "市局政治部审查分析，将汇总报表报市委组织部。",
                    level=D,
                    note="4月10日前",
                    deadline=(4, 10),
                ),
            ),
        ),
        PhasePlan(
            "规范处置阶段",
            (6, 0),
            (
                _s("规范党员组织关系和党籍管理工作。", note="4月—6月"),
                _s("稳妥开展组织处置。", level=C, note="4月—6月"),
            ),
        ),
        PhasePlan(
            "总结巩固阶段",
            (8, 0),
            (
                _s(
                    "自查总结，形成整改规范综合报告，报市局政治部。",
                    level=C,
                    note="7月5日前",
                    deadline=(7, 5),
                ),
                _s(
                    "检查验收，形成综合报告，报市委组织部。",
                    level=D,
                    note="7月20日前",
                    deadline=(7, 20),
                ),
                _s("完善机制。", level=D, note="7月-8月"),
            ),
        ),
    ),
    forms=(
        FormPlan("regained-register", B, (3, 31), "报本单位党委审核"),
        FormPlan("unreachable-register", B, (3, 31), "报本单位党委审核"),
        FormPlan("attachment3", C, (3, 31), "报市局政治部"),
    ),
)

# Seed 003 湘教工委通〔2016〕9号: the universities' timetable (3月中旬 … 7月10日).
COLLEGES_HUNAN = Blueprint(
    key="colleges-hunan",
    title="全省高校党员组织关系集中排查（湘教工委通〔2016〕9号）",
    source="湘教工委通〔2016〕9号 二、三",
    document="003",
    doc_number="湘教工委通〔2016〕9号",
    origin=(2016, 2),
    phases=(
        PhasePlan("集中摸排", (3, 15), (_s("完成集中摸排工作。", note="3月中旬前"),)),
        PhasePlan(
            "联系查找、登记造册",
            (4, 10),
            (
                _s(
                    "完成联系查找、登记造册等工作，及时上报排查工作小结和有关表格。",
                    note="4月上旬前",
                ),
                _s(
                    "上报学校排查工作小结和《与党组织失去联系党员情况汇总表》（附件4）。",
                    level=D,
                    note="4月10日前",
                    deadline=(4, 10),
                ),
            ),
        ),
        PhasePlan(
            "规范管理、组织处置",
            (6, 0),
            (_s("认真做好规范管理、组织处置等工作。", level=C, note="6月底前"),),
        ),
        PhasePlan(
            "分析总结",
            (7, 10),
            (
                _s(
                    "结合排查，认真进行分析总结，认真研判党员队伍状况，深入分析党员日常管理中存在的问题，"
                    "制定落实改进工作的办法措施。",
                    level=C,
                    note="7月上旬前",
                ),
                _s(
                    "上报学校综合报告和附件2、3、4、5表格。",
                    level=D,
                    note="7月10日前",
                    deadline=(7, 10),
                ),
            ),
        ),
    ),
    forms=(
        FormPlan("attachment3", D, (4, 10), "随排查工作小结上报"),
        FormPlan("regained-register", D, (7, 10), "随综合报告上报"),
        FormPlan("unreachable-register", D, (7, 10), "随综合报告上报"),
        FormPlan("disposition-summary", D, (7, 10), "随综合报告上报"),
    ),
)

BLUEPRINTS: dict[str, Blueprint] = {
    b.key: b
    for b in (
        BRANCH_FLOW,
        PROVINCE_STEPS,
        SCHOOL_DEEPEN,
        SCHOOL_2016,
        JUSTICE_BUREAU,
        COLLEGES_HUNAN,
    )
}
