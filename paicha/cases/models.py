"""The lost-contact case (SPEC §6–§7): the search, the outcome and the disposition with its
approval chain. The rules that need other records live in `services.py`; `rules.py` holds the
tables (which category belongs to which side, which steps each category passes).

Every table here grows with members, so each row carries the organization (the member's
branch at opening) and its path, like every `OrgScopedModel`.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from paicha.codes import (
    ApprovalDecision,
    ApprovalStep,
    CaseOutcome,
    CaseSource,
    DispositionCategory,
    DispositionState,
    Education,
    Ethnicity,
    Gender,
    LossReason,
    MemberType,
    Occupation,
    OrgCategory,
    SearchMethod,
)
from paicha.core.dates import format_cn_date
from paicha.organizations.models import OrgScopedModel, ScopedQuerySet

from . import rules


class CaseQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(closed_on__isnull=True)

    def regained(self):
        return self.filter(outcome=CaseOutcome.REGAINED)


class LostContactCase(OrgScopedModel):
    """One member's search, from opening to the disposition taking effect."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="lost_cases",
        verbose_name="所在党组织",
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="lost_cases", verbose_name="党员"
    )
    source = models.CharField(
        "来源", max_length=20, choices=CaseSource.choices, default=CaseSource.MANUAL
    )
    # The transfers app's Transfer this case follows (kept as an id so that the two apps can
    # migrate independently; the transfer is always read through the transfers selectors).
    transfer_id = models.BigIntegerField("转出记录编号", null=True, blank=True)
    opened_on = models.DateField("立案日期")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="立案人",
    )

    # The member's facts as they stood at opening (the forms print them as of then).
    name = models.CharField("姓名", max_length=30)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=2, choices=Ethnicity.choices)
    native_place = models.CharField("籍贯", max_length=60, blank=True)
    birth_date = models.DateField("出生日期")
    education = models.CharField("学历", max_length=1, choices=Education.choices, blank=True)
    id_number = models.CharField("身份证号码", max_length=18)
    member_type = models.CharField("党员类型", max_length=15, choices=MemberType.choices)
    join_date = models.DateField("入党时间", null=True, blank=True)
    full_date = models.DateField("转正日期", null=True, blank=True)
    party_post = models.CharField("曾任党内职务", max_length=100, blank=True)
    work_unit = models.CharField("工作单位及职务", max_length=200, blank=True)
    household_register = models.CharField("户籍所在地", max_length=32, blank=True)
    residence = models.CharField("现居住地", max_length=200, blank=True)
    contacts = models.CharField("联系方式", max_length=200, blank=True)
    org_name = models.CharField("所在党组织名称", max_length=100)
    org_category = models.CharField("党组织类别", max_length=1, choices=OrgCategory.choices)

    lost_since = models.DateField(
        "最近一次参加组织生活或交纳党费日期",
        null=True,
        blank=True,
        help_text="与党组织失去联系时间的起点；立案时取自组织生活和党费记录，没有记录时手工填写",
    )
    loss_reason = models.CharField("失联原因", max_length=1, choices=LossReason.choices, blank=True)
    occupation = models.CharField("职业", max_length=1, choices=Occupation.choices, blank=True)
    remarks = models.TextField("备注", blank=True, help_text="失联原因为⑦其他时，在此写明具体原因")

    # 失联期间表现 (seed 002 item 11: 核实有无不合格表现或违法违纪行为).
    conduct_checked_on = models.DateField("调查核实日期", null=True, blank=True)
    conduct_misconduct = models.BooleanField("有不合格表现或违纪违法行为", null=True, blank=True)
    conduct_record = models.TextField("失联党员表现调查核实情况", blank=True)

    outcome = models.CharField(
        "查找结果",
        max_length=20,
        choices=CaseOutcome.choices,
        default=CaseOutcome.SEARCHING,
        db_index=True,
    )
    outcome_on = models.DateField(
        "查找结束日期",
        null=True,
        blank=True,
        help_text="取得联系、确认无法取得联系或确认死亡的日期",
    )
    regained_place = models.CharField("取得联系时所在地", max_length=200, blank=True)
    new_mobile = models.CharField("新手机号码", max_length=11, blank=True)
    new_contacts = models.CharField("其他新联系方式", max_length=200, blank=True)
    outcome_note = models.TextField("查找结果说明", blank=True)

    closed_on = models.DateField("结案日期", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "失联党员查找处置案件"
        verbose_name_plural = "失联党员查找处置案件"
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(closed_on__isnull=True),
                name="cases_one_open_case_per_member",
                violation_error_message="该党员已有未结案的失联查找案件",
            ),
        ]
        indexes = [models.Index(fields=["org_path", "outcome"], name="case_scope_outcome")]

    def __str__(self) -> str:
        return f"{self.name}（失联查找）"

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    def lost_until(self, as_of: datetime.date) -> datetime.date:
        return rules.lost_until(self.outcome, self.outcome_on, as_of)

    def lost_months(self, as_of: datetime.date) -> int | None:
        return rules.lost_months(self.lost_since, self.outcome, self.outcome_on, as_of)

    def lost_period_text(self, as_of: datetime.date) -> str:
        """'2015年3月2日至2016年9月20日（1年6个月）', as the 记录表 and 纪实表 print it."""
        months = self.lost_months(as_of)
        if months is None:
            return ""
        years, rest = divmod(months, 12)
        length = (f"{years}年" if years else "") + (f"{rest}个月" if rest or not years else "")
        since, until = format_cn_date(self.lost_since), format_cn_date(self.lost_until(as_of))
        return f"{since}至{until}（{length}）"

    @property
    def org_category_text(self) -> str:
        """'⑤学校': the category of the member's organization at opening."""
        return OrgCategory.circled(self.org_category) + OrgCategory(self.org_category).label

    @property
    def loss_reason_text(self) -> str:
        """'⑦其他：…' with the reason from 备注 for ⑦, as the seed asks."""
        if not self.loss_reason:
            return ""
        text = LossReason.circled(self.loss_reason) + LossReason(self.loss_reason).label
        if self.loss_reason == LossReason.OTHER and self.remarks:
            text += "：" + self.remarks
        return text


