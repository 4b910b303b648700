"""Roster import (支部党员名册 and further registry columns) from .xlsx/.xls/.ods/.csv: a
declaration on core.importing.cycle (`RosterImport`), like every other import.

The cycle reads the file (`core.importing.read_table`, hostile files refused first), finds the
header and reads every cell through its column's reader; this module says what is the
roster's own:

- its columns, in any order and spelling ("姓 名", "出生\\n年月"), and the header it needs (a
  转正时间 or 党员类型 column to tell full from probationary members);
- its row rules, the same as the edit form's (`validators.py`): the ID number's facts, 出生年月
  and 性别 against it, duplicates within the file, 联系电话 to 手机号码 or 其他联系方式, a
  所在党组织代码 under the target;
- its checks against stored members: an ID registered outside the target is 一人两籍 (both
  branches named), one in the target is an update (a blank cell keeps what is stored), never
  a move to another branch; notes and warnings on the plan (no 民族 column, no evidence yet);
- its writes: new members streamed into the table while the next rows are checked
  (core.bulk.BackgroundInsert: COPY / executemany on a second thread), then the stored members
  whose values the file changes (`core.bulk.bulk_update_rows`; those it leaves as they are
  are not written), and one audit entry with the counts.

`plan_import` is the dry run, `import_commit` the write (all or nothing); both keep the
signatures the pages, the jobs and `paicha import-members` call.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError
from django.utils import timezone

from paicha.audit.context import suspended
from paicha.audit.models import AuditAction
from paicha.audit.services import audit_record
from paicha.codes import (
    Education,
    Ethnicity,
    Gender,
    MaritalStatus,
    MemberSector,
    MemberType,
    PersonCategory,
    StudentLevel,
)
from paicha.core import importing as core_importing
from paicha.core.bulk import BackgroundInsert, batched, bulk_update_rows, existing_values
from paicha.core.dates import format_cn_date
from paicha.core.importing import (
    Header,
    ImportFileError,
    Limits,
    cell_name,
    cell_text,
    cycle,
    is_blank,
    title_key,
)
from paicha.core.importing import (
    find_header as find_columns,
)
from paicha.core.importing import (
    read_table as read_file,
)
from paicha.core.importing.cycle import Importer, Plan
from paicha.core.importing.readers import (
    CellError,
    choice_lookup,
    coded,
    limited,
    read_date,
    read_flag,
    read_money,
    read_plain_date,
)
from paicha.core.importing.reading import SUPPORTED_EXTENSIONS
from paicha.core.pinyin import initials
from paicha.organizations.models import Organization
from paicha.organizations.permissions import Perm
from paicha.organizations.scope import can_reach, require, scope_path
from paicha.organizations.tree import is_in_subtree

from .idcard import IdNumberError, normalize_id_number, parse_id_number
from .models import ROW_FIELDS, Member
from .selectors import duplicate_message
from .signals import members_changed_in_bulk
from .validators import HOUSEHOLD_REGISTER_MAX, MOBILE_RE, normalize_mobile, rule_errors

HEADER_SEARCH_ROWS = 30
PREVIEW_ROWS = cycle.PREVIEW_ROWS  # rows to create or update listed on the check and result pages
__all__ = ["SUPPORTED_EXTENSIONS", "ImportFileError"]


# ---- Reading cells ---------------------------------------------------------------------------

_text = cell_text
_is_blank = is_blank


read_text = _text


def read_name(value) -> str:
    text = cell_name(value)
    if len(text) > 30:
        raise CellError("姓名不超过30个字")
    return text


_key = title_key


_GENDERS = choice_lookup(Gender.choices, {"男性": "M", "女性": "F"})
_ETHNICITIES = choice_lookup(
    Ethnicity.choices,
    {
        **{
            label.removesuffix("族"): value
            for value, label in Ethnicity.choices
            if label.endswith("族")
        },
        **{str(int(value)): value for value, _ in Ethnicity.choices},
        "德昂族": Ethnicity.DEANG,
        "崩龙族": Ethnicity.DEANG,
        "毛难族": Ethnicity.MAONAN,
    },
)
_EDUCATIONS = choice_lookup(
    Education.choices,
    {
        "博士": Education.POSTGRADUATE,
        "硕士": Education.POSTGRADUATE,
        "博士研究生": Education.POSTGRADUATE,
        "硕士研究生": Education.POSTGRADUATE,
        "研究生（博士）": Education.POSTGRADUATE,
        "研究生（硕士）": Education.POSTGRADUATE,
        "本科": Education.BACHELOR,
        "大学": Education.BACHELOR,
        "专科": Education.JUNIOR_COLLEGE,
        "大专": Education.JUNIOR_COLLEGE,
        "中等专科": Education.SECONDARY_VOCATIONAL,
        "中师": Education.SECONDARY_VOCATIONAL,
        "高中": Education.HIGH_SCHOOL,
        "中技": Education.HIGH_SCHOOL,
        "职高": Education.HIGH_SCHOOL,
        "技校": Education.HIGH_SCHOOL,
        "初中": Education.JUNIOR_HIGH_OR_BELOW,
        "小学": Education.JUNIOR_HIGH_OR_BELOW,
        "文盲": Education.JUNIOR_HIGH_OR_BELOW,
    },
)
_MEMBER_TYPES = choice_lookup(
    MemberType.choices, {"正式": MemberType.FULL, "预备": MemberType.PROBATIONARY}
)
_MARITAL = choice_lookup(MaritalStatus.choices)
_SECTORS = choice_lookup(MemberSector.choices)
_CATEGORIES = choice_lookup(
    PersonCategory.choices, {"教工": PersonCategory.STAFF, "教师": PersonCategory.STAFF}
)
_STUDENT_LEVELS = choice_lookup(
    StudentLevel.choices,
    {
        "硕士研究生": StudentLevel.POSTGRADUATE,
        "博士研究生": StudentLevel.POSTGRADUATE,
        "本科": StudentLevel.UNDERGRADUATE,
        "专科": StudentLevel.JUNIOR_COLLEGE,
    },
)


def read_id_number(value) -> str:
    """Normalized only: `_row_rules` validates it (once, as it needs the parsed facts too)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # Excel keeps 15 significant digits: the last ones of an 18-digit number are lost.
        raise CellError("身份证号码被存成了数字，末几位已经丢失；请把该列设为“文本”后重新填写")
    return normalize_id_number(value if isinstance(value, str) else _text(value))


