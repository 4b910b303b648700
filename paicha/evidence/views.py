"""Evidence pages: 组织生活 with attendance, 党费, contacts, and the 失联 / 失控 lists and the
dashboard. Each view parses, authorizes (scope through `visible_to` / `get_for_user`) and calls
a service or a selector; only views read the clock."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from paicha.audit.exports import list_export_response
from paicha.codes import AttendanceStatus, LossReason, MemberStatus, OrgKind
from paicha.core.forms import errors_into
from paicha.core.listexport import Column, wants_xlsx
from paicha.core.transactions import atomic_post
from paicha.members import jobs as import_jobs
from paicha.members.models import ON_ROSTER, Member
from paicha.members.selectors import get_member_for_user
from paicha.organizations.models import Organization
from paicha.organizations.permissions import Perm, has_perm
from paicha.organizations.picking import chosen_org_code
from paicha.organizations.scope import get_for_user, require

from . import dashboard as board
from . import importing, searches, selectors, services
from .books import books_shown
from .forms import (
    AsOfForm,
    BooksForm,
    ContactForm,
    DuesForm,
    DuesImportForm,
    MeetingForm,
    MeetingImportForm,
)
from .models import Attendance, DuesPayment, OrgLifeMeeting


def _today() -> datetime.date:
    return timezone.localdate()


def _org(request, code: str | None = None) -> Organization:
    """The organization a page is about: one of the user's subtree named by code (404 if it is
    not there), else the one last chosen on a page (?org=), else the user's own."""
    code = (code if code is not None else chosen_org_code(request)).strip()
    if not code:
        if request.user.organization is None:
            raise Http404("您的账号尚未分配党组织")
        return request.user.organization
    org = Organization.objects.visible_to(request.user).filter(code=code).first()
    if org is None:
        raise Http404("该党组织代码不存在或不在您的管理范围内")
    return org


def _org_and_date(request):
    form = AsOfForm(request.GET or None)
    org = _org(request)
    as_of = (form.cleaned_data.get("as_of") if form.is_valid() else None) or _today()
    form = (
        AsOfForm(initial={"org": org.code, "as_of": as_of})
        if form.is_valid() or not request.GET
        else form
    )
    form.fields["org"].widget.attrs["data-org-name"] = org.name
    return org, as_of, form


def _branches(org: Organization):
    """Organizations of the subtree that hold members directly (branches, 直属 units)."""
    return (
        Organization.objects.subtree(org)
        .filter(is_active=True)
        .filter(Q(kind=OrgKind.BRANCH) | Q(members__isnull=False))
        .distinct()
        .order_by("path")
    )


# ---- 组织生活 -----------------------------------------------------------------------------------


MEETING_COLUMNS = [
    Column("日期", lambda m: m.date, 16),
    Column("党组织", lambda m: m.organization.name, 28),
    Column("形式", lambda m: m.get_kind_display(), 14),
    Column("主题", lambda m: m.topic, 30),
    Column("出席", lambda m: m.n_present, 6),
    Column("请假", lambda m: m.n_excused, 6),
    Column("缺席", lambda m: m.n_absent, 6),
]


def meeting_list(request):
    org = _org(request)
    meetings = (
        OrgLifeMeeting.objects.visible_to(request.user)
        .in_subtree(org)
        .select_related("organization")
        .annotate(
            n_present=Count("attendances", filter=Q(attendances__status=AttendanceStatus.PRESENT)),
            n_excused=Count("attendances", filter=Q(attendances__status=AttendanceStatus.EXCUSED)),
            n_absent=Count("attendances", filter=Q(attendances__status=AttendanceStatus.ABSENT)),
        )
        .order_by("-date", "-id")
    )
    if wants_xlsx(request):
        return list_export_response(
            request, title="组织生活记录", columns=MEETING_COLUMNS, org=org, rows=meetings
        )
    page = Paginator(meetings, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "evidence/meeting_list.html",
        {
            "org": org,
            "page": page,
            "branches": _branches(org)[:500],
        },
    )


