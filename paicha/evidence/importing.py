"""Import a meeting's attendance sheet and a branch's 党费 ledger from a spreadsheet: two
declarations on core.importing's plan/commit cycle (all rows or none, a dry run that lists
what would be added and every row's error by row and column).

The sheet's title row (the first, or below a title) holds the column titles in any order;
each later row is one member (attendance) or one payment (ledger). A member is found on the
branch's roster by 身份证号码, or by 姓名 when the name is unique there. Rows are written
through the same services as the web forms.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from paicha.codes import AttendanceStatus
from paicha.core.importing import ImportRejected, cell_code, cell_name, cell_text
from paicha.core.importing.cycle import Column, Importer, Plan, Row, check_file, import_commit
from paicha.core.importing.readers import CellError, limited, read_plain_date
from paicha.core.importing.reading import upload_content
from paicha.core.transactions import service
from paicha.members.idcard import normalize_id_number
from paicha.organizations.models import Organization
from paicha.organizations.permissions import Perm
from paicha.organizations.scope import authorize

from . import services

STATUS_WORDS = {
    "出席": AttendanceStatus.PRESENT,
    "到会": AttendanceStatus.PRESENT,
    "√": AttendanceStatus.PRESENT,
    "请假": AttendanceStatus.EXCUSED,
    "缺席": AttendanceStatus.ABSENT,
    "未到": AttendanceStatus.ABSENT,
}
MAX_ROWS = 5_000
MAX_AMOUNT = 10_000_000


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


def read_status(value) -> str:
    word = cell_text(value)
    status = STATUS_WORDS.get(word) or (word if word in AttendanceStatus.values else None)
    if status is None:
        raise CellError(f"应为出席、请假或缺席，而不是“{word}”")
    return status


def read_amount(value) -> Decimal | None:
    text = cell_code(value).replace("元", "").replace(",", "")
    if not text:
        return None
    try:
        amount = Decimal(text)
        if not amount.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        raise CellError(f"应为数字，而不是“{cell_text(value)}”") from None
    # What the table holds (9 digits, 2 of them after the point): refused, not rounded.
    if abs(amount) >= MAX_AMOUNT:
        raise CellError(f"金额应小于{MAX_AMOUNT:,}元")
    if amount != amount.quantize(Decimal("0.01"), rounding=ROUND_DOWN):
        raise CellError("金额最多两位小数")
    return amount


class BranchRosterImport(Importer):
    """What both ledgers share: a branch's roster, found by ID number or a unique name."""

    def __init__(self, *, organization: Organization, acting_user, as_of: datetime.date):
        self.organization = organization
        self.acting_user = acting_user
        self.as_of = as_of

    def authorize(self) -> None:
        authorize(
            self.acting_user,
            Perm.EDIT_MEMBERS,
            self.organization,
            what=f"“{self.organization.name}”",
        )

    def prepare(self, plan: Plan, rows: list[Row]) -> None:
        self.roster = RosterLookup(self.organization)

    def find_member(self, row: Row):
        member, problem = self.roster.find(
            row.values.get("name", ""), row.values.get("id_number", "")
        )
        if problem:
            row.refuse("id_number" if row.values.get("id_number") else "name", problem)
        return member

    def row_label(self, row: Row) -> str:
        return row.values.get("name", "")

    def job_params(self) -> dict:
        return {"as_of": self.as_of.isoformat()}

    @classmethod
    def from_job(cls, job) -> BranchRosterImport:
        params = dict(job.params)
        params["as_of"] = datetime.date.fromisoformat(params["as_of"])
        if "date" in params:
            params["date"] = datetime.date.fromisoformat(params["date"])
        return cls(organization=job.organization, acting_user=job.created_by, **params)


# ---- 出席情况表 ---------------------------------------------------------------------------------


@dataclass
class Attendance:
    member: object
    status: str
    reason: str


class AttendanceImport(BranchRosterImport):
    """One meeting's attendance: 姓名, 身份证号码, 出席情况 (出席/请假/缺席), 请假事由."""

    title = "组织生活出席情况表"
    columns = (
        Column("name", "姓名", ("党员姓名",), cell_name, required=True),
        Column("id_number", "身份证号码", ("身份证号", "公民身份号码"), cell_code),
        Column("status", "出席情况", ("到会情况",), read_status, required=True),
        Column("reason", "请假事由", ("事由",), limited(200, "请假事由")),
    )
    max_rows = MAX_ROWS

    def __init__(self, *, date: datetime.date, kind: str, topic: str, notes: str = "", **kwargs):
        super().__init__(**kwargs)
        self.date, self.kind, self.topic, self.notes = date, kind, topic, notes

    def job_params(self) -> dict:
        return {
            **super().job_params(),
            "date": self.date.isoformat(),
            "kind": self.kind,
            "topic": self.topic,
            "notes": self.notes,
        }

    def done_message(self, result) -> str:
        return f"已导入出席情况 {result.attendances.count()} 人"

    def prepare(self, plan: Plan, rows: list[Row]) -> None:
        super().prepare(plan, rows)
        self.seen: dict[int, int] = {}

    def check_row(self, row: Row) -> Attendance | None:
        member = self.find_member(row)
        status, reason = row.values.get("status"), row.values.get("reason", "")
        if status == AttendanceStatus.EXCUSED and not reason:
            row.refuse("reason", "请假须写明“请假事由”（因外出请假请写明“外出”）")
        if member is not None:
            if member.pk in self.seen:
                row.refuse("name", f"{member.name}已在第{self.seen[member.pk]}行登记过")
            else:
                self.seen[member.pk] = row.number
        if row.refused:
            return None
        return Attendance(member, status, reason)

    def describe(self, item: Attendance) -> str:
        shown = AttendanceStatus(item.status).label
        return f"{item.member.name}　{shown}" + (f"（{item.reason}）" if item.reason else "")

    def write(self, items: list[Attendance], progress):
        try:
            return services.meeting_record(
                organization=self.organization,
                date=self.date,
                kind=self.kind,
                topic=self.topic,
                notes=self.notes,
                acting_user=self.acting_user,
                as_of=self.as_of,
                attendance={a.member.pk: (a.status, a.reason) for a in items},
            )
        except ValidationError as exc:
            raise ImportRejected([m for ms in exc.message_dict.values() for m in ms]) from None