def read_mobile(value) -> str:
    text = normalize_mobile(_text(value))
    if text and not MOBILE_RE.fullmatch(text):
        raise CellError("手机号码应为以1开头的11位数字")
    return text


# ---- Columns ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column(cycle.Column):
    """A roster column: `key` a Member field or a pseudo key (seq, phone, org_code)."""

    in_template_roster: bool = False  # one of the seed's 《支部党员名册》 columns


def _f(name):
    return Member._meta.get_field(name)


def _text_col(key, title, aliases=()):
    return Column(key, title, aliases, limited(_f(key).max_length, title))


COLUMNS: tuple[Column, ...] = (
    # 《支部党员名册》 (seed 002), in its order.
    Column("seq", "序号", ("编号",), read_text, in_template_roster=True),
    Column("name", "姓 名", ("姓名", "党员姓名"), read_name, in_template_roster=True),
    Column("gender", "性别", (), coded(_GENDERS, "性别", "男或女"), in_template_roster=True),
    Column(
        "ethnicity",
        "民族",
        (),
        coded(_ETHNICITIES, "民族", "如“汉族”“苗族”"),
        in_template_roster=True,
    ),
    Column("native_place", "籍贯", (), limited(60, "籍贯"), in_template_roster=True),
    Column(
        "birth_date",
        "出生年月",
        ("出生日期", "出生年月日", "出生时间"),
        read_date,
        in_template_roster=True,
    ),
    Column(
        "education",
        "学历",
        ("文化程度", "最高学历"),
        coded(_EDUCATIONS, "学历", "研究生、大学本科、大学专科、中专、高中、中技、初中及以下"),
        in_template_roster=True,
    ),
    Column(
        "id_number",
        "身份证号码",
        ("身份证号", "公民身份号码", "身份证"),
        read_id_number,
        in_template_roster=True,
    ),
    Column(
        "join_date", "入党时间", ("入党日期", "入党年月"), read_plain_date, in_template_roster=True
    ),
    Column(
        "full_date", "转正时间", ("转正日期", "转正年月"), read_plain_date, in_template_roster=True
    ),
    Column(
        "work_unit",
        "工作单位",
        ("工作单位及职务（职称）", "工作单位及职务", "单位"),
        limited(200, "工作单位"),
        in_template_roster=True,
    ),
    Column("phone", "联系电话", ("电话", "联系方式"), read_text, in_template_roster=True),
    Column("remarks", "备注", (), read_text, in_template_roster=True),
    # Further fields of the 登记表, optional.
    Column(
        "member_type",
        "党员类型",
        ("正式/预备", "党员身份"),
        coded(_MEMBER_TYPES, "党员类型", "正式党员或预备党员"),
    ),
    Column("mobile", "手机号码", ("手机", "手机号"), read_mobile),
    _text_col("other_contacts", "其他联系方式"),
    Column(
        "household_register",
        "户籍所在地",
        ("户籍地", "户口所在地"),
        limited(HOUSEHOLD_REGISTER_MAX, "户籍所在地"),
    ),
    _text_col("residence", "实际居住地址", ("现居住地址", "居住地址", "家庭住址")),
    Column("marital_status", "婚姻状况", (), coded(_MARITAL, "婚姻状况", "未婚、已婚、离婚或复婚")),
    _text_col("school", "毕业院校"),
    _text_col("degree", "学位"),
    Column("work_start_date", "参加工作时间", ("参加工作日期",), read_plain_date),
    _text_col("join_org_name", "入党时所在党组织", ("入党时所在支部",)),
    Column("branch_entry_date", "进入支部日期", ("进入支部时间",), read_plain_date),
    _text_col("party_post", "党内职务"),
    _text_col("former_party_post", "曾任党内职务"),
    Column("monthly_dues", "每月党费交纳数额", ("每月党费", "月交党费", "党费（元）"), read_money),
    Column(
        "sector",
        "所在领域",
        ("党员所在领域",),
        coded(
            _SECTORS,
            "所在领域",
            "农村、社区、机关、事业单位、国有企业、非公有制企业、社会组织或其他",
        ),
    ),
    Column(
        "person_category",
        "人员类别",
        ("教职工/学生",),
        coded(_CATEGORIES, "人员类别", "教职工、学生或其他"),
    ),
    Column(
        "student_level",
        "学生类别",
        ("学生层次",),
        coded(_STUDENT_LEVELS, "学生类别", "研究生、本科生或专科生"),
    ),
    Column("in_hardship", "生活困难党员", (), read_flag),
    Column("retired", "离退休党员", (), read_flag),
    Column("flowing", "流动党员", (), read_flag),
    _text_col("flow_destination", "流入地（单位）", ("流入地",)),
    Column("employed_reported", "在职党员", (), read_flag),
    _text_col("reported_community", "报到社区"),
    Column("pocket", "“口袋”党员", ("口袋党员",), read_flag),
    Column("religious", "参教信教党员", (), read_flag),
    Column("org_code", "所在党组织代码", ("支部代码", "党组织代码"), read_text),
    # Evidence of contact the branch kept before the system (SPEC §4).
    Column(
        "declared_last_org_life",
        "最近一次参加组织生活时间",
        (
            "最近参加组织生活时间",
            "最近一次组织生活时间",
            "最近组织生活时间",
            "最后一次参加组织生活时间",
        ),
        read_plain_date,
    ),
    Column(
        "declared_last_dues",
        "最近一次交纳党费时间",
        ("最近交纳党费时间", "最近一次缴纳党费时间", "最近交党费时间", "最后一次交纳党费时间"),
        read_plain_date,
    ),
)
EVIDENCE_KEYS = ("declared_last_org_life", "declared_last_dues")
ROSTER_COLUMNS = tuple(c for c in COLUMNS if c.in_template_roster)
_REQUIRED_COLUMNS = ("name", "id_number", "join_date")
# Fields that an update may change (a blank cell keeps what is stored).
_UPDATABLE = tuple(c.key for c in COLUMNS if c.key not in ("seq", "phone", "org_code", "id_number"))


