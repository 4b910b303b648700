"""Campaign templates taken from the seeds: phases, steps (texts verbatim) and required forms.

Deadlines are (month, day) of a campaign starting in January, as the seeds' campaigns do (day 0
= the month's last day); `selectors.plan_date` moves them with a later start month.
"""

from dataclasses import dataclass, field

from .choices import Level

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


@dataclass(frozen=True)
class Blueprint:
    key: str
    title: str
    source: str
    phases: tuple[PhasePlan, ...]
    forms: tuple[FormPlan, ...] = field(default=())


def _s(text, *, level=B, note="", deadline=None):
    return StepPlan(text=text, level=level, time_note=note, deadline=deadline)


# Seed 002 附件1 《党支部党员组织关系集中排查流程图》: a branch's 23 steps in four phases.
BRANCH_FLOW = Blueprint(
    key="branch-flow",
    title="党支部党员组织关系集中排查流程（23项）",
    source="附件1：《党支部党员组织关系集中排查流程图》",
    phases=(
        PhasePlan("学习部署", (2, 0), tuple(_s(t, note="2月底") for t in (
            "召开支委会，学习上级部署要求。",
            "提出初步方案，报基层党委审核。",
            "组建若干个排查小组，明确工作任务。",
            "列出支部书记责任清单、党员责任清单。",
            "召开党员大会，传达上级精神，作出部署安排。",
        ))),
        PhasePlan("集中排查", (3, 0), tuple(_s(t, note="3月") for t in (
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
        ))),
        PhasePlan("规范处置", (6, 0), tuple(_s(t, note="4-6月") for t in (
            "对符合转出组织关系条件的，督促做好组织关系转接。",
            "根据不同情形，相应作出纳入组织管理、保留组织关系、停止党籍、取消预备党员资格、"
            "不予承认党员资格等处理。",
            "做好流动党员管理，为其办理《流动党员证》，并与流入地党组织联系。",
            "按照浙组〔2016〕5号文件规定，对不合格党员进行组织处置。",
        ))),
        PhasePlan("总结巩固", (8, 0), (
            _s("及时上报联系查找中的经验做法。", note="7月", deadline=(7, 0)),
            _s("召开支部大会，总结集中排查工作，小结材料报上级党组织。", note="7月", deadline=(7, 0)),
            _s("将《与党组织失去联系党员查找联系情况记录表》（一式两份）交上级党组织核查，"
               "并存入党员档案。", note="8月", deadline=(8, 0)),
            _s("将出党党员的党员档案交由上级党组织统一保存。", note="8月", deadline=(8, 0)),
            _s("配合做好党员档案相关工作，参与推动党员档案规范化建设。", note="长期"),
        )),
    ),
)

# Seed 003 湘组〔2016〕4号 二、排查步骤: six phases, with who does what and the dates it sets.
PROVINCE_STEPS = Blueprint(
    key="province-steps",
    title="党员组织关系集中排查六个步骤（湘组〔2016〕4号）",
    source="湘组〔2016〕4号 二、排查步骤",
    phases=(
        PhasePlan("集中摸排", (2, 0), (
            _s("党支部根据党员名册、入党材料、组织关系介绍信存根、支部组织生活记录等，对党员基本信息、"
               "组织关系转接、交纳党费和参加组织生活、外出流动等情况进行摸底排查，填写《党员组织关系排查"
               "信息登记表》（附件1），对流动党员、失联党员进行重点登记。", note="1月至2月"),
            _s("基层党组织认真审核党员档案材料，做好鉴别、完善、补充工作，按照党员档案保管权限落实管理"
               "责任。", level=C, note="1月至2月"),
        )),
        PhasePlan("联系查找", (4, 0), (
            _s("对超过6个月未与党组织联系的党员，党支部要采取多种方式进行查找。", note="3月至4月"),
            _s("对2007年实行组织关系回执制度以来，正式组织关系转出后尚未收到回执的党员，基层党委要逐一"
               "清查，并通知党支部与党员本人和接收单位党组织联系，查明其组织关系落实情况。",
               level=C, note="3月至4月"),
            _s("要调查分析党员与党组织失去联系的具体原因，核实党员有无不合格表现或违纪违法行为。联系查找"
               "和调查核实情况要详细记录。", note="3月至4月"),
        )),
        PhasePlan("登记造册", (4, 20), (
            _s("根据摸排查找情况，完善党员名册、党员档案等基础资料。"),
            _s("党支部填写《经查找取得联系党员登记表》（附件2）和《经查找仍然无法取得联系党员登记表》"
               "（附件3），报基层党委核查。"),
            _s("基层党委填写《与党组织失去联系党员情况汇总表》（附件4），逐级上报。", level=C,
               note="4月20日前"),
        )),
        PhasePlan("规范管理", None, (
            _s("对应当转出组织关系的，及时办理转出手续；对已转出组织关系、因客观原因未能落实的，相关党"
               "组织衔接做好转接工作；对党员出国（境）留学和从事劳务的，办理保留组织关系手续。"),
            _s("对违反规定吸收入党或无法认定党员身份、出国（境）定居、本人提出退党的，依据党章和党内"
               "有关规定作出处理。", level=C),
        )),
        PhasePlan("组织处置", (7, 0), (
            _s("对经排查取得联系、确有不合格表现或违纪违法行为的，依据党章和党内有关规定给予处置、"
               "处分。", level=C, note="7月底前"),
            _s("对超过6个月未与党组织联系、且经多方努力确实无法取得联系的，依照相关规定程序，按自行"
               "脱党予以除名。", level=C, note="7月底前"),
        )),
        PhasePlan("分析总结", (8, 15), (
            _s("结合排查，认真研判党员队伍状况，深入分析党员日常管理中存在的问题，制定落实改进工作的"
               "办法措施。", level=C, note="8月上旬"),
            _s("形成综合报告，填写《与党组织失去联系党员管理及处置情况汇总表》（附件5），报送省委"
               "组织部。", level=D, note="8月15日前"),
        )),
    ),
    forms=(
        FormPlan("regained-register", B, (4, 20), "报基层党委核查"),
        FormPlan("unreachable-register", B, (4, 20), "报基层党委核查"),
        FormPlan("attachment3", C, (4, 20), "逐级上报"),
        FormPlan("attachment5", C, (8, 15), "随综合报告报送"),
    ),
)

BLUEPRINTS: dict[str, Blueprint] = {b.key: b for b in (BRANCH_FLOW, PROVINCE_STEPS)}
