"""Evidence of contact (SPEC §4): 组织生活 attended, 党费 paid, and any other recorded contact.

Each row carries the member and the date it is evidence for, indexed as (member_id, date), so
"the latest evidence of a member on or before a date" and "is there evidence of this member
inside a window" are each one index descent (see selectors.py and bench/lost_list.py).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from paicha.codes import AttendanceStatus, ContactChannel, OrgLifeKind
from paicha.core.dates import format_cn_date, format_cn_month
from paicha.organizations.models import OrgScopedModel

# Words in an excuse that say the member is away (seed 004 measure 2: 外出 → watch for 失控).
AWAY_WORD = "外出"


class OrgLifeMeeting(OrgScopedModel):
    """One 组织生活 of a branch (三会一课, 主题党日 …)."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="org_life_meetings",
        verbose_name="党组织",
    )
    date = models.DateField("日期")
    kind = models.CharField("形式", max_length=20, choices=OrgLifeKind.choices)
    topic = models.CharField("主题", max_length=200)
    notes = models.TextField("内容摘要", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="登记人",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "组织生活"
        verbose_name_plural = "组织生活"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["org_path", "date"], name="orglife_scope_date")]

    def __str__(self) -> str:
        return f"{format_cn_date(self.date)} {self.get_kind_display()}：{self.topic}"

    def get_absolute_url(self) -> str:
        return reverse("evidence:meeting", args=[self.pk])


class Attendance(OrgScopedModel):
    """One member at one meeting: present, excused (with the reason), or absent."""

    meeting = models.ForeignKey(
        OrgLifeMeeting,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name="组织生活",
        db_index=False,
    )  # the unique (meeting, member) serves
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="attendances",
        verbose_name="党员",
        db_index=False,
    )  # (member, date) serves
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="党组织",
    )
    # The meeting's date, copied so that (member, date) is one index.
    date = models.DateField("日期", editable=False)
    status = models.CharField(
        "出席情况",
        max_length=10,
        choices=AttendanceStatus.choices,
        default=AttendanceStatus.PRESENT,
    )
    reason = models.CharField(
        "请假事由", max_length=200, blank=True, help_text="请假时必填；因外出请假请写明“外出”"
    )

    class Meta:
        verbose_name = "组织生活出席记录"
        verbose_name_plural = "组织生活出席记录"
        ordering = ["-date", "meeting_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                name="attendance_once",
                violation_error_message="同一党员在同一次组织生活中只能登记一次",
            ),
            models.CheckConstraint(
                condition=~Q(status=AttendanceStatus.EXCUSED) | ~Q(reason=""),
                name="attendance_excused_reason",
                violation_error_message="请假须写明事由",
            ),
        ]
        indexes = [
            # Only attended meetings are evidence of contact: the partial index holds just them.
            models.Index(
                fields=["member", "date"],
                name="attendance_present_member_date",
                condition=Q(status=AttendanceStatus.PRESENT),
            ),
            models.Index(fields=["member", "date"], name="attendance_member_date"),
            # Leave taken as 外出 (a known absence, for 失控): a few rows in a thousand.
            models.Index(
                fields=["member", "date"],
                name="attendance_away_member_date",
                condition=Q(status=AttendanceStatus.EXCUSED, reason__contains=AWAY_WORD),
            ),
        ]

    def __str__(self) -> str:
        text = f"{format_cn_date(self.date)} {self.get_status_display()}"
        return f"{text}（{self.reason}）" if self.reason else text

    @property
    def away(self) -> bool:
        return self.status == AttendanceStatus.EXCUSED and AWAY_WORD in self.reason


class DuesPayment(OrgScopedModel):
    """One payment of 党费: the amount, the months it covers, the day it was paid."""

    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="dues_payments",
        verbose_name="党员",
        db_index=False,
    )  # (member, date) serves
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="收缴党组织",
    )
    amount = models.DecimalField("金额（元）", max_digits=9, decimal_places=2)
    # First day of the first and of the last month covered.
    month_from = models.DateField("交纳起始月份")
    month_to = models.DateField("交纳截止月份")
    paid_on = models.DateField("交纳日期")
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="登记人",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "党费交纳记录"
        verbose_name_plural = "党费交纳记录"
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="dues_amount_positive",
                violation_error_message="金额应大于0",
            ),
            models.CheckConstraint(
                condition=Q(month_to__gte=F("month_from")),
                name="dues_months_in_order",
                violation_error_message="截止月份不能早于起始月份",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "paid_on"], name="dues_member_paid_on"),
            models.Index(fields=["member", "month_to"], name="dues_member_month_to"),
            models.Index(fields=["org_path", "paid_on"], name="dues_scope_paid_on"),
        ]

    def __str__(self) -> str:
        months = format_cn_month(self.month_from)
        if self.month_to != self.month_from:
            months += f"至{format_cn_month(self.month_to)}"
        return f"{format_cn_date(self.paid_on)} 交纳{months}党费 {self.amount}元"

    def clean(self):
        errors = {}
        if self.month_from and self.month_to and self.month_to < self.month_from:
            errors["month_to"] = "截止月份不能早于起始月份"
        if self.amount is not None and self.amount <= 0:
            errors["amount"] = "金额应大于0"
        if errors:
            raise ValidationError(errors)