# ---- Reading the file ------------------------------------------------------------------------


def read_table(content: bytes, filename: str) -> list[list]:
    """All rows of the first sheet as lists of cell values ('' for blank), merged header cells
    filled (core.importing.read_table, which refuses hostile files first)."""
    return read_file(content, filename).rows


def find_header(rows: list[list]):
    header = find_columns(rows, COLUMNS, required=_REQUIRED_COLUMNS, search_rows=HEADER_SEARCH_ROWS)
    if "full_date" not in header.columns and "member_type" not in header.columns:
        raise ImportFileError("表头中应有“转正时间”或“党员类型”列，用以区分正式党员和预备党员")
    return header


# ---- Planning --------------------------------------------------------------------------------


@dataclass(slots=True)
class PlannedRow:
    row: int
    values: dict
    organization: Organization
    member: Member | None = None  # set for an update
    unchanged: bool = False  # an update whose stored values already are the file's

    @property
    def name(self) -> str:
        return self.values.get("name") or (self.member.name if self.member else "")


@dataclass
class ImportPlan(Plan):
    """The roster's plan: each accepted row a PlannedRow, to create or, for an ID already
    registered in the target, to update. In a commit, which writes the creates as it checks,
    only the first PREVIEW_ROWS creates are kept (the result page lists those)."""

    fields_filled: frozenset[str] = frozenset()  # Member fields the file's columns fill
    # The updates whose stored values already are the file's (a commit does not write them).
    unchanged_count: int = 0

    @property
    def organization(self) -> Organization:
        return self.importer.organization

    @property
    def creates(self) -> list[PlannedRow]:
        return [planned for _, planned in self.accepted if planned.member is None]

    @property
    def updates(self) -> list[PlannedRow]:
        return [planned for _, planned in self.accepted if planned.member is not None]

    @property
    def create_count(self) -> int:
        return self.accepted_count - len(self.updates)

    def summary(self) -> dict:
        updates = len(self.updates)
        return {
            "file": self.filename,
            "organization": self.organization.name,
            "rows": self.rows_read,
            "create": self.accepted_count - updates,
            "update": updates - self.unchanged_count,
            "unchanged": self.unchanged_count,
            "errors": self.error_count,
            "rows_with_errors": self.rows_with_errors,
            "notes": self.notes,
            "warnings": self.warnings,
        }


Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


