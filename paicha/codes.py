"""The official code lists (SPEC §1, §3, §6, §9), declared once.

The stored value is the official code; the label is the official wording. Lists whose seeds
print them as ①–⑨ expose `circled` so every form prints the same symbol.
"""

from django.db import models

CIRCLED = "①②③④⑤⑥⑦⑧⑨"


class CircledChoices(models.TextChoices):
    """Codes '1'…'9' that the seeds print as ①…⑨."""

    @classmethod
    def circled(cls, value: str | None) -> str:
        return CIRCLED[int(value) - 1] if value else ""

    @classmethod
    def legend(cls) -> str:
        """'①国有企业；②…' as the seeds' 填表说明 write it."""
        return "；".join(f"{CIRCLED[int(c.value) - 1]}{c.label}" for c in cls) + "。"


class OrgKind(models.TextChoices):
    DEPARTMENT = "department", "组织部"
    WORK_COMMITTEE = "work_committee", "工委"
    COMMITTEE = "committee", "党委"
    GENERAL_BRANCH = "general_branch", "党总支"
    BRANCH = "branch", "党支部"


class OrgCategory(CircledChoices):
    STATE_ENTERPRISE = "1", "国有企业"
    PRIVATE_ENTERPRISE = "2", "非公有制企业"
    RURAL = "3", "农村"
    GOVERNMENT = "4", "党政机关"
    SCHOOL = "5", "学校"
    PUBLIC_INSTITUTION = "6", "其他事业单位"
    COMMUNITY = "7", "街道社区"
    SOCIAL_ORGANIZATION = "8", "社会组织"
    OTHER = "9", "其他"


class LossReason(CircledChoices):
    """失去联系情形 / 失联原因 (⑦ needs the reason in 备注)."""

    MIGRANT_WORK = "1", "外出务工经商"
    RESTRUCTURING = "2", "单位改制或破产"
    GRADUATE_UNKNOWN = "3", "毕业后去向不明"
    JOB_CHANGE = "4", "工作单位改变"
    ABROAD = "5", "出国（境）"
    MOVED = "6", "居住地改变"
    OTHER = "7", "其他"


class Occupation(CircledChoices):
    STATE_ENTERPRISE_LEAVER = "1", "国有企业解除劳动关系人员"
    PRIVATE_ENTERPRISE_LEAVER = "2", "非公有制企业离职人员"
    RURAL_MIGRANT = "3", "农村外出务工经商人员"
    RETIRED_CIVIL = "4", "机关事业单位离退休人员"
    GRADUATE = "5", "高校毕业生"
    COMMUNITY_SEPARATED = "6", "街道社区人户分离人员"
    TALENT_CENTRE = "7", "组织关系在人才中心人员"
    OTHER = "8", "其他"


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Ethnicity(models.TextChoices):
    """民族, GB 3304 (current names 德昂族, 毛南族)."""

    HAN = "01", "汉族"
    MONGOL = "02", "蒙古族"
    HUI = "03", "回族"
    TIBETAN = "04", "藏族"
    UYGHUR = "05", "维吾尔族"
    MIAO = "06", "苗族"
    YI = "07", "彝族"
    ZHUANG = "08", "壮族"
    BUYEI = "09", "布依族"
    KOREAN = "10", "朝鲜族"
    MANCHU = "11", "满族"
    DONG = "12", "侗族"
    YAO = "13", "瑶族"
    BAI = "14", "白族"
    TUJIA = "15", "土家族"
    HANI = "16", "哈尼族"
    KAZAKH = "17", "哈萨克族"
    DAI = "18", "傣族"
    LI = "19", "黎族"
    LISU = "20", "傈僳族"
    VA = "21", "佤族"
    SHE = "22", "畲族"
    GAOSHAN = "23", "高山族"
    LAHU = "24", "拉祜族"
    SUI = "25", "水族"
    DONGXIANG = "26", "东乡族"
    NAXI = "27", "纳西族"
    JINGPO = "28", "景颇族"
    KYRGYZ = "29", "柯尔克孜族"
    TU = "30", "土族"
    DAUR = "31", "达斡尔族"
    MULAO = "32", "仫佬族"
    QIANG = "33", "羌族"
    BLANG = "34", "布朗族"
    SALAR = "35", "撒拉族"
    MAONAN = "36", "毛南族"
    GELAO = "37", "仡佬族"
    XIBE = "38", "锡伯族"
    ACHANG = "39", "阿昌族"
    PUMI = "40", "普米族"
    TAJIK = "41", "塔吉克族"
    NU = "42", "怒族"
    UZBEK = "43", "乌孜别克族"
    RUSSIAN = "44", "俄罗斯族"
    EVENK = "45", "鄂温克族"
    DEANG = "46", "德昂族"
    BONAN = "47", "保安族"
    YUGUR = "48", "裕固族"
    GIN = "49", "京族"
    TATAR = "50", "塔塔尔族"
    DERUNG = "51", "独龙族"
    OROQEN = "52", "鄂伦春族"
    HEZHEN = "53", "赫哲族"
    MONPA = "54", "门巴族"
    LHOBA = "55", "珞巴族"
    JINO = "56", "基诺族"
    OTHER = "97", "其他"
    FOREIGN_ORIGIN = "98", "外国血统中国籍人士"