class ContactRecord(OrgScopedModel):
    """Any other contact with a member, or a note that the member is away (for 失控).

    `with_member` says whether the branch reached the member himself (evidence of contact) or
    learned about him from someone else. `away_since` records an absence: said by the member
    himself it is his report (报告) of going away; heard from others it is an unreported
    absence that starts the one-month clock of 失控 (seed 004 measure 2).
    """

    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="contact_records",
        verbose_name="党员",
        db_index=False,
    )  # (member, date) serves
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="党组织",
    )
    date = models.DateField("日期")
    channel = models.CharField("方式", max_length=20, choices=ContactChannel.choices)
    by_whom = models.CharField("联系人", max_length=60, help_text="本支部与党员联系的人")
    with_member = models.BooleanField(
        "与党员本人取得联系", default=True, help_text="不勾选：情况是从家属、同事等他人处了解到的"
    )
    away_since = models.DateField(
        "外出日期", null=True, blank=True, help_text="党员离开本地外出时填写：离开的日期"
    )
    note = models.TextField("情况", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="登记人",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "联系记录"
        verbose_name_plural = "联系记录"
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["member", "date"], name="contact_member_date"),
            models.Index(fields=["org_path", "date"], name="contact_scope_date"),
            # Absences heard from others (for 失控).
            models.Index(
                fields=["member", "away_since"],
                name="contact_away_member_since",
                condition=Q(with_member=False, away_since__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        who = "本人" if self.with_member else "他人反映"
        text = f"{format_cn_date(self.date)} {self.get_channel_display()}（{who}）"
        if self.away_since:
            text += f" 外出自{format_cn_date(self.away_since)}"
        return f"{text} {self.note}".strip()


class EvidenceGap(OrgScopedModel):
    """A stretch of a member's time without evidence of contact, derived from the evidence
    (never entered by hand, see gaps.py). Evidence is every 组织生活 attended, 党费 paid, contact
    with the member himself (联系上, a search that reached him, contact regained by a case) and
    the roster's declared last 组织生活 / 党费 dates (SPEC §4).

    The member's clock starts (`start`) at the latest of the evidence that opens the stretch,
    his 进入支部日期 (or 入党日期) and the 建账日期 of his organization (BooksDate); it ends on
    the next evidence (`until`), or is still open (NULL). `lost_on` = add_months(start, 6): the
    member is 失联 ("6个月以上", inclusive) on every D with ``lost_on <= D`` while the stretch
    runs (``until`` NULL or later than D), and 超过六个月 (附件5, exclusive) when ``lost_on < D``.

    `unverified` (无记录待核实): the stretch has no evidence since the 建账日期 — it starts at the
    建账日期 or at the member's entry, not at a record. Only stretches in which the member can be
    lost are kept, plus his one unverified stretch (so that mark is known on every date).
    """

    member = models.ForeignKey(
        "members.Member",
        on_delete=models.CASCADE,
        related_name="evidence_gaps",
        verbose_name="党员",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="党组织",
    )
    start = models.DateField("失去联系起算日期")
    lost_on = models.DateField("满6个月日期")
    # The day after lost_on: the first day of 超过六个月 (附件5's convention).
    over_on = models.DateField("超过6个月日期")
    until = models.DateField("下一次证据日期", null=True, blank=True)
    unverified = models.BooleanField("无记录待核实", default=False)

    def __str__(self) -> str:
        return (
            f"无联系证据的时段（{self.start:%Y年%m月%d日}起）" if self.start else "无联系证据的时段"
        )

    class Meta:
        verbose_name = "无联系证据的时段"
        verbose_name_plural = "无联系证据的时段"
        indexes = [
            # The running stretches (one per member at most) apart from the closed ones: "lost
            # on D" for today's list is a range on this small index.
            models.Index(
                fields=["org_path", "lost_on"],
                name="gap_open_scope_lost_on",
                condition=Q(until__isnull=True),
            ),
            models.Index(fields=["until", "lost_on"], name="gap_until_lost_on"),
            # 无记录待核实 (a few per cent of the stretches): a range of the subtree.
            models.Index(
                fields=["org_path", "start"],
                name="gap_unverified_scope_start",
                condition=Q(unverified=True),
            ),
        ]


class AwaySource(models.TextChoices):
    # In this order where two absences start on the same day (the one shown first wins).
    FLOW = "flow", "流动未报到"
    LEAVE = "leave", "请假外出"
    NOTE = "note", "他人反映外出"


class AwaySignal(OrgScopedModel):
    """A known absence of a member (for 失控, SPEC §4 and seed 004 measure 2), derived from the
    evidence and the flow records (never entered by hand, see gaps.py), one row per signal:
    leave from a 组织生活 given as 外出, a 联系记录 heard from others with a 外出日期, an open
    flow record whose member has not reported at the destination.

    `since` is the day the absence starts (S), `known_on` the day the system knows of it (the
    meeting, the record's date, the day the flow began), `until` the date of the first contact
    with the member himself that covers S (a 组织生活 attended or 党费 paid on or after S, or a
    联系记录 with him whose date or 外出日期 is on or after S), `ends_on` the day a flow record
    was closed. The absence counts on D when ``known_on <= D``, ``since <= D``, ``until`` is
    NULL or later than D and ``ends_on`` NULL or later than D: then no contact with the member
    himself on or before D reaches S, so S is later than his last contact as of D.
    """

    member = models.ForeignKey(
        "members.Member",
        on_delete=models.CASCADE,
        related_name="away_signals",
        verbose_name="党员",
        db_index=False,
    )  # (member, since) serves
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="党组织",
    )
    since = models.DateField("外出起算日期")
    known_on = models.DateField("获知日期")
    until = models.DateField("与本人取得联系日期", null=True, blank=True)
    ends_on = models.DateField("流动结束日期", null=True, blank=True)
    source = models.CharField("依据", max_length=10, choices=AwaySource.choices)

    class Meta:
        verbose_name = "已知的外出"
        verbose_name_plural = "已知的外出"
        indexes = [
            models.Index(fields=["member", "since"], name="away_member_since"),
            # Absences not yet followed by contact: "失控 on D" for today is a range of the
            # subtree on this small index.
            models.Index(
                fields=["org_path", "since"],
                name="away_open_scope_since",
                condition=Q(until__isnull=True),
            ),
            models.Index(fields=["until", "since"], name="away_until_since"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()}（{self.since:%Y年%m月%d日}起）"


class BooksSource(models.TextChoices):
    SET = "set", "本组织设定"
    INHERITED = "inherited", "上级党组织设定"
    RECORDS = "records", "最早的组织生活或党费记录"
    IMPORT = "import", "首次导入党员名册"
    NONE = "none", "尚无记录"


class BooksDate(models.Model):
    """The 建账日期 in force for an organization (SPEC §4), derived (books.py): its own
    `books_opened_on`, else the nearest ancestor's, else the earliest 组织生活 or 党费 record of
    its subtree (records and the roster's declared dates), else the day of its first roster
    import. `source_org` is where the date comes from."""

    organization = models.OneToOneField(
        "organizations.Organization",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="books_date",
        verbose_name="党组织",
    )
    opened_on = models.DateField("建账日期", null=True, blank=True)
    source = models.CharField(
        "来源", max_length=20, choices=BooksSource.choices, default=BooksSource.NONE
    )
    source_org = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="来源党组织",
    )

    class Meta:
        verbose_name = "适用的建账日期"
        verbose_name_plural = "适用的建账日期"

    @property
    def explanation(self) -> str:
        if self.opened_on is None:
            return "尚未设定建账日期，也没有组织生活、党费记录或名册导入记录"
        where = (
            f"（{self.source_org.name}）"
            if self.source_org_id and self.source in (BooksSource.INHERITED, BooksSource.RECORDS)
            else ""
        )
        return f"{format_cn_date(self.opened_on)}，来源：{self.get_source_display()}{where}"


class GapWatermark(models.Model):
    """One row: every member with an id up to `members_up_to` has had his EvidenceGap rows
    computed (members added later by bulk imports are caught up on the next read)."""

    members_up_to = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "无联系证据时段的计算进度"