def _target(user, organization: Organization) -> None:
    require(user, Perm.EDIT_MEMBERS)
    if not can_reach(user, organization):
        raise ImportFileError(f"“{organization.name}”不在您的管理范围内")
    if not organization.is_active:
        raise ImportFileError(f"“{organization.name}”已合并或撤销，不能导入党员")


@dataclass
class _Known:
    """What the checks need from the database, fetched before the first row is checked: in a
    commit the rows are written while the checks go on, and the writer holds the connection."""

    members: dict[str, Member]  # stored members holding an ID number of the file
    orgs_by_code: dict[str, Organization | None]  # None: no such organization in the target
    scope: str  # the acting user's subtree


def _has_evidence_records(organization: Organization) -> bool:
    """Whether the organization's subtree has any 组织生活 or 党费 record (evidence registers
    its models with the app registry; looked up by name, members does not import evidence)."""
    from django.apps import apps

    return any(
        apps.get_model("evidence", name).objects.in_subtree(organization).exists()
        for name in ("OrgLifeMeeting", "DuesPayment")
    )


# What the checks of a stored member read; an update also loads the fields the file fills.
_KNOWN_FIELDS = (
    "id",
    "id_number",
    "organization_id",
    "org_path",
    "name",
    "birth_date",
    "gender",
    "join_date",
    "full_date",
    "member_type",
)


def _fetch_known(
    read: dict[str, list],
    organization: Organization,
    acting_user,
    fields_filled: frozenset[str] = frozenset(),
) -> _Known:
    """`read`: each column of the file as its reader returned it (None where unreadable).

    Stored members are loaded with only the fields the checks and the update need, and their
    few organizations once each (not one copy per member): re-importing 100,000 stored IDs
    stays small."""
    numbers = set(read["id_number"]) - {"", None}
    stored = sorted(existing_values(Member, "id_number", list(numbers)))
    members = {}
    only = sorted(set(_KNOWN_FIELDS) | (fields_filled & set(_UPDATABLE)))
    for chunk in batched(stored, 900):
        for member in Member.objects.filter(id_number__in=chunk).only(*only):
            members[member.id_number] = member
    orgs = Organization.objects.select_related("parent").in_bulk(
        {m.organization_id for m in members.values()}
    )
    for member in members.values():
        member.organization = orgs[member.organization_id]
    orgs_by_code: dict[str, Organization | None] = {organization.code: organization}
    if "org_code" in read:
        codes = set(read["org_code"]) - {"", None, organization.code}
        found = {
            org.code: org
            for org in Organization.objects.filter(code__in=codes, is_active=True).select_related(
                "parent"
            )
        }
        for code in codes:
            org = found.get(code)
            orgs_by_code[code] = (
                org if org is not None and is_in_subtree(org.path, organization.path) else None
            )
    if organization.parent_id:
        organization.parent  # noqa: B018 — loaded now: 一人两籍 messages name it
    return _Known(members=members, orgs_by_code=orgs_by_code, scope=scope_path(acting_user))