class CaseChild(OrgScopedModel):
    """A row under a case: it carries the case's organization, for scope and sharding."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="所在党组织",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.organization_id is None:
            self.organization = self.case.organization
        super().save(*args, **kwargs)

    @property
    def member(self):
        # Audit rows about an attempt or a signature are filed under the case's member.
        return self.case.member

    @property
    def member_id(self):
        return self.case.member_id


class SearchAttempt(CaseChild):
    """One try to find the member (第X次联系查找情况)."""

    case = models.ForeignKey(
        LostContactCase, on_delete=models.CASCADE, related_name="attempts", verbose_name="案件"
    )
    seq = models.PositiveSmallIntegerField("次序")
    date = models.DateField("查找日期")
    method = models.CharField("查找方式", max_length=20, choices=SearchMethod.choices)
    reached = models.CharField(
        "查找对象", max_length=200, help_text="联系到的人或单位，如：原工作单位办公室办事员陈某"
    )
    phone = models.CharField("联系电话", max_length=40, blank=True)
    process = models.TextField("查找过程及结果", help_text="查找过程、了解到的情况")
    remarks = models.CharField("备注", max_length=200, blank=True)
    # Kept by the services with each signature, so the work list "attempts missing a second
    # signature" is an index range, not a count over every attempt of a province.
    signer_count = models.PositiveSmallIntegerField("查找人签名人数", default=0, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="录入人",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "联系查找记录"
        verbose_name_plural = "联系查找记录"
        ordering = ["case", "seq"]
        indexes = [models.Index(fields=["org_path", "signer_count"], name="attempt_scope_signers")]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "seq"],
                name="cases_attempt_seq_unique",
                violation_error_message="同一案件的查找次序不能重复",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.name} 第{self.seq}次联系查找"


class AttemptSigner(CaseChild):
    """A searcher (查找人 / 证明人) who signs an attempt: a full member of the organization."""

    case = models.ForeignKey(
        LostContactCase, on_delete=models.CASCADE, related_name="+", verbose_name="案件"
    )
    attempt = models.ForeignKey(
        SearchAttempt, on_delete=models.CASCADE, related_name="signers", verbose_name="查找记录"
    )
    signer = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="+", verbose_name="查找人"
    )
    signer_name = models.CharField("查找人姓名", max_length=30)
    signed_on = models.DateField("签名日期")

    class Meta:
        verbose_name = "查找人签名"
        verbose_name_plural = "查找人签名"
        ordering = ["attempt", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "signer"],
                name="cases_signer_once",
                violation_error_message="同一查找人不能重复签名",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signer_name} 签名（{self.attempt}）"


def attachment_path(case_id: int, file_type: str) -> str:
    # The stored name never carries the uploaded one (which may hold a person's name).
    import uuid

    return f"cases/{case_id}/{uuid.uuid4().hex}.{file_type}"


class CaseAttachment(CaseChild):
    """A scan: a photo of a letter, a PDF, a call log. Served only through the scoped view."""

    case = models.ForeignKey(
        LostContactCase, on_delete=models.CASCADE, related_name="attachments", verbose_name="案件"
    )
    attempt = models.ForeignKey(
        SearchAttempt,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name="查找记录",
    )
    # The name in MEDIA_ROOT's storage (a plain string: the file is never served as a URL).
    stored_name = models.CharField("存储文件名", max_length=200, editable=False)
    original_name = models.CharField("原文件名", max_length=200)
    file_type = models.CharField("文件类型", max_length=4)
    size = models.PositiveIntegerField("大小（字节）")
    description = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="上传人",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "查找材料"
        verbose_name_plural = "查找材料"
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return self.original_name


class Disposition(CaseChild):
    """The case's one outcome category (附件5) and where it stands in its approval chain."""

    case = models.OneToOneField(
        LostContactCase, on_delete=models.CASCADE, related_name="disposition", verbose_name="案件"
    )
    category = models.CharField("处置情况", max_length=1, choices=DispositionCategory.choices)
    proposal = models.TextField("处置意见及理由")
    proposed_on = models.DateField("提出日期")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="提出人",
    )
    # Each return to the branch starts a new round; every round's signatures are kept.
    round = models.PositiveSmallIntegerField("审批轮次", default=1)
    state = models.CharField(
        "状态",
        max_length=20,
        choices=DispositionState.choices,
        default=DispositionState.PENDING,
        db_index=True,
    )
    returned_reason = models.TextField("退回理由", blank=True)
    effective_on = models.DateField("生效日期", null=True, blank=True)
    # 保留组织关系 and 限期改正 run for a period, with follow-up.
    period_start = models.DateField("期限起始", null=True, blank=True)
    period_end = models.DateField("期限截止", null=True, blank=True)
    # Set at the proposal from the campaign over the case (seed 001: consult the department
    # before any 处置); it adds a step to the chain (rules.steps_for).
    consult_department = models.BooleanField("处置前与上级党委组织部门沟通", default=False)

    class Meta:
        verbose_name = "处置"
        verbose_name_plural = "处置"

    def __str__(self) -> str:
        return f"{self.case.name}：{self.get_category_display()}"