class Education(models.TextChoices):
    """学历 as party statistics use them (学位 is separate)."""

    POSTGRADUATE = "1", "研究生"
    BACHELOR = "2", "大学本科"
    JUNIOR_COLLEGE = "3", "大学专科"
    SECONDARY_VOCATIONAL = "4", "中专"
    HIGH_SCHOOL = "5", "高中、中技"
    JUNIOR_HIGH_OR_BELOW = "6", "初中及以下"


class MaritalStatus(models.TextChoices):
    SINGLE = "1", "未婚"
    MARRIED = "2", "已婚"
    DIVORCED = "3", "离婚"
    REMARRIED = "4", "复婚"


class MemberType(models.TextChoices):
    FULL = "full", "正式党员"
    PROBATIONARY = "probationary", "预备党员"


class MemberSector(models.TextChoices):
    """The 登记表's sector boxes (□农村 □社区 …)."""

    RURAL = "rural", "农村"
    COMMUNITY = "community", "社区"
    GOVERNMENT = "government", "机关"
    PUBLIC_INSTITUTION = "institution", "事业单位"
    STATE_ENTERPRISE = "state_enterprise", "国有企业"
    PRIVATE_ENTERPRISE = "private_enterprise", "非公有制企业"
    SOCIAL_ORGANIZATION = "social_organization", "社会组织"
    OTHER = "other", "其他"


class PersonCategory(models.TextChoices):
    """University members: 教职工 or 学生 (seed 001 附件9)."""

    STAFF = "staff", "教职工"
    STUDENT = "student", "学生"
    OTHER = "other", "其他"


class StudentLevel(models.TextChoices):
    """研究生/本科生/专科生 (seed 000 附件4)."""

    POSTGRADUATE = "postgraduate", "研究生"
    UNDERGRADUATE = "undergraduate", "本科生"
    JUNIOR_COLLEGE = "junior_college", "专科生"


class MemberStatus(models.TextChoices):
    """Where the member stands on the roster; only an approved disposition leaves it."""

    ACTIVE = "active", "在册"
    RETAINED = "retained", "保留组织关系"
    SUSPENDED = "suspended", "停止党籍"
    TRANSFERRED_OUT = "transferred_out", "已转出"
    REMOVED = "removed", "已出党"
    DECEASED = "deceased", "死亡"


# ---- Lost-contact cases (SPEC §6–§7, seeds 002 and 004) -------------------------------------


class CaseSource(models.TextChoices):
    """How a lost-contact case came to be opened."""

    LOST_LIST = "lost_list", "失联党员名单"
    TRANSFER = "transfer", "转出后未收到回执"
    MANUAL = "manual", "手工登记"


class CaseOutcome(models.TextChoices):
    """The result of the search (seed 002: 经查找取得联系 / 经查找仍然无法取得联系)."""

    SEARCHING = "searching", "正在查找"
    REGAINED = "regained", "经查找取得联系"
    UNREACHABLE = "unreachable", "经查找仍然无法取得联系"
    DECEASED = "deceased", "确认已死亡"


class SearchMethod(models.TextChoices):
    """查找方式 (seed 002 说明 3 gives phone, employer, police records, fellow villagers,
    letters)."""

    PHONE = "phone", "电话联系"
    VISIT = "visit", "上门走访"
    LETTER = "letter", "信函（挂号信）"
    POLICE = "police", "公安户籍查询"
    EMPLOYER = "employer", "原工作单位"
    VILLAGERS = "villagers", "老乡、亲友"
    RECEIVING_ORG = "receiving_org", "接收单位党组织"
    ONLINE = "online", "网络（微信、QQ、电子邮件）"
    OTHER = "other", "其他"


class DispositionSide(models.TextChoices):
    CONTACTED = "contacted", "经查找取得联系的党员"
    NOT_CONTACTED = "not_contacted", "目前仍未取得联系的党员"
    DECEASED = "deceased", "确认已死亡"


