"""Import historical transfers (since 2007) from an Excel sheet: all rows or none.

A declaration on core.importing's plan/commit cycle: the first sheet's title row (the
first, or below a title) holds the column titles of `TransfersImport.columns` in any order;
each later row is one letter. Every row is checked first and every error is reported with its
row number and column; only a file without errors is written, in one transaction, with one
summary audit entry; `check_transfers` is the dry run.
Members not yet in the system are registered on the importing side's roster (status
TRANSFERRED_OUT when the receipt of a transfer out has come back; until then the sender keeps
them). Members already in the system keep their status: the import records history only.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from paicha.audit.context import suspended
from paicha.audit.services import audit_record
from paicha.codes import (
    Ethnicity,
    MemberStatus,
    PersonCategory,
    ProvinceScope,
    StudentLevel,
    TransferDirection,
    TransferPermanence,
    TransferState,
)
from paicha.core.importing import ImportRejected, cell_code, cell_name, cell_text  # noqa: F401
from paicha.core.importing.cycle import Column, Importer, Plan, Row, check_file, import_commit
from paicha.core.importing.readers import CellError, read_plain_date
from paicha.core.importing.reading import upload_content
from paicha.core.transactions import service
from paicha.members.idcard import IdNumberError, parse_id_number
from paicha.members.models import Member
from paicha.organizations.models import Organization
from paicha.organizations.permissions import Perm
from paicha.organizations.scope import authorize
from paicha.organizations.tree import is_in_subtree

from . import conf
from .models import Transfer
from .services import receipt_due_for

MAX_ROWS = 50_000


@dataclass
class ImportResult:
    transfers: int = 0
    new_members: int = 0
    open_transfers: int = 0
    notes: list[str] = field(default_factory=list)


def _choice(choices, allowed: str):
    """A reader of a column holding a code list's label (or code); blank reads as ""."""
    by_text = {text: value for value, label in choices for text in (label, value)}

    def read(value) -> str:
        text = cell_text(value)
        if not text:
            return ""
        if text not in by_text:
            raise CellError(f"应为{allowed}，而不是“{text}”")
        return by_text[text]

    return read


def _validity(value) -> int | None:
    text = cell_code(value)
    if not text:
        return None
    try:
        days = int(float(text))
    except ValueError:
        days = 0
    if not 1 <= days <= conf.validity_max_days():
        raise CellError(f"应为 1 到 {conf.validity_max_days()} 之间的整数")
    return days


def _ethnicity(value) -> str:
    text = cell_text(value)
    if not text:
        return Ethnicity.HAN
    for code, label in Ethnicity.choices:
        if text in (label, code):
            return code
    raise CellError(f"{text} 不是 GB 3304 的民族名称")


@dataclass
class Letter:
    row: int
    name: str
    info: object
    direction: str
    own: Organization
    counterpart: Organization | None
    counterpart_name: str
    letter_number: str
    letter_date: datetime.date
    receipt_date: datetime.date | None
    scope: str
    permanence: str
    ethnicity: str
    level: str
    validity: int
    member: Member | None = None