def _attendance_from_post(request, roster) -> dict[int, tuple[str, str]]:
    attendance = {}
    for member in roster:
        status = request.POST.get(f"status_{member.pk}", "")
        if status:
            attendance[member.pk] = (status, request.POST.get(f"reason_{member.pk}", ""))
    return attendance


def _meeting_page(request, *, org, form, roster, attendance, meeting=None, errors=(), marks=None):
    marks = marks if marks is not None else {}
    return render(
        request,
        "evidence/meeting_form.html",
        {
            "org": org,
            "form": form,
            "meeting": meeting,
            "errors": errors,
            "rows": [(m, *attendance.get(m.pk, ("", "")), marks.get(m.pk, "")) for m in roster],
            "statuses": AttendanceStatus.choices,
        },
    )


def _roster_marks(org, roster, as_of) -> dict[int, str]:
    return selectors.roster_marks(Member.objects.filter(pk__in=[m.pk for m in roster]), as_of=as_of)


def _lost_marked_present(attendance, marks, roster) -> list[str]:
    """Names of 失联 members marked 出席 (a careless save would take them off the list)."""
    return [
        m.name
        for m in roster
        if "失联" in marks.get(m.pk, "")
        and attendance.get(m.pk, ("",))[0] == AttendanceStatus.PRESENT
    ]


def _confirm_lost(request, attendance, marks, roster) -> list[str]:
    names = _lost_marked_present(attendance, marks, roster)
    if names and request.POST.get("confirm_lost") != "1":
        return [
            (
                f"{'、'.join(names)}目前是失联党员，登记为出席后将不再列入失联名单。"
                "确认他们确实出席了本次组织生活，请勾选下方的确认后再保存。"
            )
        ]
    return []