class RosterImport(Importer):
    """The roster as a declaration on core.importing.cycle: its columns, its row rules, its
    checks against stored members (一人两籍, an ID already in the target is an update), and its
    writes (new members streamed into the table while the next rows are checked, updates at the
    end)."""

    title = "党员信息"
    columns = COLUMNS
    max_rows = Limits.max_rows - 1000  # the file's limit, as for any spreadsheet read
    plan_class = ImportPlan
    no_rows_error = ""  # a roster with no row under its header is a plan with a note
    nothing_to_import = "文件中没有党员数据：表头下面没有可导入的行"

    def __init__(self, organization: Organization, acting_user):
        self.organization = organization
        self.acting_user = acting_user
        self.now = timezone.now()
        self.plan: ImportPlan | None = None
        self._stream: _Writer | None = None

    def authorize(self) -> None:
        _target(self.acting_user, self.organization)

    def find_header(self, table) -> Header:
        return find_header(table.rows)

    def is_data_row(self, header: Header, row: list) -> bool:
        name_blank = _is_blank(row[header.columns["name"]])
        id_blank = _is_blank(row[header.columns["id_number"]])
        if not (name_blank or id_blank):
            return True
        filled = [i for i, cell in enumerate(row) if not _is_blank(cell)]
        if not filled or filled == [header.columns.get("seq")]:
            return False  # blank row, or a numbered row of an unfilled template
        # A note or signature line under the table ("填表人：…") is not a row either.
        return not (name_blank and id_blank and len(filled) <= 1)

    def prepare(self, plan: ImportPlan, rows: list) -> None:
        header = plan.header
        self.plan = plan
        plan.fields_filled = _fields_filled(header)
        if "ethnicity" not in header.columns:
            plan.notes.append("文件中没有“民族”列：新增党员的民族按汉族登记")
        if not any(key in header.columns for key in EVIDENCE_KEYS) and not _has_evidence_records(
            self.organization
        ):
            plan.warnings.append(
                f"文件中没有“最近一次参加组织生活时间”“最近一次交纳党费时间”两列，"
                f"“{self.organization.name}”也还没有组织生活和党费记录：导入后，失联党员名单会把"
                f"这些党员标为“无记录待核实”，直到登记了组织生活或党费（或在名册中补上这两列重新"
                f"导入）；自建账日期起满6个月仍无记录的，会列为失联党员。"
            )
        read = {
            key: [row.values.get(key) for row in rows]
            for key in ("id_number", "org_code")
            if key in header.columns
        }
        self.known = _fetch_known(read, self.organization, self.acting_user, plan.fields_filled)
        self.seen_ids: dict[str, int] = {}

    def check_row(self, row) -> PlannedRow | None:
        plan = row.plan
        errors_before = plan.error_count
        _row_rules(
            plan,
            row.number,
            row.cell,
            row.values,
            plan.header,
            "full_date" in plan.header.columns,
            self.seen_ids,
            self.known.orgs_by_code,
        )
        if row.refused or plan.error_count != errors_before:
            return None
        return _plan_row(plan, row.number, row.values, plan.header, self.known)

    def check_rows(self, plan: ImportPlan) -> None:
        if plan.rows_read == 0:
            plan.notes.append("表头下面没有党员数据")

    def open_stream(self) -> _Writer:
        self._stream = _Writer(self)
        return self._stream

    def streams(self, item: PlannedRow) -> bool:
        return item.member is None  # new members; updates are written at the end

    def write(self, items: list[PlannedRow], progress: Progress) -> ImportResult:
        """The updates, once the new members are written; the evidence refresh of the members
        changed, and one audit entry with the counts."""
        plan = self.plan
        created = self._stream.written if self._stream is not None else 0
        with suspended():
            changed_ids = _write_updates(items, self.now, progress, created, plan.accepted_count)
            updated = len(changed_ids)
            plan.unchanged_count = len(items) - updated
            if changed_ids:
                members_changed_in_bulk.send(Member, member_ids=changed_ids)
            note = f"导入党员名册“{plan.filename}”：新增{created}人，更新{updated}人"
            changes = {
                "文件": ["", plan.filename],
                "新增": ["", created],
                "更新": ["", updated],
                "读取行数": ["", plan.rows_read],
            }
            if plan.unchanged_count:
                note += f"，{plan.unchanged_count}人与名册一致未改动"
                changes["未改动"] = ["", plan.unchanged_count]
            audit_record(
                acting_user=self.acting_user,
                action=AuditAction.IMPORT,
                obj=self.organization,
                note=note,
                changes=changes,
            )
        return ImportResult(
            created=created, updated=updated, plan=plan, unchanged=plan.unchanged_count
        )


def plan_import(
    *,
    content: bytes,
    filename: str,
    organization: Organization,
    acting_user,
    progress: Progress = _no_progress,
) -> ImportPlan:
    """Read and check the whole file; writes nothing (the dry run). A file that cannot be read
    raises ImportFileError."""
    return cycle.plan_import(
        RosterImport(organization, acting_user),
        content=content,
        filename=filename,
        progress=progress,
    )


def _title(header: Header, key: str) -> str:
    """The column's title as the file spells it, or as the template does if it is absent."""
    if key in header.columns:
        return header.titles[header.columns[key]]
    return _TEMPLATE_TITLES[key]


_TEMPLATE_TITLES = {c.key: c.title.replace(" ", "") for c in COLUMNS}


# What a column fills beyond its own field; 出生日期 and 性别 come from the ID number, and a
# 转正时间 column decides 党员类型 (see _row_rules).
_COLUMN_FILLS = {"seq": (), "org_code": (), "phone": ("mobile", "other_contacts")}


def _fields_filled(header: Header) -> frozenset[str]:
    filled = {"birth_date", "gender"}
    for key in header.columns:
        filled.update(_COLUMN_FILLS.get(key, (key,)))
    if "full_date" in header.columns:
        filled.add("member_type")
    return frozenset(filled)


