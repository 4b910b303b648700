"""Reads: open and overdue transfers, incoming transfers, and the forms of SPEC §5.

Every function takes the organization subtree and the date it is "as of"; none reads the
clock. Form selectors return rows as dicts keyed by the exact column titles, with the column
list beside them (`*_COLUMNS`: (title, kind), kind one of seq/text/int/date/month).
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q

from paicha.codes import (
    AbroadKind,
    Ethnicity,
    FlowScope,
    Gender,
    MemberStatus,
    MemberType,
    PersonCategory,
    ProvinceScope,
    StudentLevel,
    TransferDirection,
    TransferState,
)
from paicha.core.dates import add_months
from paicha.members.models import Member, entered_q, roster_status_q
from paicha.organizations.models import Organization
from paicha.organizations.scope import get_for_user, scope_path
from paicha.organizations.tree import SEGMENT_WIDTH, subtree_q

from .models import AbroadRecord, FlowRecord, PocketRecord, Transfer

# The day the 回执 system began (三联介绍信 since 2007-08-01, seed 000 item 1).
RECEIPT_SYSTEM_START = datetime.date(2007, 8, 1)
FLOW_COUNT_START = datetime.date(2016, 1, 1)


# ---- membership on a date, with moves within the system --------------------------------------


def moved_later_q(as_of) -> Q:
    """Transfers within the system (receipted, so the member was moved) whose move falls after
    `as_of`."""
    return Q(direction=TransferDirection.OUT, counterpart_org__isnull=False, receipt_date__gt=as_of)


def members_on_roster_of(org: Organization, as_of: datetime.date):
    """Members on the roster of `org`'s subtree on `as_of` (`Member.objects.on_roster_on` that
    also places members moved within the system).

    A transfer within the system moves the member on the day the receiving organization
    accepts him (the receipt's date): before that day he counts in the sending branch, from
    it in the receiving one. So each member is on exactly one roster on any date."""
    moves = Transfer.objects.filter(moved_later_q(as_of))
    # Members who were in the subtree on as_of and have been moved out of it since: the
    # first move after as_of leaves from where they were on as_of.
    earlier = moves.filter(
        member_id=OuterRef("member_id"), receipt_date__lt=OuterRef("receipt_date")
    )
    # Read first (a handful, none for today's roster): OR'd with the subtree as a subquery
    # it made the planner scan every member of the database instead of the subtree's range.
    left_since = list(
        moves.filter(subtree_q(org.path))
        .filter(~Exists(earlier))
        .values_list("member_id", flat=True)
    )
    here = subtree_q(org.path) & entered_q(as_of) & ~Exists(moves.filter(member_id=OuterRef("pk")))
    if left_since:
        here |= Q(pk__in=left_since) & ~Q(join_date__gt=as_of)
    return Member.objects.filter(roster_status_q(as_of)).filter(here)


# ---- Access ----------------------------------------------------------------------------------


def get_transfer_for_user(user, pk: int, *, for_write: bool = False) -> Transfer:
    """A transfer of the user's own subtree (the side that owns it), or 404."""
    # FOR UPDATE cannot lock the nullable side of an outer join (PostgreSQL): when writing,
    # join only what is never null.
    related = (
        ("member", "organization") if for_write else ("member", "organization", "counterpart_org")
    )
    return get_for_user(Transfer.objects.select_related(*related), user, for_write=for_write, pk=pk)


def incoming_for_user(user):
    """Open letters from elsewhere in the system addressed to an organization of the user's
    subtree: the receiving side sees them, though they belong to the sender."""
    return (
        Transfer.objects.filter(direction=TransferDirection.OUT, state=TransferState.OPEN)
        .filter(subtree_q(scope_path(user), "counterpart_org__path"))
        .select_related("member", "organization", "counterpart_org")
    )


def get_incoming_for_user(user, pk: int, *, for_write: bool = False) -> Transfer:
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from paicha.organizations.permissions import Perm, has_perm

    queryset = incoming_for_user(user)
    if for_write:
        queryset = queryset.select_for_update(of=("self",))
    transfer = queryset.filter(pk=pk).first()
    if transfer is None:
        raise Http404("没有找到该介绍信，或它不是转往您的党组织的")
    if for_write and not has_perm(user, Perm.EDIT_MEMBERS):
        raise PermissionDenied("您的角色没有此项操作权限")
    return transfer


def get_scoped_for_user(model, user, pk: int, *, for_write: bool = False):
    return get_for_user(
        model.objects.select_related("member", "organization"), user, for_write=for_write, pk=pk
    )


# ---- Open receipts ---------------------------------------------------------------------------


def unreceipted_transfers_out(
    queryset=None,
    *,
    org: Organization,
    as_of: datetime.date,
    since: datetime.date = RECEIPT_SYSTEM_START,
):
    """Transfers out of org's subtree, letter dated in [since, as_of], with no receipt recorded
    on or before as_of (and not sent back by then): the sender's open items (seed 000 item 1)."""
    queryset = Transfer.objects.all() if queryset is None else queryset
    return (
        queryset.in_subtree(org)
        .filter(direction=TransferDirection.OUT, letter_date__gte=since, letter_date__lte=as_of)
        .filter(Q(receipt_date__isnull=True) | Q(receipt_date__gt=as_of))
        .exclude(state=TransferState.REFUSED, refused_date__lte=as_of)
        .select_related("member")
    )


def overdue_transfers_out(
    queryset=None,
    *,
    org: Organization,
    as_of: datetime.date,
    since: datetime.date = RECEIPT_SYSTEM_START,
):
    """Open transfers out whose time for the receipt (letter date + validity + receipt days,
    see conf.py) has passed by as_of."""
    return unreceipted_transfers_out(queryset, org=org, as_of=as_of, since=since).filter(
        receipt_due__lt=as_of
    )


# ---- 附件4 《党员组织关系回执情况统计表》 (seed 000) -------------------------------------------

RECEIPT_STATISTICS_TITLE = "党员组织关系回执情况统计表"
RECEIPT_COLUMNS = (
    ("项目", "text"),
    ("总数", "int"),
    ("研究生", "int"),
    ("本科生", "int"),
    ("专科生", "int"),
    ("省内", "int"),
    ("省外", "int"),
    ("回执收（寄）数", "int"),
)
RECEIPT_ROWS = ((TransferDirection.IN, "转入组织关系数"), (TransferDirection.OUT, "转出组织关系数"))


def receipt_statistics_title(year: int) -> str:
    return f"{year}年度{RECEIPT_STATISTICS_TITLE}"


def receipt_statistics(
    *, org: Organization, year: int | None = None, as_of: datetime.date | None = None
) -> list[dict]:
    """The two rows of seed 000 附件4 for transfers of org's subtree with a letter of the year,
    as they stood on `as_of` (default: the year's last day): letters dated after it, and
    receipts recorded with a later date, do not count; a letter sent back by then is no
    transfer. 回执收（寄）数: receipts received for transfers out, sent for transfers in."""
    if as_of is None:
        as_of = datetime.date(year, 12, 31)
    elif year is not None and year != as_of.year:
        raise ValueError("year and as_of disagree")
    counts = (
        Transfer.objects.in_subtree(org)
        .filter(letter_date__gte=datetime.date(as_of.year, 1, 1), letter_date__lte=as_of)
        .exclude(state=TransferState.REFUSED, refused_date__lte=as_of)
        .values("direction")
        .order_by()
        .annotate(
            total=Count("id"),
            pg=Count("id", filter=Q(member__student_level=StudentLevel.POSTGRADUATE)),
            ug=Count("id", filter=Q(member__student_level=StudentLevel.UNDERGRADUATE)),
            jc=Count("id", filter=Q(member__student_level=StudentLevel.JUNIOR_COLLEGE)),
            within=Count("id", filter=Q(province_scope=ProvinceScope.WITHIN)),
            outside=Count("id", filter=Q(province_scope=ProvinceScope.OUTSIDE)),
            receipts=Count("id", filter=Q(receipt_date__lte=as_of)),
        )
    )
    by_direction = {row["direction"]: row for row in counts}
    rows = []
    for direction, label in RECEIPT_ROWS:
        c = by_direction.get(direction, {})
        rows.append(
            {
                "项目": label,
                "总数": c.get("total", 0),
                "研究生": c.get("pg", 0),
                "本科生": c.get("ug", 0),
                "专科生": c.get("jc", 0),
                "省内": c.get("within", 0),
                "省外": c.get("outside", 0),
                "回执收（寄）数": c.get("receipts", 0),
            }
        )
    return rows


# ---- 流动党员 ---------------------------------------------------------------------------------


def _active_between(start: datetime.date, end: datetime.date) -> Q:
    return Q(since__lte=end) & (Q(closed_on__isnull=True) | Q(closed_on__gte=start))


def flowing_members_count(*, org: Organization, start: datetime.date, end: datetime.date) -> int:
    """Members of org's subtree with a flow record active at any time in [start, end]
    (附件3 补充资料: start = 2016-01-01, end = the fill date)."""
    return (
        FlowRecord.objects.in_subtree(org)
        .filter(_active_between(start, end))
        .values("member_id")
        .distinct()
        .count()
    )


def _active_on(as_of: datetime.date) -> Q:
    return Q(since__lte=as_of) & (Q(closed_on__isnull=True) | Q(closed_on__gt=as_of))


def flow_records(*, org: Organization, as_of: datetime.date):
    """Flow records open on as_of whose member was on the roster then (SPEC §4)."""
    return (
        FlowRecord.objects.in_subtree(org)
        .filter(_active_on(as_of))
        .filter(roster_status_q(as_of, "member__"))
        .select_related("member", "organization")
        .order_by("org_path", "since", "id")
    )


# 流动党员登记表 (seed 001 附件5): the seed gives no layout; the columns are the 登记表 fields of
# SPEC §3 (identity, 党员类型, branch) and the flow facts of SPEC §5.
FLOW_REGISTER_TITLE = "流动党员登记表"
FLOW_REGISTER_COLUMNS = (
    ("序号", "seq"),
    ("姓名", "text"),
    ("性别", "text"),
    ("民族", "text"),
    ("出生年月", "month"),
    ("学历", "text"),
    ("党员类型", "text"),
    ("所在党支部", "text"),
    ("流入地（单位）", "text"),
    ("外出流动时间", "date"),
    ("流动范围", "text"),
    ("《流动党员活动证》编号", "text"),
    ("发证党组织", "text"),
    ("流入地联系人", "text"),
    ("流入地联系人电话", "text"),
    ("是否已向流入地党组织报到", "text"),
    ("本人联系电话", "text"),
    ("备注", "text"),
)


def flow_register_rows(*, org: Organization, as_of: datetime.date) -> list[dict]:
    rows = []
    for n, r in enumerate(flow_records(org=org, as_of=as_of), start=1):
        m = r.member
        rows.append(
            {
                "序号": n,
                "姓名": m.name,
                "性别": m.get_gender_display(),
                "民族": m.get_ethnicity_display(),
                "出生年月": m.birth_date,
                "学历": m.get_education_display(),
                "党员类型": m.get_member_type_display(),
                "所在党支部": r.organization.name,
                "流入地（单位）": r.destination,
                "外出流动时间": r.since,
                "流动范围": r.get_scope_display(),
                "《流动党员活动证》编号": r.certificate_number,
                "发证党组织": r.certificate_issued_by,
                "流入地联系人": r.contact_person,
                "流入地联系人电话": r.contact_phone,
                "是否已向流入地党组织报到": "是" if r.reported else "否",
                "本人联系电话": m.mobile,
                "备注": "",
                "_record": r,
            }
        )
    return rows


FLOW_SUMMARY_TITLE = "流动党员情况汇总表"
FLOW_SUMMARY_COLUMNS = (
    ("单位", "text"),
    ("流动党员总数", "int"),
    ("预备党员", "int"),
    ("女", "int"),
    ("少数民族", "int"),
    ("跨省流动", "int"),
    ("省内跨市流动", "int"),
    ("市内流动", "int"),
    ("已发《流动党员活动证》", "int"),
    ("已向流入地党组织报到", "int"),
    ("未报到", "int"),
)


def _units(org: Organization) -> list[tuple[str, str]]:
    """(path prefix, name) of the rows of a 汇总表: the organization's direct children, and the
    organization itself for members it holds directly."""
    children = list(
        Organization.objects.filter(parent=org).order_by("path").values_list("path", "name")
    )
    return [(org.path, f"{org.name}（本级）")] + children if children else [(org.path, org.name)]


def _summarize(org: Organization, items, columns, count) -> list[dict]:
    """Group `items` (objects with org_path) under the rows of `_units`, add a 合计 row."""
    units = _units(org)
    width = len(org.path) + SEGMENT_WIDTH
    grouped = defaultdict(list)
    for item in items:
        key = (
            item.org_path if item.org_path == org.path or len(units) == 1 else item.org_path[:width]
        )
        grouped[key].append(item)
    rows = []
    keys = [title for title, _ in columns[1:]]
    for path, name in units:
        row = {"单位": name, **count(grouped.get(path, []))}
        if path == org.path and len(units) > 1 and not grouped.get(path):
            continue  # no member held directly: the 本级 row would be all zeros
        rows.append(row)
    total = {"单位": "合计", **{k: sum(r[k] for r in rows) for k in keys}}
    return rows + [total] if len(rows) > 1 else rows


def flow_summary_rows(*, org: Organization, as_of: datetime.date) -> list[dict]:
    def count(records):
        return {
            "流动党员总数": len(records),
            "预备党员": sum(r.member.member_type == MemberType.PROBATIONARY for r in records),
            "女": sum(r.member.gender == Gender.FEMALE for r in records),
            "少数民族": sum(r.member.ethnicity not in (Ethnicity.HAN, "") for r in records),
            "跨省流动": sum(r.scope == FlowScope.CROSS_PROVINCE for r in records),
            "省内跨市流动": sum(r.scope == FlowScope.CROSS_CITY for r in records),
            "市内流动": sum(r.scope == FlowScope.WITHIN_CITY for r in records),
            "已发《流动党员活动证》": sum(bool(r.certificate_number) for r in records),
            "已向流入地党组织报到": sum(r.reported for r in records),
            "未报到": sum(not r.reported for r in records),
        }

    return _summarize(org, flow_records(org=org, as_of=as_of), FLOW_SUMMARY_COLUMNS, count)


# ---- "口袋"党员 -------------------------------------------------------------------------------


def pocket_records(*, org: Organization, as_of: datetime.date):
    """Pocket members marked by as_of and not resolved then, still on the roster (SPEC §4)."""
    return (
        PocketRecord.objects.in_subtree(org)
        .filter(marked_on__lte=as_of)
        .filter(roster_status_q(as_of, "member__"))
        .filter(Q(resolved_on__isnull=True) | Q(resolved_on__gt=as_of))
        .select_related("member", "organization", "transfer")
        .order_by("org_path", "marked_on")
    )


# "口袋"党员登记表 (seed 001 附件7): columns from the 登记表 fields of SPEC §3 and the transfer
# facts of SPEC §5 (when the letter went out, to whom, why the member never reported).
POCKET_REGISTER_TITLE = "“口袋”党员登记表"
POCKET_REGISTER_COLUMNS = (
    ("序号", "seq"),
    ("姓名", "text"),
    ("性别", "text"),
    ("民族", "text"),
    ("出生年月", "month"),
    ("学历", "text"),
    ("党员类型", "text"),
    ("组织关系所在党支部", "text"),
    ("组织关系转出时间", "date"),
    ("拟转往党组织", "text"),
    ("省内/省外", "text"),
    ("未报到原因", "text"),
    ("认定日期", "date"),
    ("联系电话", "text"),
    ("备注", "text"),
)


def pocket_register_rows(*, org: Organization, as_of: datetime.date) -> list[dict]:
    rows = []
    for n, r in enumerate(pocket_records(org=org, as_of=as_of), start=1):
        m, t = r.member, r.transfer
        rows.append(
            {
                "序号": n,
                "姓名": m.name,
                "性别": m.get_gender_display(),
                "民族": m.get_ethnicity_display(),
                "出生年月": m.birth_date,
                "学历": m.get_education_display(),
                "党员类型": m.get_member_type_display(),
                "组织关系所在党支部": r.organization.name,
                "组织关系转出时间": t.letter_date if t else None,
                "拟转往党组织": t.counterpart_name if t else "",
                "省内/省外": t.get_province_scope_display() if t else "",
                "未报到原因": r.reason,
                "认定日期": r.marked_on,
                "联系电话": m.mobile,
                "备注": "",
                "_record": r,
            }
        )
    return rows


POCKET_SUMMARY_TITLE = "“口袋”党员情况汇总表"
POCKET_SUMMARY_COLUMNS = (
    ("单位", "text"),
    ("“口袋”党员总数", "int"),
    ("预备党员", "int"),
    ("女", "int"),
    ("教职工", "int"),
    ("研究生", "int"),
    ("本科生", "int"),
    ("专科生", "int"),
    ("转往省内", "int"),
    ("转往省外", "int"),
)


def pocket_summary_rows(*, org: Organization, as_of: datetime.date) -> list[dict]:
    def count(records):
        def scope(r):
            return r.transfer.province_scope if r.transfer else None

        return {
            "“口袋”党员总数": len(records),
            "预备党员": sum(r.member.member_type == MemberType.PROBATIONARY for r in records),
            "女": sum(r.member.gender == Gender.FEMALE for r in records),
            "教职工": sum(r.member.person_category == PersonCategory.STAFF for r in records),
            "研究生": sum(r.member.student_level == StudentLevel.POSTGRADUATE for r in records),
            "本科生": sum(r.member.student_level == StudentLevel.UNDERGRADUATE for r in records),
            "专科生": sum(r.member.student_level == StudentLevel.JUNIOR_COLLEGE for r in records),
            "转往省内": sum(scope(r) == ProvinceScope.WITHIN for r in records),
            "转往省外": sum(scope(r) == ProvinceScope.OUTSIDE for r in records),
        }

    return _summarize(org, pocket_records(org=org, as_of=as_of), POCKET_SUMMARY_COLUMNS, count)


# ---- 出国（境） and the two-year reminder of 停止党籍 ------------------------------------------

SUSPENSION_YEARS = 2


def abroad_records(*, org: Organization, as_of: datetime.date):
    """Records of members abroad that are running on as_of."""
    return (
        AbroadRecord.objects.in_subtree(org)
        .filter(period_from__lte=as_of)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=as_of))
        .select_related("member", "organization")
        .order_by("org_path", "period_from")
    )