class ApprovalSignature(CaseChild):
    """One signed step of the chain: date, signer, opinion (seed 004 附件4)."""

    case = models.ForeignKey(
        LostContactCase, on_delete=models.CASCADE, related_name="approvals", verbose_name="案件"
    )
    disposition = models.ForeignKey(
        Disposition, on_delete=models.CASCADE, related_name="approvals", verbose_name="处置"
    )
    step = models.CharField("审批环节", max_length=1, choices=ApprovalStep.choices)
    round = models.PositiveSmallIntegerField("审批轮次")
    category = models.CharField("所审处置情况", max_length=1, choices=DispositionCategory.choices)
    decision = models.CharField("结论", max_length=10, choices=ApprovalDecision.choices)
    opinion = models.TextField("意见")
    signed_on = models.DateField("签署日期")
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="签署人",
    )
    signer_name = models.CharField("签署人姓名", max_length=60)
    signer_org = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="签署党组织",
    )
    signer_org_name = models.CharField("签署党组织名称", max_length=100)
    created_at = models.DateTimeField("签署时间", auto_now_add=True)

    class Meta:
        verbose_name = "处置审批意见"
        verbose_name_plural = "处置审批意见"
        ordering = ["case", "round", "step"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "step", "round"],
                name="cases_one_signature_per_step_and_round",
                violation_error_message="该审批环节本轮已经签署",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.name} {self.get_step_display()}（第{self.round}轮）"


class FollowUp(CaseChild):
    """A follow-up note of 保留组织关系 or 限期改正 during its period."""

    case = models.ForeignKey(
        LostContactCase, on_delete=models.CASCADE, related_name="follow_ups", verbose_name="案件"
    )
    date = models.DateField("日期")
    note = models.TextField("跟踪情况")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="录入人",
    )

    class Meta:
        verbose_name = "处置跟踪记录"
        verbose_name_plural = "处置跟踪记录"
        ordering = ["case", "date", "id"]

    def __str__(self) -> str:
        return f"{self.case.name} 跟踪 {format_cn_date(self.date)}"