def _row_rules(plan, number, cell, values, header, has_full_column, seen_ids, orgs_by_code):
    """`cell(key)`: the row's raw cell of a column."""

    id_number = values.get("id_number")
    info = None
    if id_number == "":
        plan.add_error(number, _title(header, "id_number"), "", "请填写身份证号码")
    elif id_number:
        try:
            info = parse_id_number(id_number)
        except IdNumberError as exc:
            plan.add_error(number, _title(header, "id_number"), cell("id_number"), str(exc))
        else:
            if id_number in seen_ids:
                plan.add_error(
                    number,
                    _title(header, "id_number"),
                    id_number,
                    f"与第{seen_ids[id_number]}行的身份证号码重复",
                )
            else:
                seen_ids[id_number] = number
    # 出生年月 and 性别 may be left blank: the ID number holds them.
    birth = values.pop("birth_date", None)
    if birth is not None and info is not None:
        birth_date, month_only = birth
        if (birth_date.year, birth_date.month) != (info.birth_date.year, info.birth_date.month) or (
            not month_only and birth_date != info.birth_date
        ):
            shown = (
                f"{birth_date.year}年{birth_date.month}月"
                if month_only
                else format_cn_date(birth_date)
            )
            plan.add_error(
                number,
                _title(header, "birth_date"),
                cell("birth_date"),
                f"出生日期{shown}与身份证号码中的出生日期{format_cn_date(info.birth_date)}不一致",
            )
    if info is not None:
        values["birth_date"] = info.birth_date
        if values.get("gender") and values["gender"] != info.gender:
            plan.add_error(
                number,
                _title(header, "gender"),
                cell("gender"),
                f"性别与身份证号码第17位不一致（该号码为{Gender(info.gender).label}性）",
            )
        values["gender"] = info.gender
    # 联系电话 of the 名册: a mobile number goes to 手机号码, anything else to 其他联系方式.
    phone = values.pop("phone", "")
    if phone:
        mobile = normalize_mobile(phone)
        if MOBILE_RE.fullmatch(mobile) and not values.get("mobile"):
            values["mobile"] = mobile
        elif not values.get("other_contacts"):
            values["other_contacts"] = phone[:200]
    if values.get("member_type") == "" or "member_type" not in values:
        values.pop("member_type", None)
        if has_full_column:
            values["member_type"] = (
                MemberType.FULL if values.get("full_date") else MemberType.PROBATIONARY
            )
    values.pop("seq", None)
    code = values.pop("org_code", "")
    if code:
        if orgs_by_code.get(code) is None:
            plan.add_error(
                number,
                _title(header, "org_code"),
                code,
                f"没有代码为 {code} 的党组织，或它不在“{plan.organization.name}”之下",
            )
        else:
            values["organization"] = orgs_by_code[code]


def _plan_row(
    plan: ImportPlan, number: int, values: dict, header: Header, known: _Known
) -> PlannedRow | None:
    """A create or an update, or None with the row's errors added.

    An ID registered outside the import's target (its branch, or its subtree) is 一人两籍,
    whoever imports: the rule does not depend on the acting user's scope, so the command line,
    acting for a whole tree, refuses it too. An update never moves a member to another branch:
    that is a transfer.
    """
    explicit_org = values.pop("organization", None)
    member = known.members.get(values["id_number"])
    if member is not None and not (
        is_in_subtree(member.org_path, plan.organization.path)
        and is_in_subtree(member.org_path, known.scope)
    ):
        plan.add_error(
            number,
            _title(header, "id_number"),
            values["id_number"],
            duplicate_message(
                values["id_number"],
                here=explicit_org or plan.organization,
                there=member.organization,
            ),
        )
        return None
    if (
        member is not None
        and explicit_org is not None
        and explicit_org.pk != member.organization_id
    ):
        plan.add_error(
            number,
            _title(header, "org_code"),
            explicit_org.code,
            f"身份证号码 {values['id_number']} 已在“{member.organization.name}”登记，"
            f"导入不能把党员转到“{explicit_org.name}”：请办理组织关系转接",
        )
        return None
    if member is None:
        merged = values
        missing = [k for k in ("name", "join_date") if not values.get(k)]
        if "ethnicity" in header.columns and not values.get("ethnicity"):
            missing.append("ethnicity")
    else:
        given = {k: v for k, v in values.items() if v not in ("", None)}
        merged = {
            k: getattr(member, k)
            for k in ("birth_date", "gender", "join_date", "full_date", "member_type")
        } | given
        if "member_type" not in header.columns and "full_date" not in given:
            merged["member_type"] = member.member_type  # a blank 转正时间 keeps the type
            given.pop("member_type", None)
        missing = []
    problems = {key: [f"请填写{_title(header, key).replace(' ', '')}"] for key in missing}
    for key, messages in rule_errors(
        id_number="",
        birth_date=merged.get("birth_date"),
        gender=merged.get("gender", ""),
        join_date=merged.get("join_date"),
        full_date=merged.get("full_date"),
        member_type=merged.get("member_type", ""),
    ).items():
        if key not in problems:
            problems[key] = messages
    join_date = merged.get("join_date")
    for key in EVIDENCE_KEYS:
        if (value := merged.get(key)) and join_date and value < join_date:
            problems.setdefault(key, []).append(
                f"{_title(header, key)}不能早于入党时间{format_cn_date(join_date)}"
            )
    if problems:
        for key, messages in problems.items():
            value = merged.get(key)
            shown = format_cn_date(value) if isinstance(value, datetime.date) else value
            for message in messages:
                plan.add_error(number, _title(header, key), shown or "", message)
        return None
    if member is None:
        return PlannedRow(number, values, explicit_org or plan.organization)
    unchanged = not changes_of(member, given)
    plan.unchanged_count += unchanged
    return PlannedRow(number, given, member.organization, member, unchanged)


