"""Import a meeting's attendance sheet and a branch's 党费 ledger from Excel: all rows or none.

The sheet's title row (the first, or below a title; core.importing finds it) holds the column
titles in any order; each later row is one member (attendance) or one payment (ledger). A member is found on the branch's roster by
身份证号码, or by 姓名 when the name is unique there. Every row is checked first and every
error is reported with its row number; only a file without errors is written, through the same
services as the web forms, in one transaction.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from paicha.codes import AttendanceStatus
from paicha.core.dates import LooseDateError, parse_cell_date
from paicha.core.importing import (
    ImportRejected,
    cell_code,
    cell_name,
    cell_text,
    read_titled,
)
from paicha.core.transactions import service
from paicha.members.idcard import normalize_id_number
from paicha.organizations.models import Organization
from paicha.organizations.permissions import Perm
from paicha.organizations.scope import authorize

from . import services

ATTENDANCE_COLUMNS = ("姓名", "身份证号码", "出席情况", "请假事由")
ATTENDANCE_REQUIRED = ("姓名", "出席情况")
DUES_COLUMNS = ("姓名", "身份证号码", "交纳日期", "交纳起始月份", "交纳截止月份", "金额（元）", "备注")
DUES_REQUIRED = ("姓名", "交纳日期", "交纳起始月份", "金额（元）")
STATUS_WORDS = {"出席": AttendanceStatus.PRESENT, "到会": AttendanceStatus.PRESENT,
                "√": AttendanceStatus.PRESENT, "请假": AttendanceStatus.EXCUSED,
                "缺席": AttendanceStatus.ABSENT, "未到": AttendanceStatus.ABSENT}
MAX_ROWS = 5_000


def _text(value) -> str:
    return cell_text(value)


class RosterLookup:
    """Find a member of the branch's roster by ID number or by a name unique there."""

    def __init__(self, organization: Organization):
        self.organization = organization
        self.members = list(services.branch_roster(organization))
        self.by_id = {m.id_number: m for m in self.members}
        self.by_name: dict[str, list] = {}
        for m in self.members:
            self.by_name.setdefault(m.name, []).append(m)

    def find(self, name: str, id_number: str):
        """(member, problem)."""
        if id_number:
            member = self.by_id.get(normalize_id_number(id_number))
            if member is None:
                return None, f"身份证号码 {id_number} 不在{self.organization.name}的党员名册上"
            if name and member.name != name:
                return None, f"身份证号码 {id_number} 是{member.name}的，与姓名“{name}”不符"
            return member, ""
        found = self.by_name.get(name, [])
        if not found:
            return None, f"“{name}”不在{self.organization.name}的党员名册上"
        if len(found) > 1:
            return None, f"名册上有{len(found)}名“{name}”，请填写身份证号码以区分"
        return found[0], ""


def _date(cells, title, problems, *, required=True) -> datetime.date | None:
    try:
        read = parse_cell_date(cells.get(title))
    except LooseDateError as exc:
        problems.append(f"“{title}”{exc}")
        return None
    value = read[0] if read else None
    if value is None and required:
        problems.append(f"“{title}”不能为空")
    return value


# ---- 出席情况表 ---------------------------------------------------------------------------------


@service
def import_attendance(file, *, organization: Organization, date: datetime.date, kind: str,
                      topic: str, notes: str = "", acting_user, as_of: datetime.date):
    """One meeting and its attendance from a sheet with 姓名, 身份证号码, 出席情况 (出席/请假/
    缺席), 请假事由. Returns the meeting; raises ImportRejected with every row's errors."""
    authorize(acting_user, Perm.EDIT_MEMBERS, organization, what=f"“{organization.name}”")
    body = read_titled(file, ATTENDANCE_COLUMNS, required=ATTENDANCE_REQUIRED,
                       max_rows=MAX_ROWS)
    roster = RosterLookup(organization)
    errors, attendance, seen = [], {}, {}
    for number, cells in body:
        problems = []
        name, id_number = cell_name(cells.get("姓名")), cell_code(cells.get("身份证号码"))
        member, problem = roster.find(name, id_number)
        if problem:
            problems.append(problem)
        word = _text(cells.get("出席情况"))
        status = STATUS_WORDS.get(word) or (word if word in AttendanceStatus.values else None)
        if status is None:
            problems.append(f"“出席情况”应为出席、请假或缺席，而不是“{word}”")
        reason = _text(cells.get("请假事由"))
        if status == AttendanceStatus.EXCUSED and not reason:
            problems.append("请假须写明“请假事由”（因外出请假请写明“外出”）")
        if member is not None and member.pk in seen:
            problems.append(f"{member.name}已在第{seen[member.pk]}行登记过")
        if problems:
            errors.append(f"第{number}行：" + "；".join(problems))
            continue
        seen[member.pk] = number
        attendance[member.pk] = (status, reason)
    if errors:
        raise ImportRejected(errors)
    try:
        return services.meeting_record(organization=organization, date=date, kind=kind,
                                       topic=topic, notes=notes, attendance=attendance,
                                       acting_user=acting_user, as_of=as_of)
    except ValidationError as exc:
        raise ImportRejected([m for ms in exc.message_dict.values() for m in ms]) from None


# ---- 党费收缴台账 -------------------------------------------------------------------------------


@service
def import_dues(file, *, organization: Organization, acting_user, as_of: datetime.date) -> int:
    """A branch's dues ledger: one payment a row. Returns the number of payments written."""
    authorize(acting_user, Perm.EDIT_MEMBERS, organization, what=f"“{organization.name}”")
    body = read_titled(file, DUES_COLUMNS, required=DUES_REQUIRED, max_rows=MAX_ROWS)
    roster = RosterLookup(organization)
    errors, payments = [], []
    for number, cells in body:
        problems = []
        member, problem = roster.find(cell_name(cells.get("姓名")),
                                      cell_code(cells.get("身份证号码")))
        if problem:
            problems.append(problem)
        paid_on = _date(cells, "交纳日期", problems)
        month_from = _date(cells, "交纳起始月份", problems)
        month_to = _date(cells, "交纳截止月份", problems, required=False) or month_from
        amount = None
        try:
            amount = Decimal(cell_code(cells.get("金额（元）")).replace("元", "").replace(",", ""))
            if not amount.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            problems.append(f"“金额（元）”应为数字，而不是“{_text(cells.get('金额（元）'))}”")
        if member is not None and None not in (paid_on, month_from):
            month_from, month_to = month_from.replace(day=1), month_to.replace(day=1)
            titles = {"amount": "金额（元）", "month_to": "交纳截止月份", "paid_on": "交纳日期",
                      "member": "姓名"}
            # An unreadable amount is reported above; check the rest of the row all the same.
            for field, message in services.check_dues(
                    member=member, amount=Decimal(1) if amount is None else amount,
                    month_from=month_from, month_to=month_to, paid_on=paid_on,
                    as_of=as_of).items():
                problems.append(f"“{titles[field]}”{message}")
        if problems:
            errors.append(f"第{number}行：" + "；".join(problems))
            continue
        payments.append(dict(member=member, amount=amount, month_from=month_from,
                             month_to=month_to, paid_on=paid_on, note=_text(cells.get("备注"))))
    if errors:
        raise ImportRejected(errors)
    for payment in payments:
        services.dues_record(**payment, acting_user=acting_user, as_of=as_of)
    return len(payments)