# ---- 党费收缴台账 -------------------------------------------------------------------------------


@dataclass
class Payment:
    member: object
    amount: Decimal
    month_from: datetime.date
    month_to: datetime.date
    paid_on: datetime.date
    note: str


# services.check_dues names its fields; the ledger's columns that hold them.
_DUES_FIELD_COLUMNS = {
    "amount": "amount",
    "month_to": "month_to",
    "paid_on": "paid_on",
    "member": "name",
}


class DuesImport(BranchRosterImport):
    """A branch's dues ledger: one payment a row."""

    title = "党费收缴台账"
    columns = (
        Column("name", "姓名", ("党员姓名",), cell_name, required=True),
        Column("id_number", "身份证号码", ("身份证号", "公民身份号码"), cell_code),
        Column("paid_on", "交纳日期", ("缴纳日期",), read_plain_date, required=True),
        Column("month_from", "交纳起始月份", ("起始月份",), read_plain_date, required=True),
        Column("month_to", "交纳截止月份", ("截止月份",), read_plain_date),
        Column("amount", "金额（元）", ("金额", "交纳金额"), read_amount, required=True),
        Column("note", "备注", (), limited(200, "备注")),
    )
    max_rows = MAX_ROWS

    def check_row(self, row: Row) -> Payment | None:
        member = self.find_member(row)
        values = row.values
        for key in ("paid_on", "month_from", "amount"):
            if key in values and values[key] is None:
                row.refuse(key, "不能为空")
        paid_on, month_from = values.get("paid_on"), values.get("month_from")
        month_to = values.get("month_to") or month_from
        amount = values.get("amount")
        if member is not None and None not in (paid_on, month_from):
            month_from, month_to = month_from.replace(day=1), month_to.replace(day=1)
            # An unreadable amount is reported already; check the rest of the row all the same.
            for field, message in services.check_dues(
                member=member,
                amount=Decimal(1) if amount is None else amount,
                month_from=month_from,
                month_to=month_to,
                paid_on=paid_on,
                as_of=self.as_of,
            ).items():
                row.refuse(_DUES_FIELD_COLUMNS[field], message)
        if row.refused:
            return None
        return Payment(member, amount, month_from, month_to, paid_on, values.get("note", ""))

    def describe(self, item: Payment) -> str:
        months = f"{item.month_from:%Y年%-m月}"
        if item.month_to != item.month_from:
            months += f"至{item.month_to:%Y年%-m月}"
        return f"{item.member.name}　{item.paid_on:%Y年%-m月%-d日}交纳{months}党费{item.amount}元"

    def done_message(self, result: int) -> str:
        return f"已导入党费交纳记录 {result} 条"

    def write(self, items: list[Payment], progress) -> int:
        for done, p in enumerate(items, start=1):
            services.dues_record(
                member=p.member,
                amount=p.amount,
                month_from=p.month_from,
                month_to=p.month_to,
                paid_on=p.paid_on,
                note=p.note,
                acting_user=self.acting_user,
                as_of=self.as_of,
            )
            if done % 500 == 0:
                progress("write", done, len(items))
        return len(items)


# ---- Entry points of the pages and the tests ----------------------------------------------------


def check_attendance(file, **params) -> Plan:
    """The dry run of an attendance sheet: what would be recorded and every row's error."""
    content, name = upload_content(file)
    return check_file(AttendanceImport(**params), content=content, filename=name)


def check_dues_ledger(file, **params) -> Plan:
    content, name = upload_content(file)
    return check_file(DuesImport(**params), content=content, filename=name)


@service
def import_attendance(
    file,
    *,
    organization: Organization,
    date: datetime.date,
    kind: str,
    topic: str,
    notes: str = "",
    acting_user,
    as_of: datetime.date,
):
    """One meeting and its attendance. Returns the meeting; raises ImportRejected with every
    row's errors, nothing written."""
    content, name = upload_content(file)
    declaration = AttendanceImport(
        organization=organization,
        date=date,
        kind=kind,
        topic=topic,
        notes=notes,
        acting_user=acting_user,
        as_of=as_of,
    )
    return import_commit(declaration, content=content, filename=name).result


@service
def import_dues(file, *, organization: Organization, acting_user, as_of: datetime.date) -> int:
    """A branch's dues ledger. Returns the number of payments written."""
    content, name = upload_content(file)
    declaration = DuesImport(organization=organization, acting_user=acting_user, as_of=as_of)
    return import_commit(declaration, content=content, filename=name).result


# The titles the import pages list (required ones starred).
ATTENDANCE_COLUMNS = tuple(c.title for c in AttendanceImport.columns)
ATTENDANCE_REQUIRED = tuple(c.title for c in AttendanceImport.columns if c.required)
DUES_COLUMNS = tuple(c.title for c in DuesImport.columns)
DUES_REQUIRED = tuple(c.title for c in DuesImport.columns if c.required)