# ---- Writing ---------------------------------------------------------------------------------


def insert_fields(filled: frozenset[str]) -> tuple[str, ...]:
    """The columns an import writes: ROW_FIELDS less those the table fills by itself (NULL or
    its DEFAULT) that no column of the file fills."""
    return tuple(
        name
        for name in ROW_FIELDS
        if name in filled or not (_f(name).null or _f(name).has_db_default())
    )


class MemberRows:
    """Builds the insert's rows (lists in the order of `fields`) from planned rows."""

    def __init__(self, fields: tuple[str, ...], now):
        self.fields = fields
        self._at = {name: index for index, name in enumerate(fields)}
        # Every value was read by a column reader or is absent (blank, or a derived field the
        # row does not set): absent takes the model default.
        self._defaults = [_f(name).get_default() for name in fields]
        self._org_at, self._path_at, self._initials_at, self._created_at, self._updated_at = (
            self._at[name]
            for name in ("organization", "org_path", "name_initials", "created_at", "updated_at")
        )
        self._now = now

    def __call__(self, planned: PlannedRow) -> list:
        row = self._defaults.copy()
        at = self._at
        for key, value in planned.values.items():
            row[at[key]] = value
        org = planned.organization
        row[self._org_at] = org.pk
        row[self._path_at] = org.path
        row[self._initials_at] = initials(planned.values["name"])
        row[self._created_at] = row[self._updated_at] = self._now
        return row


@dataclass
class ImportResult:
    created: int
    updated: int  # stored members the file changed
    plan: ImportPlan
    unchanged: int = 0  # stored members whose values already were the file's


def import_commit(
    *,
    content: bytes,
    filename: str,
    organization: Organization,
    acting_user,
    progress: Progress = _no_progress,
) -> ImportResult:
    """Check the file again and write it all, or nothing: raises ImportRejected on any error.

    One transaction (core.importing.cycle.import_commit): new rows go to the database while the
    later rows are still being checked (core.bulk.BackgroundInsert: COPY / executemany on a
    second thread), the stored members the file changes at the end (`_write_updates`); any
    error rolls everything back.
    """
    importer = RosterImport(organization, acting_user)
    try:
        plan = cycle.import_commit(importer, content=content, filename=filename, progress=progress)
    except core_importing.ImportRejected as exc:
        if exc.plan is None:  # the file as a whole could not be read
            raise ImportFileError(exc.errors[0]) from None
        raise ImportRejected(exc.plan) from None
    except IntegrityError as exc:
        # Someone registered one of these people between the check and the write.
        plan = importer.plan
        plan.add_error(0, "身份证号码", "", f"写入时发现冲突，未导入任何数据，请重新检查：{exc}")
        raise ImportRejected(plan) from None
    return plan.result


class _Writer:
    """The roster's stream: new rows into a BackgroundInsert of the columns the file fills,
    known once its header is read."""

    def __init__(self, importer: RosterImport):
        self._importer = importer
        self._rows: MemberRows | None = None
        self._insert: BackgroundInsert | None = None
        self.written = 0

    def add(self, planned: PlannedRow) -> None:
        if self._insert is None:
            self._rows = MemberRows(
                insert_fields(self._importer.plan.fields_filled), self._importer.now
            )
            self._insert = BackgroundInsert(Member, self._rows.fields)
        self._insert.add(self._rows(planned))

    def close(self) -> int:
        self.written = self._insert.close() if self._insert is not None else 0
        return self.written

    def abort(self) -> None:
        if self._insert is not None:
            self._insert.abort()