class DispositionCategory(models.TextChoices):
    """处置情况, exactly the leaf columns of seed 004 附件5; the stored code is the column letter.

    C is 纳入组织管理 other than its "of which" columns D, E, F (the form's C = C+D+E+F).
    """

    MANAGED = "C", "纳入组织管理"
    RETAINED = "D", "保留组织关系"
    SUSPENDED = "E", "停止党籍"
    CORRECTION = "F", "限期改正"
    PERSUADED_OUT = "H", "劝退或劝而不退除名"
    SELF_LAPSED = "I", "自行脱党除名"
    WITHDRAWN = "J", "退党除名"
    NOT_RECOGNISED = "K", "不予承认党员资格"
    PROBATION_CANCELLED = "L", "取消预备党员资格"
    EXPELLED = "M", "开除党籍"
    UNDER_INVESTIGATION = "N", "尚在调查核实"
    LOST_SELF_LAPSED = "Q", "自行脱党除名"
    LOST_PROBATION_CANCELLED = "R", "取消预备党员资格"
    LOST_UNREACHABLE_SUSPENDED = "T", "确定无法取得联系而停止党籍"
    LOST_ABROAD_SUSPENDED = "U", "因出国（境）定居而停止党籍"
    LOST_EXPELLED = "V", "开除党籍"
    STILL_SEARCHING = "W", "尚在查找联系"
    DEAD = "X", "确认已死亡"


class ApprovalStep(models.TextChoices):
    """The rows of seed 004 附件4, in their order; the stored code is the order."""

    BRANCH_COMMITTEE = "1", "支委会初步处置意见"
    COMMITTEE_PRE_REVIEW = "2", "基层党委预审意见"
    DEPARTMENT_PRE_REVIEW = "3", "上一级党委组织部门预审意见"
    BRANCH_ASSEMBLY = "4", "支部党员大会决议"
    COMMITTEE_APPROVAL = "5", "基层党委审核（审批）意见"
    DEPARTMENT_APPROVAL = "6", "上一级党委组织部门审批意见"
    # Not a row of 附件4: seed 001's rule, where a campaign sets it, that the 基层党委 discusses
    # every 处置 with the 上级党委组织部门 before deciding.
    DEPARTMENT_CONSULT = "7", "与上级党委组织部门沟通意见"


class ApprovalDecision(models.TextChoices):
    APPROVED = "approved", "同意"
    REJECTED = "rejected", "不同意，退回"


class DispositionState(models.TextChoices):
    PENDING = "pending", "审批中"
    RETURNED = "returned", "已退回党支部"
    EFFECTIVE = "effective", "已生效"


# ---- Transfers, flowing members, going abroad (SPEC §5, seed 004 measure 4) ------------------


class TransferDirection(models.TextChoices):
    IN = "in", "转入"
    OUT = "out", "转出"


class TransferPermanence(models.TextChoices):
    """党组织关系变化性质 (seed 004 measure 4: 永久转出或临时转出)."""

    PERMANENT = "permanent", "永久转出"
    TEMPORARY = "temporary", "临时转出"


class ProvinceScope(models.TextChoices):
    WITHIN = "within", "省内"
    OUTSIDE = "outside", "省外"


class TransferState(models.TextChoices):
    OPEN = "open", "待回执"
    RECEIPTED = "receipted", "已回执"
    REFUSED = "refused", "已退回（拒收）"


class FlowScope(models.TextChoices):
    """流动范围: the two kinds of flow SPEC §5 names."""

    CROSS_PROVINCE = "cross_province", "跨省"
    CROSS_CITY = "cross_city", "省内跨市"
    WITHIN_CITY = "within_city", "市内"


class AbroadKind(models.TextChoices):
    """出国（境）: keep the relationship while away, or stop membership when settling abroad."""

    RETAINED = "retained", "保留组织关系"
    SUSPENDED = "suspended", "停止党籍"


# ---- Evidence of contact: 组织生活, 党费, other contact (SPEC §4) ------------------------------


class OrgLifeKind(models.TextChoices):
    """组织生活的形式 (三会一课 and 主题党日)."""

    GENERAL_MEETING = "general_meeting", "支部党员大会"
    COMMITTEE_MEETING = "committee_meeting", "支委会"
    GROUP_MEETING = "group_meeting", "党小组会"
    PARTY_LECTURE = "party_lecture", "党课"
    THEME_DAY = "theme_day", "主题党日"
    OTHER = "other", "其他"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "出席"
    EXCUSED = "excused", "请假"
    ABSENT = "absent", "缺席"


class ContactChannel(models.TextChoices):
    PHONE = "phone", "电话"
    WECHAT = "wechat", "微信"
    SMS = "sms", "短信"
    IN_PERSON = "in_person", "面谈"
    VISIT = "visit", "走访"
    LETTER = "letter", "书信"
    ONLINE_BRANCH = "online_branch", "网上党支部"
    OTHER = "other", "其他"
