"""Import historical transfers (since 2007) from an Excel sheet: all rows or none.

The first sheet's title row (the first, or below a title) holds the column titles of
`COLUMNS` in any order; each later row is one letter. Every row is checked first and every error is reported with its row number;
only a file without errors is written, in one transaction, with one summary audit entry.
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
from paicha.core.dates import LooseDateError, parse_cell_date
from paicha.core.importing import (
    ImportRejected,
    cell_code,
    cell_name,
    cell_text,
    read_titled,
)
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

COLUMNS = ("方向", "姓名", "身份证号码", "民族", "学生类别", "本方党组织代码", "介绍信编号",
           "开具日期", "对方党组织代码", "对方党组织名称", "省内/省外", "转出性质", "有效期（天）",
           "回执日期")
REQUIRED = ("方向", "姓名", "身份证号码", "本方党组织代码", "开具日期", "省内/省外")
MAX_ROWS = 50_000


@dataclass
class ImportResult:
    transfers: int = 0
    new_members: int = 0
    open_transfers: int = 0
    notes: list[str] = field(default_factory=list)


# Codes and numbers are read half-width and without spaces; names as names; the rest as text.
_CODE_TITLES = {"身份证号码", "本方党组织代码", "对方党组织代码", "介绍信编号", "有效期（天）"}


def read_sheet(file) -> list[tuple[int, dict]]:
    """[(row number as the spreadsheet shows it, {title: raw cell})] under the title row."""
    return read_titled(file, COLUMNS, required=REQUIRED, max_rows=MAX_ROWS)


def _text(value, title: str = "") -> str:
    if title in _CODE_TITLES:
        return cell_code(value)
    if title == "姓名":
        return cell_name(value)
    return cell_text(value)


def _by_label(choices, text: str):
    for value, label in choices:
        if text in (label, value):
            return value
    return None


def parse_rows(body: list[tuple[int, dict]], *, scope_org: Organization,
               as_of: datetime.date):
    """Check every row; return the prepared records or raise ImportRejected with every error."""
    code_titles = [t for t in ("本方党组织代码", "对方党组织代码")]
    codes = {_text(cells.get(t), t) for _, cells in body for t in code_titles}
    orgs = {o.code: o for o in Organization.objects.filter(code__in=codes - {""})}
    errors: list[str] = []
    prepared = []
    seen = {}
    for offset, raw in body:
        cell = {t: _text(v, t) for t, v in raw.items()}
        problems = []

        def need(title):
            if not cell.get(title):
                problems.append(f"“{title}”不能为空")
            return cell.get(title, "")

        direction = _by_label(TransferDirection.choices, need("方向"))
        if cell.get("方向") and direction is None:
            problems.append(f"“方向”应为“转出”或“转入”，而不是“{cell['方向']}”")
        name = need("姓名")
        info = None
        if cell.get("身份证号码"):
            try:
                info = parse_id_number(cell["身份证号码"])
            except IdNumberError as exc:
                problems.append(str(exc))
        else:
            need("身份证号码")
        own = orgs.get(need("本方党组织代码"))
        if cell.get("本方党组织代码") and (own is None or not is_in_subtree(own.path, scope_org.path)):
            problems.append(f"“本方党组织代码”{cell['本方党组织代码']} 不是您管理范围内的党组织")
            own = None
        counterpart = None
        if cell.get("对方党组织代码"):
            counterpart = orgs.get(cell["对方党组织代码"])
            if counterpart is None:
                problems.append(f"本系统内没有代码为 {cell['对方党组织代码']} 的党组织")
        counterpart_name = cell.get("对方党组织名称") or (counterpart.name if counterpart else "")
        if not counterpart_name:
            problems.append("“对方党组织名称”和“对方党组织代码”至少填写一项")
        dates = {}
        for title in ("开具日期", "回执日期"):
            try:
                read = parse_cell_date(raw.get(title))
                dates[title] = read[0] if read else None
            except LooseDateError as exc:
                problems.append(f"“{title}”{exc}")
        letter_date, receipt_date = dates.get("开具日期"), dates.get("回执日期")
        if cell.get("开具日期") == "" and "开具日期" in raw:
            need("开具日期")
        if letter_date and letter_date > as_of:
            problems.append("“开具日期”不能晚于今天")
        if receipt_date and letter_date and receipt_date < letter_date:
            problems.append("“回执日期”不能早于“开具日期”")
        if receipt_date and receipt_date > as_of:
            problems.append("“回执日期”不能晚于今天")
        scope = _by_label(ProvinceScope.choices, need("省内/省外"))
        if cell.get("省内/省外") and scope is None:
            problems.append(f"“省内/省外”应为“省内”或“省外”，而不是“{cell['省内/省外']}”")
        permanence = ""
        if cell.get("转出性质"):
            permanence = _by_label(TransferPermanence.choices, cell["转出性质"])
            if permanence is None:
                problems.append(f"“转出性质”应为“永久转出”或“临时转出”，而不是“{cell['转出性质']}”")
        elif direction == TransferDirection.OUT:
            problems.append("转出的“转出性质”不能为空（永久转出或临时转出）")
        ethnicity = Ethnicity.HAN
        if cell.get("民族"):
            ethnicity = _by_label(Ethnicity.choices, cell["民族"])
            if ethnicity is None:
                problems.append(f"“民族”{cell['民族']} 不是 GB 3304 的民族名称")
        level = ""
        if cell.get("学生类别"):
            level = _by_label(StudentLevel.choices, cell["学生类别"])
            if level is None:
                problems.append(f"“学生类别”应为研究生、本科生或专科生，而不是“{cell['学生类别']}”")
        validity = None
        if cell.get("有效期（天）"):
            try:
                validity = int(float(cell["有效期（天）"]))
            except ValueError:
                validity = 0
            if not 1 <= validity <= conf.validity_max_days():
                problems.append(f"“有效期（天）”应为 1 到 {conf.validity_max_days()} 之间的整数")
        if info and letter_date and direction:
            key = (info.number, direction, letter_date)
            if key in seen:
                problems.append(f"与第{seen[key]}行重复（同一人、同一方向、同一开具日期）")
            seen.setdefault(key, offset)
        if problems:
            errors.append(f"第{offset}行（{name or '无姓名'}）：" + "；".join(problems))
            continue
        prepared.append({
            "row": offset, "name": name, "info": info, "direction": direction, "own": own,
            "counterpart": counterpart, "counterpart_name": counterpart_name,
            "letter_number": cell.get("介绍信编号", ""), "letter_date": letter_date,
            "receipt_date": receipt_date, "scope": scope, "permanence": permanence or "",
            "ethnicity": ethnicity, "level": level,
            "validity": validity or conf.validity_days(scope),
        })

    # Checks against what is stored already.
    numbers = {p["info"].number for p in prepared}
    members = {m.id_number: m for m in Member.objects.filter(id_number__in=numbers)
               .select_related("organization")}
    existing = set(Transfer.objects.filter(member__id_number__in=numbers)
                   .values_list("member__id_number", "direction", "letter_date"))
    for p in prepared:
        number = p["info"].number
        member = members.get(number)
        problems = []
        if member is not None:
            if not is_in_subtree(member.org_path, scope_org.path):
                problems.append(f"身份证号码 {number} 已在其他单位“{member.organization.name}”登记，"
                                "不在您的管理范围内")
            elif member.name != p["name"]:
                problems.append(f"身份证号码 {number} 已登记为“{member.name}”，与姓名“{p['name']}”不符")
        if (number, p["direction"], p["letter_date"]) in existing:
            problems.append("这封介绍信已经登记过（同一人、同一方向、同一开具日期）")
        if problems:
            errors.append(f"第{p['row']}行（{p['name']}）：" + "；".join(problems))
        p["member"] = member
    open_out = {}
    for p in prepared:
        if p["direction"] == TransferDirection.OUT and not p["receipt_date"]:
            number = p["info"].number
            if number in open_out:
                errors.append(f"第{p['row']}行（{p['name']}）：同一人只能有一封未收到回执的转出介绍信"
                              f"（另见第{open_out[number]}行）")
            open_out[number] = p["row"]
    if errors:
        raise ImportRejected(errors)
    return prepared


@service
def transfers_import(*, file, scope_org: Organization, as_of: datetime.date,
                     acting_user) -> ImportResult:
    authorize(acting_user, Perm.EDIT_MEMBERS, scope_org, what=f"“{scope_org.name}”")
    prepared = parse_rows(read_sheet(file), scope_org=scope_org, as_of=as_of)
    result = ImportResult()
    created_members: dict[str, Member] = {}
    with suspended():
        for p in sorted(prepared, key=lambda p: p["letter_date"]):
            number = p["info"].number
            member = p["member"] or created_members.get(number)
            if member is None:
                out_done = p["direction"] == TransferDirection.OUT and p["receipt_date"]
                member = Member(
                    organization=p["own"], name=p["name"], gender=p["info"].gender,
                    birth_date=p["info"].birth_date, id_number=number, ethnicity=p["ethnicity"],
                    student_level=p["level"],
                    person_category=PersonCategory.STUDENT if p["level"] else "",
                    status=MemberStatus.TRANSFERRED_OUT if out_done else MemberStatus.ACTIVE,
                    status_date=p["receipt_date"] if out_done else None,
                    branch_entry_date=p["receipt_date"] or p["letter_date"]
                    if p["direction"] == TransferDirection.IN else None,
                )
                member.save()
                created_members[number] = member
                result.new_members += 1
            Transfer.objects.create(
                direction=p["direction"], organization=p["own"], member=member,
                letter_number=p["letter_number"], letter_date=p["letter_date"],
                counterpart_org=p["counterpart"], counterpart_name=p["counterpart_name"],
                province_scope=p["scope"], permanence=p["permanence"],
                validity_days=p["validity"],
                receipt_due=receipt_due_for(p["letter_date"], p["validity"]),
                state=TransferState.RECEIPTED if p["receipt_date"] else TransferState.OPEN,
                receipt_date=p["receipt_date"], remarks="历史介绍信导入",
                created_by=acting_user if getattr(acting_user, "pk", None) else None,
            )
            result.transfers += 1
            result.open_transfers += not p["receipt_date"]
    audit_record(acting_user=acting_user, action="import", obj=scope_org,
                 note=f"导入历史组织关系转接：{result.transfers} 封介绍信，新登记 {result.new_members} 名党员",
                 changes={"介绍信": ["", result.transfers], "新登记党员": ["", result.new_members]})
    return result