class ImportRejected(core_importing.ImportRejected):
    """The roster refused whole: `plan` holds every error by row and column."""

    def __init__(self, plan: ImportPlan):
        Exception.__init__(self, f"{plan.error_count} 处错误")
        self.plan = plan

    @property
    def errors(self) -> list[str]:
        return [str(error) for error in self.plan.errors]


def changes_of(member: Member, values: dict) -> dict:
    """The fields whose value in the file differs from the stored one (a blank cell keeps
    what is stored)."""
    return {
        key: value
        for key, value in values.items()
        if key in _UPDATABLE and value not in ("", None) and getattr(member, key) != value
    }


def _write_updates(
    updates: list[PlannedRow], now, progress: Progress = _no_progress, done: int = 0, total: int = 0
) -> list[int]:
    """Write what the file changes of stored members; returns the ids of those changed.

    A member whose stored values are the file's (a blank cell keeps what is stored) is not
    written: no new updated_at, no evidence refresh. The others get only the fields that
    differ, grouped by which fields those are, in one statement per chunk
    (core.bulk.bulk_update_rows).
    """
    by_fields: dict[tuple[str, ...], list[tuple]] = {}
    changed_ids = []
    for planned in updates:
        member = planned.member
        changes = changes_of(member, planned.values)
        if not changes:
            continue
        for key, value in changes.items():
            setattr(member, key, value)
        if "name" in changes:
            changes["name_initials"] = member.name_initials = initials(member.name)
        changes["updated_at"] = member.updated_at = now
        fields = tuple(sorted(changes))
        by_fields.setdefault(fields, []).append((member.pk, *(changes[f] for f in fields)))
        changed_ids.append(member.pk)
    written = 0
    for fields, rows in by_fields.items():
        # Progress between chunks: the job's heartbeat.
        for chunk in batched(rows, 5000):
            bulk_update_rows(Member, fields, chunk)
            written += len(chunk)
            progress("write", done + written, total)
    return changed_ids


# ---- The template ----------------------------------------------------------------------------


def build_template() -> bytes:
    """The .xlsx template: the seed's 《支部党员名册》 columns, then the optional ones."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "支部党员名册"
    width = len(COLUMNS) - 0
    ws.cell(1, 1, "支 部 党 员 名 册").font = Font(size=16, bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(ROSTER_COLUMNS))
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.cell(2, 1, "党（工）委　　　　党支部　　　填表日期：　　年　　月　　日")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(ROSTER_COLUMNS))
    optional = PatternFill("solid", fgColor="EEEEEE")
    for index, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(3, index, column.title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if not column.in_template_roster:
            cell.fill = optional
        ws.column_dimensions[get_column_letter(index)].width = (
            20 if column.key in ("id_number", "work_unit", "residence") else 12
        )
        # Text format, so Excel keeps 18-digit IDs and leading zeros as typed.
        ws.column_dimensions[get_column_letter(index)].number_format = "@"
    ws.cell(
        3, COLUMNS.index(next(c for c in COLUMNS if c.key == "id_number")) + 1
    ).comment = Comment("18位，请保持“文本”格式；末位X大小写均可", "排查")
    ws.cell(
        3, COLUMNS.index(next(c for c in COLUMNS if c.key == "join_date")) + 1
    ).comment = Comment("成为预备党员的时间，如 2016年9月 或 2016-09-20", "排查")
    for row in range(4, 54):
        for index in range(1, width + 1):
            ws.cell(row, index).number_format = "@"
    ws.freeze_panes = "C4"
    notes = wb.create_sheet("填表说明")
    for line in (
        "《支部党员名册》填表说明",
        "1、本表以支部为单位填写，同时上报基层党（工）委一份存档。",
        "2、组织关系转出后未按要求接转的“口袋党员”，组织关系仍属原支部，需列入支部名册中，并在备注栏中注明。",
        "3、外出流动、出国（境）等特殊类型党员应在备注栏注明。",
        "",
        "导入说明",
        "· 前13列为《支部党员名册》的栏目；灰色表头的各列为《党员基本情况登记表》的其他项目，"
        "可不填，也可删除。",
        "· 姓名、身份证号码、入党时间必填；性别、出生年月可不填（按身份证号码登记），"
        "填写的须与身份证号码一致。",
        "· 日期可写作 2016-09-20、2016.09、2016年9月；预备党员不填转正时间。",
        "· 联系电话为手机号码时登记为手机号码，其他号码登记为其他联系方式。",
        "· 身份证号码已在本单位登记的党员按文件内容更新（空白单元格不改变原有内容）；"
        "已在其他党组织登记的，作为“一人两籍”报错。",
        "· “所在党组织代码”可不填：不填时导入到导入页面所选的党组织；填写时须为其下级党组织。",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 110
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
