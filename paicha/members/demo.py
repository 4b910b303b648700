"""Realistic fictional member rows for the demo and for benchmarks: deterministic (one seeded
random generator and a fixed reference date instead of the clock)."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from paicha.codes import (
    Education,
    Ethnicity,
    Gender,
    MaritalStatus,
    MemberSector,
    MemberStatus,
    MemberType,
    OrgKind,
    PersonCategory,
    StudentLevel,
)
from paicha.core.pinyin import initials
from paicha.members.idcard import make_id_number
from paicha.members.models import ROW_FIELDS
from paicha.organizations.models import Organization

# The day the demo's world is "as of": dates are spread before it.
REFERENCE_DATE = datetime.date(2026, 11, 1)
DEMO_PASSWORD = "Paicha@2026"
UNIVERSITY = "中共湘江示范大学委员会"

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡"
    "贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
    "雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国志浩宇轩"
    "子涵欣怡梓萱晨博文思远嘉乐俊峰婷雪琳晓东海波慧颖佳琪雨桐诗雅一鸣天佑浩然紫薇志强春梅"
)
REGIONS = (
    ("430102", "湖南长沙"),
    ("430103", "湖南长沙"),
    ("430111", "湖南长沙"),
    ("430181", "湖南浏阳"),
    ("430202", "湖南株洲"),
    ("430302", "湖南湘潭"),
    ("430405", "湖南衡阳"),
    ("430502", "湖南邵阳"),
    ("430602", "湖南岳阳"),
    ("430702", "湖南常德"),
    ("430902", "湖南益阳"),
    ("431002", "湖南郴州"),
    ("431102", "湖南永州"),
    ("431202", "湖南怀化"),
    ("431302", "湖南娄底"),
    ("433101", "湖南吉首"),
    ("110105", "北京朝阳"),
    ("420102", "湖北武汉"),
    ("360102", "江西南昌"),
    ("440103", "广东广州"),
    ("450102", "广西南宁"),
    ("510104", "四川成都"),
)
MINORITIES = (
    Ethnicity.TUJIA,
    Ethnicity.MIAO,
    Ethnicity.DONG,
    Ethnicity.YAO,
    Ethnicity.HUI,
    Ethnicity.ZHUANG,
    Ethnicity.MANCHU,
    Ethnicity.BAI,
)
COLLEGES = (
    ("文学院", OrgKind.COMMITTEE),
    ("数学与统计学院", OrgKind.COMMITTEE),
    ("物理与电子科学学院", OrgKind.COMMITTEE),
    ("化学化工学院", OrgKind.COMMITTEE),
    ("计算机学院", OrgKind.COMMITTEE),
    ("商学院", OrgKind.COMMITTEE),
    ("法学院", OrgKind.GENERAL_BRANCH),
    ("外国语学院", OrgKind.GENERAL_BRANCH),
    ("机关", OrgKind.COMMITTEE),
    ("离退休工作处", OrgKind.GENERAL_BRANCH),
)
STUDENT_BRANCHES = (
    ("教工第一党支部", "staff"),
    ("教工第二党支部", "staff"),
    ("本科生第一党支部", "undergraduate"),
    ("本科生第二党支部", "undergraduate"),
    ("研究生第一党支部", "postgraduate"),
    ("研究生第二党支部", "postgraduate"),
)
STAFF_BRANCHES = tuple((f"机关第{n}党支部", "staff") for n in "一二三四五六")
RETIRED_BRANCHES = tuple((f"离退休第{n}党支部", "retired") for n in "一二三四五六")
FLOW_PLACES = ("广东省深圳市", "上海市浦东新区", "浙江省杭州市", "北京市海淀区", "江苏省苏州市")
ABROAD_PLACES = ("英国曼彻斯特大学", "日本东京大学", "德国慕尼黑工业大学", "美国密歇根大学")


def _days_before(rng: random.Random, ref: datetime.date, low_years: float, high_years: float):
    return ref - datetime.timedelta(days=int(rng.uniform(low_years, high_years) * 365.25))


class MemberFactory:
    """Realistic member rows for one kind of branch."""

    fields = ROW_FIELDS

    def __init__(self, rng: random.Random, ref: datetime.date):
        self.rng, self.ref = rng, ref
        self.used_ids: set[str] = set()
        self.now = timezone.now()

    def name(self) -> str:
        rng = self.rng
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        return rng.choice(SURNAMES) + given

    def id_number(self, birth: datetime.date, gender: str) -> tuple[str, str]:
        rng = self.rng
        region, place = rng.choice(REGIONS)
        while True:
            number = make_id_number(region, birth, rng.randrange(100), gender)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number, place

    def row(self, org: Organization, kind: str) -> tuple:
        rng, ref = self.rng, self.ref
        gender = Gender.MALE if rng.random() < 0.52 else Gender.FEMALE
        if kind == "undergraduate":
            birth = _days_before(rng, ref, 18.5, 23)
            join = _days_before(rng, ref, 0.2, 2.5)
        elif kind == "postgraduate":
            birth = _days_before(rng, ref, 22, 30)
            join = _days_before(rng, ref, 0.5, 8)
        elif kind == "retired":
            birth = _days_before(rng, ref, 60, 90)
            join = birth + datetime.timedelta(days=int(rng.uniform(20, 40) * 365.25))
        else:
            birth = _days_before(rng, ref, 26, 59)
            join = birth + datetime.timedelta(days=int(rng.uniform(19, 35) * 365.25))
        join = min(join, ref - datetime.timedelta(days=30))
        probationary = (ref - join).days < 365
        full = None if probationary else join + datetime.timedelta(days=365)
        id_number, place = self.id_number(birth, gender)
        student = kind in ("undergraduate", "postgraduate")
        name = self.name()
        flowing = (not student) and rng.random() < 0.03
        abroad = kind == "postgraduate" and rng.random() < 0.02
        pocket = kind == "postgraduate" and not abroad and rng.random() < 0.02
        remarks = []
        if flowing:
            remarks.append("外出流动")
        if abroad:
            remarks.append(f"出国（境）留学：{rng.choice(ABROAD_PLACES)}，已办理保留组织关系")
        if pocket:
            remarks.append("“口袋”党员：组织关系转出后未到接收单位报到，关系仍在本支部")
        education = {
            "undergraduate": Education.BACHELOR,
            "postgraduate": Education.POSTGRADUATE,
        }.get(kind) or rng.choice(
            (
                Education.POSTGRADUATE,
                Education.BACHELOR,
                Education.BACHELOR,
                Education.JUNIOR_COLLEGE,
                Education.HIGH_SCHOOL,
            )
        )
        # 报到社区 only for 在职党员 (seed 002 说明 17).
        employed = kind == "staff" and rng.random() < 0.6
        return (
            org.pk,
            org.path,
            name,
            initials(name),
            gender,
            rng.choice(MINORITIES) if rng.random() < 0.12 else Ethnicity.HAN,
            place,
            birth,
            id_number,
            f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
            f"微信 wx{rng.randrange(10**6):06d}" if rng.random() < 0.5 else "",
            f"{place}市{rng.choice('东南西北')}区{rng.randrange(1, 200)}号"[:32],
            "湖南省长沙市岳麓区麓山南路" + str(rng.randrange(1, 999)) + "号",
            MaritalStatus.SINGLE
            if student
            else rng.choice((MaritalStatus.MARRIED, MaritalStatus.MARRIED, MaritalStatus.SINGLE)),
            "湘江示范大学" if student else rng.choice(("湘江示范大学", "湖南大学", "中南大学")),
            education,
            {"undergraduate": "", "postgraduate": "学士"}.get(kind, ""),
            None if student else birth + datetime.timedelta(days=int(23 * 365.25)),
            f"湘江示范大学{org.parent.short_name if org.parent else ''}"
            + ("（学生）" if student else ""),
            join,
            f"湘江示范大学{rng.choice(('文学院', '计算机学院', '商学院'))}党支部",
            full,
            max(join, ref - datetime.timedelta(days=rng.randrange(60, 3000))),
            "",
            "",
            Decimal(rng.choice(("0.20", "0.50", "2.00", "12.50", "35.00"))),
            MemberType.PROBATIONARY if probationary else MemberType.FULL,
            MemberSector.PUBLIC_INSTITUTION,
            PersonCategory.STUDENT if student else PersonCategory.STAFF,
            {
                "undergraduate": StudentLevel.UNDERGRADUATE,
                "postgraduate": StudentLevel.POSTGRADUATE,
            }.get(kind, ""),
            kind == "retired" and rng.random() < 0.05,
            kind == "retired",
            flowing,
            rng.choice(FLOW_PLACES) if flowing else "",
            employed,
            "岳麓街道桃子湖社区" if employed else "",
            pocket,
            rng.random() < 0.002,
            MemberStatus.RETAINED if abroad else MemberStatus.ACTIVE,
            None,
            "；".join(remarks),
            None,
            None,
            self.now,
            self.now,
        )


def _phone(rng) -> str:
    return f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