def retention_expired(*, org: Organization, as_of: datetime.date):
    """保留组织关系 whose period ended before as_of and that nobody has closed."""
    return abroad_records(org=org, as_of=as_of).filter(
        kind=AbroadKind.RETAINED, period_to__lt=as_of
    )


def suspension_reminders(
    *, org: Organization, as_of: datetime.date, ahead_days: int = 30
) -> list[dict]:
    """Members of org's subtree whose 停止党籍 reaches two years by as_of + ahead_days: if still
    unreachable, the member is then removed as 自行脱党 (党员教育管理工作条例). Due date = stop
    date + 2 years; the stop date is Member.status_date (or the abroad record's)."""
    horizon = as_of + datetime.timedelta(days=ahead_days)
    records = {
        r.member_id: r
        for r in AbroadRecord.objects.in_subtree(org).filter(
            kind=AbroadKind.SUSPENDED, ended_on__isnull=True
        )
    }
    rows = []
    members = (
        Member.objects.in_subtree(org)
        .filter(status=MemberStatus.SUSPENDED)
        .select_related("organization")
    )
    for member in members:
        record = records.get(member.pk)
        stopped = member.status_date or (record.period_from if record else None)
        if stopped is None:
            continue
        due = add_months(stopped, 12 * SUSPENSION_YEARS)
        if due > horizon:
            continue
        rows.append(
            {
                "member": member,
                "stopped_on": stopped,
                "due": due,
                "record": record,
                "overdue": due <= as_of,
                "restoration_requested_on": record.restoration_requested_on if record else None,
            }
        )
    return sorted(rows, key=lambda r: (r["due"], r["member"].name))
