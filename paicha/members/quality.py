"""健全完善党员档案: which records of a subtree miss fields or contradict themselves.

Each check is a filter, so the counts by branch are one aggregate query over the subtree and the
members behind a count are one indexed query — no Python pass over a province's rows.
"""

import datetime
from dataclasses import dataclass

from django.db.models import CharField, Count, Func, Q
from django.db.models.functions import Substr

from paicha.codes import MemberType, PersonCategory
from paicha.core.dates import add_months


class BirthDigits(Func):
    """出生日期 as YYYYMMDD text, to compare with digits 7–14 of the ID number."""

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        # The format goes as a parameter: a literal % in the SQL breaks the query's logging.
        sql, params = self.as_sql(
            compiler, connection, template="strftime(%%s, %(expressions)s)", **extra
        )
        return sql, ("%Y%m%d", *params)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="to_char(%(expressions)s, 'YYYYMMDD')", **extra
        )


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    field: str  # the field to fix on the edit page


def checks(as_of: datetime.date) -> list[tuple[Check, Q]]:
    """The checks and their filters; `as_of` dates the 预备期 rule (the view passes today)."""
    blank = lambda name: Q(**{name: ""})  # noqa: E731
    return [
        (Check("join_date", "缺入党日期", "join_date"), Q(join_date__isnull=True)),
        (
            Check("full_date", "正式党员缺转正日期", "full_date"),
            Q(member_type=MemberType.FULL, full_date__isnull=True),
        ),
        (
            Check("probation_over", "预备期已满一年仍为预备党员", "member_type"),
            Q(member_type=MemberType.PROBATIONARY, join_date__lt=add_months(as_of, -12)),
        ),
        (Check("id_birth", "出生日期与身份证号码不符", "birth_date"), ~Q(id_birth=True)),
        (Check("id_gender", "性别与身份证号码不符", "gender"), ~Q(id_gender=True)),
        (Check("mobile", "缺手机号码", "mobile"), blank("mobile")),
        (Check("native_place", "缺籍贯", "native_place"), blank("native_place")),
        (Check("education", "缺学历", "education"), blank("education")),
        (
            Check("work_unit", "缺工作单位及职务", "work_unit"),
            blank("work_unit") & Q(retired=False),
        ),
        (
            Check("household_register", "缺户籍所在地", "household_register"),
            blank("household_register"),
        ),
        (Check("residence", "缺实际居住地址", "residence"), blank("residence")),
        (
            Check("branch_entry_date", "缺进入支部日期", "branch_entry_date"),
            Q(branch_entry_date__isnull=True),
        ),
        (Check("monthly_dues", "缺每月党费交纳数额", "monthly_dues"), Q(monthly_dues__isnull=True)),
        (
            Check("flow_destination", "流动党员缺流入地", "flow_destination"),
            Q(flowing=True) & blank("flow_destination"),
        ),
        (
            Check("reported_community", "在职党员缺报到社区", "reported_community"),
            Q(employed_reported=True) & blank("reported_community"),
        ),
        (
            Check("student_level", "学生党员缺学生类别", "student_level"),
            Q(person_category=PersonCategory.STUDENT) & blank("student_level"),
        ),
    ]


def _annotated(members):
    """Annotate whether 出生日期 and 性别 agree with the ID number (digits 7–14, digit 17)."""
    from django.db.models import BooleanField, Case, Value, When

    odd = ("1", "3", "5", "7", "9")
    return members.alias(
        id_birth_digits=Substr("id_number", 7, 8),
        id_gender_digit=Substr("id_number", 17, 1),
    ).annotate(
        id_birth=Case(
            When(Q(id_birth_digits=BirthDigits("birth_date")), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        id_gender=Case(
            When(
                Q(gender="M", id_gender_digit__in=odd)
                | (Q(gender="F") & ~Q(id_gender_digit__in=odd)),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def quality_by_branch(members, *, as_of: datetime.date) -> tuple[list[Check], list[dict]]:
    """([checks], [{"organization": id, "<check key>": count, "total": n}, …]) by organization."""
    items = checks(as_of)
    # Aggregates are named n_<key>: several keys are also field names.
    rows = list(
        _annotated(members)
        .order_by()
        .values("organization")
        .annotate(
            n_total=Count("id"), **{f"n_{check.key}": Count("id", filter=q) for check, q in items}
        )
    )
    result = [
        {
            "organization": r["organization"],
            "total": r["n_total"],
            **{check.key: r[f"n_{check.key}"] for check, _ in items},
        }
        for r in rows
    ]
    return [check for check, _ in items], result


def members_failing(members, key: str, *, as_of: datetime.date):
    for check, q in checks(as_of):
        if check.key == key:
            return check, _annotated(members).filter(q).order_by("org_path", "name", "id")
    return None, members.none()