class TransfersImport(Importer):
    """Historical letters of transfer, one a row, into the acting user's part of the tree."""

    title = "历史组织关系介绍信"
    columns = (
        Column(
            "direction",
            "方向",
            (),
            _choice(TransferDirection.choices, "“转出”或“转入”"),
            required=True,
        ),
        Column("name", "姓名", (), cell_name, required=True),
        Column("id_number", "身份证号码", (), cell_code, required=True),
        Column("ethnicity", "民族", (), _ethnicity),
        Column(
            "student_level", "学生类别", (), _choice(StudentLevel.choices, "研究生、本科生或专科生")
        ),
        Column("own_code", "本方党组织代码", (), cell_code, required=True),
        Column("letter_number", "介绍信编号", (), cell_code),
        Column("letter_date", "开具日期", (), read_plain_date, required=True),
        Column("counterpart_code", "对方党组织代码", (), cell_code),
        Column("counterpart_name", "对方党组织名称"),
        Column(
            "scope",
            "省内/省外",
            (),
            _choice(ProvinceScope.choices, "“省内”或“省外”"),
            required=True,
        ),
        Column(
            "permanence",
            "转出性质",
            (),
            _choice(TransferPermanence.choices, "“永久转出”或“临时转出”"),
        ),
        Column("validity", "有效期（天）", (), _validity),
        Column("receipt_date", "回执日期", (), read_plain_date),
    )
    max_rows = MAX_ROWS

    def __init__(self, *, scope_org: Organization, as_of: datetime.date, acting_user):
        self.scope_org = scope_org
        self.as_of = as_of
        self.acting_user = acting_user

    def authorize(self) -> None:
        authorize(
            self.acting_user, Perm.EDIT_MEMBERS, self.scope_org, what=f"“{self.scope_org.name}”"
        )

    def row_label(self, row: Row) -> str:
        return row.values.get("name") or "无姓名"

    def job_params(self) -> dict:
        return {"as_of": self.as_of.isoformat()}

    @classmethod
    def from_job(cls, job) -> TransfersImport:
        return cls(
            scope_org=job.organization,
            acting_user=job.created_by,
            as_of=datetime.date.fromisoformat(job.params["as_of"]),
        )

    def done_message(self, result: ImportResult) -> str:
        return (
            f"已导入 {result.transfers} 封介绍信（其中未收到回执 {result.open_transfers} 封），"
            f"新登记 {result.new_members} 名党员"
        )

    def prepare(self, plan: Plan, rows: list[Row]) -> None:
        codes = {row.values.get(key) for row in rows for key in ("own_code", "counterpart_code")}
        self.orgs = {o.code: o for o in Organization.objects.filter(code__in=codes - {"", None})}
        self.seen: dict[tuple, int] = {}

    def check_row(self, row: Row) -> Letter | None:
        values = row.values
        for key in ("direction", "name", "id_number", "own_code", "letter_date", "scope"):
            if key in values and values[key] in ("", None):
                row.refuse(key, "不能为空")
        info = None
        if values.get("id_number"):
            try:
                info = parse_id_number(values["id_number"])
            except IdNumberError as exc:
                row.refuse("id_number", str(exc))
        own = self.orgs.get(values.get("own_code"))
        if values.get("own_code") and (
            own is None or not is_in_subtree(own.path, self.scope_org.path)
        ):
            row.refuse("own_code", "不是您管理范围内的党组织")
        counterpart = None
        if values.get("counterpart_code"):
            counterpart = self.orgs.get(values["counterpart_code"])
            if counterpart is None:
                row.refuse(
                    "counterpart_code", f"本系统内没有代码为 {values['counterpart_code']} 的党组织"
                )
        counterpart_name = values.get("counterpart_name") or (
            counterpart.name if counterpart else ""
        )
        if not counterpart_name:
            row.refuse("counterpart_name", "“对方党组织名称”和“对方党组织代码”至少填写一项")
        letter_date, receipt_date = values.get("letter_date"), values.get("receipt_date")
        if letter_date and letter_date > self.as_of:
            row.refuse("letter_date", "不能晚于今天")
        if receipt_date and letter_date and receipt_date < letter_date:
            row.refuse("receipt_date", "“回执日期”不能早于“开具日期”")
        if receipt_date and receipt_date > self.as_of:
            row.refuse("receipt_date", "不能晚于今天")
        direction = values.get("direction")
        unreadable = {key for key in row.cells if key not in values}
        if (
            direction == TransferDirection.OUT
            and not values.get("permanence")
            and "permanence" not in unreadable
        ):
            row.refuse("permanence", "转出的“转出性质”不能为空（永久转出或临时转出）")
        if info and letter_date and direction:
            key = (info.number, direction, letter_date)
            if key in self.seen:
                row.refuse(
                    "id_number", f"与第{self.seen[key]}行重复（同一人、同一方向、同一开具日期）"
                )
            self.seen.setdefault(key, row.number)
        if row.refused:
            return None
        scope = values["scope"]
        level = values.get("student_level", "")
        return Letter(
            row=row.number,
            name=values["name"],
            info=info,
            direction=direction,
            own=own,
            counterpart=counterpart,
            counterpart_name=counterpart_name,
            letter_number=values.get("letter_number", ""),
            letter_date=letter_date,
            receipt_date=receipt_date,
            scope=scope,
            permanence=values.get("permanence", ""),
            ethnicity=values.get("ethnicity", Ethnicity.HAN),
            level=level,
            validity=values.get("validity") or conf.validity_days(scope),
        )

    def check_rows(self, plan: Plan) -> None:
        """Against what is stored already, and one open letter out per person."""
        letters = [item for _, item in plan.accepted]
        numbers = {p.info.number for p in letters}
        members = {
            m.id_number: m
            for m in Member.objects.filter(id_number__in=numbers).select_related("organization")
        }
        existing = set(
            Transfer.objects.filter(member__id_number__in=numbers).values_list(
                "member__id_number", "direction", "letter_date"
            )
        )
        open_out: dict[str, int] = {}
        for p in letters:
            number = p.info.number
            member = p.member = members.get(number)
            if member is not None:
                if not is_in_subtree(member.org_path, self.scope_org.path):
                    plan.refuse_row(
                        p.row,
                        "id_number",
                        f"身份证号码 {number} 已在其他单位“{member.organization.name}”"
                        "登记，不在您的管理范围内",
                        number,
                        label=p.name,
                    )
                elif member.name != p.name:
                    plan.refuse_row(
                        p.row,
                        "id_number",
                        f"身份证号码 {number} 已登记为“{member.name}”，与姓名“{p.name}”不符",
                        number,
                        label=p.name,
                    )
            if (number, p.direction, p.letter_date) in existing:
                plan.refuse_row(
                    p.row,
                    "letter_date",
                    "这封介绍信已经登记过（同一人、同一方向、同一开具日期）",
                    label=p.name,
                )
            if p.direction == TransferDirection.OUT and not p.receipt_date:
                if number in open_out:
                    plan.refuse_row(
                        p.row,
                        "receipt_date",
                        f"同一人只能有一封未收到回执的转出介绍信（另见第{open_out[number]}行）",
                        label=p.name,
                    )
                open_out.setdefault(number, p.row)

    def describe(self, item: Letter) -> str:
        state = f"{item.receipt_date:%Y年%-m月%-d日}回执" if item.receipt_date else "未收到回执"
        return (
            f"{item.name}　{TransferDirection(item.direction).label}　"
            f"{item.letter_date:%Y年%-m月%-d日}开具　{item.counterpart_name}　{state}"
        )

    def write(self, items: list[Letter], progress) -> ImportResult:
        result = ImportResult()
        created_members: dict[str, Member] = {}
        with suspended():
            for done, p in enumerate(sorted(items, key=lambda p: p.letter_date), start=1):
                self._write_one(p, result, created_members)
                if done % 1000 == 0:
                    progress("write", done, len(items))
        audit_record(
            acting_user=self.acting_user,
            action="import",
            obj=self.scope_org,
            note=f"导入历史组织关系转接：{result.transfers} 封介绍信，"
            f"新登记 {result.new_members} 名党员",
            changes={"介绍信": ["", result.transfers], "新登记党员": ["", result.new_members]},
        )
        return result

    def _write_one(self, p: Letter, result: ImportResult, created_members: dict) -> None:
        number = p.info.number
        member = p.member or created_members.get(number)
        if member is None:
            out_done = p.direction == TransferDirection.OUT and p.receipt_date
            member = Member(
                organization=p.own,
                name=p.name,
                gender=p.info.gender,
                birth_date=p.info.birth_date,
                id_number=number,
                ethnicity=p.ethnicity,
                student_level=p.level,
                person_category=PersonCategory.STUDENT if p.level else "",
                status=MemberStatus.TRANSFERRED_OUT if out_done else MemberStatus.ACTIVE,
                status_date=p.receipt_date if out_done else None,
                branch_entry_date=p.receipt_date or p.letter_date
                if p.direction == TransferDirection.IN
                else None,
            )
            member.save()
            created_members[number] = member
            result.new_members += 1
        Transfer.objects.create(
            direction=p.direction,
            organization=p.own,
            member=member,
            letter_number=p.letter_number,
            letter_date=p.letter_date,
            counterpart_org=p.counterpart,
            counterpart_name=p.counterpart_name,
            province_scope=p.scope,
            permanence=p.permanence,
            validity_days=p.validity,
            receipt_due=receipt_due_for(p.letter_date, p.validity),
            state=TransferState.RECEIPTED if p.receipt_date else TransferState.OPEN,
            receipt_date=p.receipt_date,
            remarks="历史介绍信导入",
            created_by=self.acting_user if getattr(self.acting_user, "pk", None) else None,
        )
        result.transfers += 1
        result.open_transfers += not p.receipt_date


COLUMNS = tuple(c.title for c in TransfersImport.columns)
REQUIRED = tuple(c.title for c in TransfersImport.columns if c.required)


def check_transfers(file, *, scope_org: Organization, as_of: datetime.date, acting_user) -> Plan:
    """The dry run: what would be registered and every row's error."""
    content, name = upload_content(file)
    return check_file(
        TransfersImport(scope_org=scope_org, as_of=as_of, acting_user=acting_user),
        content=content,
        filename=name,
    )


@service
def transfers_import(
    *, file, scope_org: Organization, as_of: datetime.date, acting_user
) -> ImportResult:
    """Write every letter of the sheet, or none (ImportRejected with every row's error)."""
    content, name = upload_content(file)
    declaration = TransfersImport(scope_org=scope_org, as_of=as_of, acting_user=acting_user)
    return import_commit(declaration, content=content, filename=name).result