def meeting_new(request):
    """The roster of one branch with a radio per member, blank until chosen; 失联 and
    无记录待核实 members are marked, and marking a lost member present asks for confirmation."""
    require(request.user, Perm.EDIT_MEMBERS)
    org = _org(request)
    roster = list(services.branch_roster(org))
    marks = _roster_marks(org, roster, _today())
    form = MeetingForm(request.POST or None, initial={"date": _today()})
    attendance = _attendance_from_post(request, roster) if request.method == "POST" else {}
    errors = []
    if request.method == "POST" and form.is_valid():
        errors = _confirm_lost(request, attendance, marks, roster)
    if request.method == "POST" and form.is_valid() and not errors:
        try:
            meeting = services.meeting_record(
                organization=org,
                attendance=attendance,
                acting_user=request.user,
                as_of=_today(),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            errors = exc.message_dict.pop("attendance", [])
            if exc.message_dict:
                errors_into(form, ValidationError(exc.message_dict))
        else:
            present = meeting.attendances.filter(status=AttendanceStatus.PRESENT).count()
            unmarked = len(roster) - len(attendance)
            messages.success(
                request,
                f"已登记组织生活，出席 {present} 人"
                + (f"；{unmarked} 人未登记出席情况" if unmarked else ""),
            )
            return redirect(meeting.get_absolute_url())
    return _meeting_page(
        request,
        org=org,
        form=form,
        roster=roster,
        attendance=attendance,
        errors=errors,
        marks=marks,
    )


def _get_meeting(request, pk, *, for_write=False) -> OrgLifeMeeting:
    return get_for_user(
        OrgLifeMeeting.objects.select_related("organization"),
        request.user,
        for_write=for_write,
        pk=pk,
    )


def meeting_detail(request, pk):
    meeting = _get_meeting(request, pk)
    rows = meeting.attendances.select_related("member").order_by("status", "member__name")
    return render(request, "evidence/meeting_detail.html", {"meeting": meeting, "rows": rows})


@atomic_post
def meeting_edit(request, pk):
    meeting = _get_meeting(request, pk, for_write=request.method == "POST")
    require(request.user, Perm.EDIT_MEMBERS)
    current = {a.member_id: (a.status, a.reason) for a in meeting.attendances.all()}
    roster = list(services.branch_roster(meeting.organization))
    roster += [
        a.member
        for a in meeting.attendances.select_related("member")
        if a.member_id not in {m.pk for m in roster}
    ]
    form = MeetingForm(
        request.POST or None,
        initial={
            "date": meeting.date,
            "kind": meeting.kind,
            "topic": meeting.topic,
            "notes": meeting.notes,
        },
    )
    attendance = _attendance_from_post(request, roster) if request.method == "POST" else current
    errors = []
    marks = _roster_marks(meeting.organization, roster, _today())
    if request.method == "POST" and form.is_valid():
        errors = _confirm_lost(request, attendance, marks, roster)
    if request.method == "POST" and form.is_valid() and not errors:
        try:
            services.meeting_update(
                meeting=meeting,
                attendance=attendance,
                acting_user=request.user,
                as_of=_today(),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            errors = exc.message_dict.pop("attendance", [])
            if exc.message_dict:
                errors_into(form, ValidationError(exc.message_dict))
        else:
            messages.success(request, "已保存")
            return redirect(meeting.get_absolute_url())
    return _meeting_page(
        request,
        org=meeting.organization,
        form=form,
        roster=roster,
        attendance=attendance,
        meeting=meeting,
        errors=errors,
        marks=marks,
    )


@atomic_post
def meeting_delete(request, pk):
    meeting = _get_meeting(request, pk, for_write=request.method == "POST")
    require(request.user, Perm.EDIT_MEMBERS)
    if request.method == "POST":
        code = meeting.organization.code
        services.meeting_delete(meeting=meeting, acting_user=request.user)
        messages.success(request, "已删除该次组织生活及其出席记录")
        return redirect(f"{reverse('evidence:meetings')}?org={code}")
    return render(
        request,
        "evidence/confirm_delete.html",
        {"what": str(meeting), "back": meeting.get_absolute_url()},
    )


def meeting_import(request):
    require(request.user, Perm.EDIT_MEMBERS)
    org = _org(request)
    form = MeetingImportForm(
        request.POST or None, request.FILES or None, initial={"date": _today()}
    )
    errors, plan = [], None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        params = {
            "organization": org,
            "date": data["date"],
            "kind": data["kind"],
            "topic": data["topic"],
            "notes": data["notes"],
            "acting_user": request.user,
            "as_of": _today(),
        }
        try:
            if data["file"].size > settings.IMPORT_IN_BACKGROUND_ABOVE_BYTES:
                return redirect(
                    import_jobs.import_job_start(
                        declaration=importing.AttendanceImport(**params),
                        file=data["file"],
                        organization=org,
                        acting_user=request.user,
                    )
                )
            if request.POST.get("check"):
                plan = importing.check_attendance(data["file"], **params)
            else:
                meeting = importing.import_attendance(data["file"], **params)
        except importing.ImportRejected as exc:
            errors = exc.errors
        else:
            if plan is None:
                messages.success(request, f"已导入出席情况 {meeting.attendances.count()} 人")
                return redirect(meeting.get_absolute_url())
    return render(
        request,
        "evidence/import.html",
        {
            "org": org,
            "form": form,
            "errors": errors,
            "plan": plan,
            "title": "导入组织生活出席情况表",
            "columns": importing.ATTENDANCE_COLUMNS,
            "required": importing.ATTENDANCE_REQUIRED,
            "explain": "每行一名党员；“出席情况”填出席、请假或缺席，"
            "请假须写明事由（因外出请假请写“外出”）。"
            "有身份证号码时按身份证号码对应名册，否则按姓名。可先“只检查”，看将导入的行和每行的错误；"
            "任何一行有错误则整张表都不导入。",
        },
    )


# ---- 党费 -------------------------------------------------------------------------------------


DUES_COLUMNS = [
    Column("姓名", lambda m: m.name, 10),
    Column("所在党支部", lambda m: m.organization.name, 28),
    Column("每月党费交纳数额", lambda m: m.monthly_dues, 12),
    Column(
        "党费已交到", lambda m: f"{m.dues_paid_to:%Y年%-m月}" if m.dues_paid_to else "无记录", 12
    ),
    Column("欠交月数", lambda m: m.months_in_arrears, 8),
]
# The fields DUES_COLUMNS read besides the annotations: the export reads only these (a
# member's other fifty fields, its timestamps parsed, cost more than the row's cells).
DUES_FIELDS = ("name", "monthly_dues", "organization__name")


def dues_ledger(request):
    org, as_of, form = _org_and_date(request)
    members = selectors.annotate_dues_arrears(
        Member.objects.visible_to(request.user)
        .in_subtree(org)
        .filter(status__in=ON_ROSTER)
        .select_related("organization"),
        as_of=as_of,
    )
    only = request.GET.get("arrears") == "1"
    if only:
        members = members.filter(Q(months_in_arrears__gte=1) | Q(dues_paid_to__isnull=True))
    if wants_xlsx(request):
        return list_export_response(
            request,
            title="党费交纳情况",
            columns=DUES_COLUMNS,
            org=org,
            as_of=as_of,
            filters="只列欠交党员" if only else "",
            rows=members.only(*DUES_FIELDS)
            .order_by("org_path", "name", "id")
            .iterator(chunk_size=2000),
        )
    page = Paginator(members.order_by("org_path", "name", "id"), 50).get_page(
        request.GET.get("page")
    )
    payments = (
        DuesPayment.objects.visible_to(request.user)
        .in_subtree(org)
        .filter(paid_on__lte=as_of)
        .select_related("member")
        .order_by("-paid_on", "-id")[:30]
    )
    return render(
        request,
        "evidence/dues.html",
        {
            "org": org,
            "as_of": as_of,
            "form": form,
            "page": page,
            "payments": payments,
            "only_arrears": only,
        },
    )


@atomic_post
def dues_new(request, member_pk):
    member = get_member_for_user(request.user, member_pk, for_write=request.method == "POST")
    require(request.user, Perm.EDIT_MEMBERS)
    this_month = _today().replace(day=1)
    form = DuesForm(
        request.POST or None,
        initial={
            "paid_on": _today(),
            "month_from": this_month,
            "month_to": this_month,
            "amount": member.monthly_dues,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.dues_record(
                member=member, acting_user=request.user, as_of=_today(), **form.cleaned_data
            )
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            messages.success(request, "已登记党费交纳")
            return redirect("evidence:member", member.pk)
    return render(
        request,
        "evidence/form.html",
        {
            "form": form,
            "title": f"登记党费交纳：{member.name}",
            "member": member,
            "back": reverse("evidence:member", args=[member.pk]),
        },
    )


def dues_import(request):
    require(request.user, Perm.EDIT_MEMBERS)
    org = _org(request)
    form = DuesImportForm(request.POST or None, request.FILES or None)
    errors, plan = [], None
    if request.method == "POST" and form.is_valid():
        params = {"organization": org, "acting_user": request.user, "as_of": _today()}
        upload = form.cleaned_data["file"]
        try:
            if upload.size > settings.IMPORT_IN_BACKGROUND_ABOVE_BYTES:
                return redirect(
                    import_jobs.import_job_start(
                        declaration=importing.DuesImport(**params),
                        file=upload,
                        organization=org,
                        acting_user=request.user,
                    )
                )
            if request.POST.get("check"):
                plan = importing.check_dues_ledger(upload, **params)
            else:
                n = importing.import_dues(upload, **params)
        except importing.ImportRejected as exc:
            errors = exc.errors
        else:
            if plan is None:
                messages.success(request, f"已导入党费交纳记录 {n} 条")
                return redirect(f"{reverse('evidence:dues')}?org={org.code}")
    return render(
        request,
        "evidence/import.html",
        {
            "org": org,
            "form": form,
            "errors": errors,
            "plan": plan,
            "title": "导入党费收缴台账",
            "columns": importing.DUES_COLUMNS,
            "required": importing.DUES_REQUIRED,
            "explain": "每行一笔交纳；月份可写 2016-09 或 2016年9月，"
            "“交纳截止月份”空着表示只交一个月。"
            "可先“只检查”，看将导入的行和每行的错误；任何一行有错误则整张表都不导入。",
        },
    )


# ---- One member's evidence and other contact ---------------------------------------------------


def member_evidence(request, member_pk):
    member = get_member_for_user(request.user, member_pk)
    form = AsOfForm(request.GET or None)
    as_of = (form.cleaned_data.get("as_of") if form.is_valid() else None) or _today()
    row = selectors.annotate_dues_arrears(
        selectors.annotate_last_evidence(Member.objects.filter(pk=member.pk), as_of=as_of),
        as_of=as_of,
    ).get()
    return render(
        request,
        "evidence/member.html",
        {
            "member": member,
            "as_of": as_of,
            "row": row,
            "clocks": board.three_clocks(row, as_of=as_of),
            "lost": selectors.is_lost(member, as_of=as_of),
            "attendances": member.attendances.select_related("meeting").order_by("-date")[:60],
            "payments": member.dues_payments.order_by("-paid_on")[:60],
            "contacts": member.contact_records.order_by("-date")[:60],
        },
    )


@atomic_post
def contact_new(request, member_pk):
    member = get_member_for_user(request.user, member_pk, for_write=request.method == "POST")
    require(request.user, Perm.EDIT_MEMBERS)
    form = ContactForm(
        request.POST or None, initial={"date": _today(), "by_whom": request.user.full_name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_record(
                member=member, acting_user=request.user, as_of=_today(), **form.cleaned_data
            )
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            messages.success(request, "已登记联系记录")
            return redirect("evidence:member", member.pk)
    return render(
        request,
        "evidence/form.html",
        {
            "form": form,
            "title": f"登记联系记录：{member.name}",
            "member": member,
            "back": reverse("evidence:member", args=[member.pk]),
        },
    )


# ---- 失联 and 失控 -------------------------------------------------------------------------------


def _last_excuse():
    return Subquery(
        Attendance.objects.filter(member=OuterRef("pk"), status=AttendanceStatus.EXCUSED)
        .order_by("-date")
        .values("reason")[:1]
    )


def _with_open_case(members):
    """The member's open search case: the list links to it instead of offering to open a
    second (the cases app supplies it, evidence.searches)."""
    return searches.searches().with_open_case(members)


def _lost_situation(member) -> str:
    if member.status == MemberStatus.RETAINED:
        return "出国（境）保留组织关系"
    if member.flowing:
        return "流动党员" + (f"：{member.flow_destination}" if member.flow_destination else "")
    return "待查找"


LOST_COLUMNS = [
    Column("姓名", lambda m: m.name, 10),
    Column("身份证号码", lambda m: m.id_number, 20, sensitive=True),
    Column("所在党支部", lambda m: m.organization.name, 28),
    Column("情况", _lost_situation, 16),
    Column("最近一次参加组织生活", lambda m: m.last_org_life or "无记录", 16),
    Column("最近一次交纳党费", lambda m: m.last_dues or "无记录", 16),
    Column("最近联系", lambda m: m.last_contact or "无记录", 16),
    Column("失联起算日期", lambda m: m.lost_since, 16),
    Column("失联月数", lambda m: m.months_lost, 8),
    Column("查找情况", lambda m: "查找中" if m.open_case else "未立案", 8),
]
# The fields LOST_COLUMNS read besides the annotations (as DUES_FIELDS).
LOST_FIELDS = ("name", "id_number", "status", "flowing", "flow_destination", "organization__name")


# The two lists below the 失联 list (shown apart, 无记录待核实) show their first rows on screen;
# the counts are whole; the 建账日期 page counts 无记录待核实 by branch.
LOST_SHOWN_APART = 50


UNVERIFIED_COLUMNS = [
    Column("姓名", lambda m: m.name, 10),
    Column("身份证号码", lambda m: m.id_number, 20, sensitive=True),
    Column("所在党支部", lambda m: m.organization.name, 28),
    Column("起算日期", lambda m: m.lost_since, 16),
    Column("满6个月日期", lambda m: m.lost_on, 16),
    Column("状态", lambda m: "已列入失联名单" if m.lost else "尚未满6个月", 14),
]


def lost_list(request):
    org, as_of, form = _org_and_date(request)
    members = Member.objects.visible_to(request.user).in_subtree(org)
    if wants_xlsx(request) and request.GET.get("list") == "unverified":
        unverified = selectors.unverified_members(members, as_of=as_of)
        return list_export_response(
            request,
            title="无记录待核实党员名单",
            columns=UNVERIFIED_COLUMNS,
            org=org,
            as_of=as_of,
            rows=unverified.select_related("organization")
            .order_by("org_path", "lost_on", "name", "id")
            .iterator(chunk_size=2000),
        )
    if wants_xlsx(request):
        lost = _with_open_case(selectors.lost_members(members, as_of=as_of))
        return list_export_response(
            request,
            title="失联党员名单",
            columns=LOST_COLUMNS,
            org=org,
            as_of=as_of,
            rows=lost.select_related("organization")
            .only(*LOST_FIELDS)
            .order_by("org_path", "lost_since", "name", "id")
            .iterator(chunk_size=2000),
        )
    search, apart = selectors.lost_split(members, as_of=as_of)
    search, apart = _with_open_case(search), _with_open_case(apart)
    counts = selectors.lost_list_counts(org, as_of=as_of)
    paginator = Paginator(
        search.select_related("organization").order_by("lost_since", "name", "id"), 50
    )
    paginator.count = counts["search"]  # counted above with the others, in one pass
    page = paginator.get_page(request.GET.get("page"))
    rows = board.with_clocks(page.object_list, as_of=as_of)
    apart_rows = board.with_clocks(
        selectors.annotate_dues_arrears(apart.select_related("organization"), as_of=as_of)
        .annotate(last_excuse=_last_excuse())
        .order_by("lost_since", "name")[:LOST_SHOWN_APART],
        as_of=as_of,
    )
    unverified = selectors.unverified_members(members, as_of=as_of)
    return render(
        request,
        "evidence/lost.html",
        {
            "org": org,
            "as_of": as_of,
            "form": form,
            "page": page,
            "rows": rows,
            "apart_rows": apart_rows,
            "cutoff": selectors.latest_start_inclusive(as_of, selectors.LOST_AFTER_MONTHS),
            "exactly_six": counts["exactly_six"],
            "books": books_shown(org),
            "unverified_count": counts["unverified"],
            "unverified_lost": counts["unverified_lost"],
            "unverified_rows": unverified.select_related("organization").order_by(
                "org_path", "lost_on", "name", "id"
            )[:LOST_SHOWN_APART],
            "apart_count": counts["apart"],
            "shown": LOST_SHOWN_APART,
            "boundary_example": (
                datetime.date(2016, 3, 20),
                datetime.date(2016, 9, 20),
                datetime.date(2016, 9, 21),
            ),
        },
    )


UNCONTROLLED_COLUMNS = [
    Column("姓名", lambda m: m.name, 10),
    Column("身份证号码", lambda m: m.id_number, 20, sensitive=True),
    Column("所在党支部", lambda m: m.organization.name, 28),
    Column("外出起算日期", lambda m: m.away_since, 16),
    Column("依据", lambda m: m.away_source, 24),
    Column("外出月数", lambda m: m.months_away, 8),
    Column("最近与本人联系", lambda m: m.last_self_contact or "无记录", 16),
]


def uncontrolled_list(request):
    org, as_of, form = _org_and_date(request)
    members = selectors.uncontrolled_members(
        Member.objects.visible_to(request.user).in_subtree(org), as_of=as_of
    )
    if wants_xlsx(request):
        return list_export_response(
            request,
            title="失控党员名单",
            columns=UNCONTROLLED_COLUMNS,
            org=org,
            as_of=as_of,
            rows=members.select_related("organization").order_by(
                "org_path", "away_since", "name", "id"
            ),
        )
    page = Paginator(
        members.select_related("organization").order_by("away_since", "name", "id"), 50
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "evidence/uncontrolled.html",
        {
            "org": org,
            "as_of": as_of,
            "form": form,
            "page": page,
            "cutoff": selectors.latest_start(as_of, 1),
        },
    )


def pre_campaign(request):
    org, as_of, form = _org_and_date(request)
    result = selectors.pre_campaign_lost(org=org, as_of=as_of)
    lost = list(result.lost.select_related("organization").order_by("org_path", "name")[:500])
    transfers = list(
        result.unreceipted.select_related("organization").order_by("org_path", "letter_date")[:500]
    )
    return render(
        request,
        "evidence/pre_campaign.html",
        {
            "org": org,
            "as_of": as_of,
            "form": form,
            "result": result,
            "lost": lost,
            "transfers": transfers,
            "lost_count": result.lost.count(),
            "transfer_count": result.unreceipted.count(),
        },
    )


# ---- Dashboard ----------------------------------------------------------------------------------


def dashboard(request):
    org, as_of, form = _org_and_date(request)
    members = Member.objects.visible_to(request.user).in_subtree(org)
    if request.GET.get("part") == "home-check":  # loaded after the page: it counts again
        return render(
            request,
            "evidence/_home_check.html",
            {
                "home_check": board.home_check(
                    board.branch_totals(members, org=org, as_of=as_of), members, as_of=as_of
                )
            },
        )
    data = board.dashboard_data(members, org=org, as_of=as_of, page_number=request.GET.get("page"))
    return render(
        request,
        "evidence/dashboard.html",
        {
            "org": org,
            "as_of": as_of,
            "form": form,
            **data,
        },
    )


def by_reason(request, reason):
    """Drill-down of the dashboard's 失联原因 chart: the cases of one reason."""
    org, as_of, form = _org_and_date(request)
    if reason not in LossReason.values:
        raise Http404("没有这一失联原因")
    cases = board.cases_by_reason(request.user, org=org, as_of=as_of, reason=reason)
    return render(
        request,
        "evidence/by_reason.html",
        {
            "org": org,
            "as_of": as_of,
            "form": form,
            "cases": cases[:500],
            "reason": board.reason_label(reason),
        },
    )


# ---- 建账日期 and 无记录待核实 -------------------------------------------------------------------


@atomic_post
def books(request):
    """The 建账日期 in force for an organization and where it comes from, the form to set it
    (editors of the organization's records), and its branches with their 无记录待核实 members
    (a branch whose members are mostly so is a data-quality problem)."""
    org, as_of, form = _org_and_date(request)
    can_edit = has_perm(request.user, Perm.EDIT_MEMBERS)
    books_form = BooksForm(request.POST or None, initial={"books_opened_on": org.books_opened_on})
    if request.method == "POST":
        require(request.user, Perm.EDIT_MEMBERS)
        org = get_for_user(Organization.objects.all(), request.user, for_write=True, pk=org.pk)
        if books_form.is_valid():
            try:
                services.books_set(
                    organization=org,
                    acting_user=request.user,
                    as_of=_today(),
                    opened_on=books_form.cleaned_data["books_opened_on"],
                )
            except ValidationError as exc:
                errors_into(books_form, exc)
            else:
                messages.success(request, "已保存建账日期，失联名单已按新的建账日期重新计算")
                return redirect(f"{reverse('evidence:books')}?org={org.code}")
    members = Member.objects.visible_to(request.user).in_subtree(org)
    rows = selectors.unverified_by_branch(members, as_of=as_of)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "evidence/books.html",
        {
            "org": org,
            "as_of": as_of,
            "form": form,
            "books": books_shown(org),
            "books_form": books_form,
            "can_edit": can_edit,
            "page": page,
        },
    )
