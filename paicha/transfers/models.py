"""Transfers of the organizational relationship, and the records that follow a member away.

A Transfer belongs to the organization whose roster it concerns: the sender for a transfer out,
the receiver for a transfer in (SPEC §5). An accepted transfer inside the system leaves one
record on each side, linked through `mirror`.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from paicha.codes import (
    AbroadKind,
    ApprovalStep,
    DispositionState,
    FlowScope,
    ProvinceScope,
    TransferDirection,
    TransferPermanence,
    TransferState,
)
from paicha.organizations.models import OrgScopedModel


class Transfer(OrgScopedModel):
    """One 组织关系介绍信 (三联: 存根 / 介绍信 / 回执联) and what became of it."""

    direction = models.CharField("转接方向", max_length=3, choices=TransferDirection.choices)
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="transfers",
        verbose_name="本方党组织",
        help_text="转出时为转出党组织，转入时为接收党组织",
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="transfers", verbose_name="党员"
    )
    letter_number = models.CharField("介绍信编号", max_length=40, blank=True)
    letter_date = models.DateField("介绍信开具日期")
    counterpart_org = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="counterpart_transfers",
        verbose_name="对方党组织（本系统内）",
    )
    counterpart_name = models.CharField(
        "对方党组织名称", max_length=200, help_text="转出时为接收单位党组织，转入时为原所在党组织"
    )
    province_scope = models.CharField("省内/省外", max_length=7, choices=ProvinceScope.choices)
    permanence = models.CharField(
        "转出性质", max_length=10, choices=TransferPermanence.choices, blank=True
    )
    # The four facts of seed 004 measure 4 (the nature is `permanence`).
    contact_phone = models.CharField("手机号码", max_length=30, blank=True)
    contact_wechat = models.CharField("微信号", max_length=60, blank=True)
    destination = models.CharField(
        "组织关系去向（工作、学习、生活地点）", max_length=200, blank=True
    )
    backup_contact = models.CharField("备用联系人", max_length=30, blank=True)
    backup_contact_phone = models.CharField("备用联系人电话", max_length=30, blank=True)
    dues_paid_to = models.DateField("党费已交到（月份）", null=True, blank=True)
    validity_days = models.PositiveSmallIntegerField("有效期（天）")
    receipt_due = models.DateField("回执期限", db_index=True, editable=False)
    state = models.CharField(
        "状态",
        max_length=10,
        choices=TransferState.choices,
        default=TransferState.OPEN,
        db_index=True,
    )
    receipt_date = models.DateField(
        "回执日期", null=True, blank=True, help_text="转出：收到回执的日期；转入：寄出回执的日期"
    )
    refused_date = models.DateField("退回日期", null=True, blank=True)
    refused_reason = models.CharField("退回原因", max_length=300, blank=True)
    # 谈心谈话 before leaving (seed 004 measure 5).
    talk_date = models.DateField("谈心谈话日期", null=True, blank=True)
    talk_by = models.CharField("谈话人", max_length=60, blank=True)
    talk_notes = models.TextField("谈话情况", blank=True)
    # 承诺书 (measure 7) and 联心卡 (measure 6).
    commitment_signed_on = models.DateField("承诺书签订日期", null=True, blank=True)
    card_given_on = models.DateField("联心卡发放日期", null=True, blank=True)
    mirror = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="对方的转接记录",
    )
    remarks = models.TextField("备注", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="登记人",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "组织关系转接"
        verbose_name_plural = "组织关系转接"
        ordering = ["-letter_date", "-id"]
        indexes = [
            models.Index(
                fields=["org_path", "direction", "letter_date"], name="transfer_scope_dir_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.name} {self.get_direction_display()} {self.letter_number}".strip()

    def get_absolute_url(self) -> str:
        return reverse("transfers:detail", args=[self.pk])

    @property
    def is_out(self) -> bool:
        return self.direction == TransferDirection.OUT

    @property
    def is_internal(self) -> bool:
        return self.counterpart_org_id is not None

    @property
    def from_name(self) -> str:
        return self.organization.name if self.is_out else self.counterpart_name

    @property
    def to_name(self) -> str:
        return self.counterpart_name if self.is_out else self.organization.name

    def is_overdue(self, as_of: datetime.date) -> bool:
        return self.state == TransferState.OPEN and self.receipt_due < as_of

    def clean(self):
        errors = {}
        if self.direction == TransferDirection.OUT and not self.permanence:
            errors["permanence"] = "转出时必须写明转出性质（永久转出或临时转出）"
        if self.receipt_date and self.letter_date and self.receipt_date < self.letter_date:
            errors["receipt_date"] = "回执日期不能早于介绍信开具日期"
        if self.dues_paid_to and self.letter_date and self.dues_paid_to > self.letter_date:
            errors["dues_paid_to"] = "党费已交到的月份不能晚于介绍信开具日期"
        if errors:
            raise ValidationError(errors)


class TransferFollowUp(OrgScopedModel):
    """One step of 不落实、不放手 (seed 004 measure 8): who chased the transfer, and what came of
    it."""

    transfer = models.ForeignKey(
        Transfer, on_delete=models.CASCADE, related_name="followups", verbose_name="组织关系转接"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="党组织",
    )
    date = models.DateField("跟踪日期")
    by_whom = models.CharField("跟踪人", max_length=60)
    what = models.TextField("跟踪情况")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "转接跟踪记录"
        verbose_name_plural = "转接跟踪记录"
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.transfer.member.name} {self.date}"

    @property
    def member(self):
        return self.transfer.member

    @property
    def member_id(self):
        return self.transfer.member_id


class PocketRecord(OrgScopedModel):
    """A "口袋"党员: transferred out but never reported at the destination in the time allowed;
    the relationship stays with the old branch, on its roster (seed 002 名册 说明 2)."""

    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="pocket_records",
        verbose_name="党员",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="组织关系所在党组织",
    )
    transfer = models.ForeignKey(
        Transfer,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pocket_records",
        verbose_name="组织关系转接",
    )
    marked_on = models.DateField("认定日期")
    reason = models.CharField("未报到原因", max_length=300)
    resolved_on = models.DateField("落实日期", null=True, blank=True)
    resolution = models.CharField("落实情况", max_length=300, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "“口袋”党员记录"
        verbose_name_plural = "“口袋”党员记录"
        ordering = ["-marked_on", "-id"]

    def __str__(self) -> str:
        return f"{self.member.name}（“口袋”党员）"


class FlowRecord(OrgScopedModel):
    """A 流动党员's time away (SPEC §5): where, since when, the 流动党员活动证, the contact
    there."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="flow_records", verbose_name="党员"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="组织关系所在党组织",
    )
    destination = models.CharField("流入地（单位）", max_length=200)
    since = models.DateField("外出流动日期")
    scope = models.CharField("流动范围", max_length=20, choices=FlowScope.choices)
    certificate_number = models.CharField("流动党员活动证编号", max_length=40, blank=True)
    certificate_issued_by = models.CharField("发证党组织", max_length=100, blank=True)
    certificate_issued_on = models.DateField("发证日期", null=True, blank=True)
    contact_person = models.CharField("流入地联系人", max_length=60, blank=True)
    contact_phone = models.CharField("流入地联系人电话", max_length=30, blank=True)
    reported = models.BooleanField("已向流入地党组织报到", default=False)
    closed_on = models.DateField("结束流动日期", null=True, blank=True)
    closed_reason = models.CharField("结束原因", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "流动党员记录"
        verbose_name_plural = "流动党员记录"
        ordering = ["-since", "-id"]
        indexes = [models.Index(fields=["org_path", "since"], name="flow_scope_since")]

    def __str__(self) -> str:
        return f"{self.member.name} → {self.destination}"

    def clean(self):
        if self.closed_on and self.since and self.closed_on < self.since:
            raise ValidationError({"closed_on": "结束流动日期不能早于外出流动日期"})


class AbroadRecord(OrgScopedModel):
    """Going abroad: 保留组织关系 for a period (status RETAINED), or 停止党籍 when settling abroad
    (status SUSPENDED; removal as 自行脱党 if still unreachable two years later)."""

    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="abroad_records",
        verbose_name="党员",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="组织关系所在党组织",
    )
    kind = models.CharField("类别", max_length=10, choices=AbroadKind.choices)
    place = models.CharField("出国（境）去向", max_length=200)
    reason = models.CharField("事由", max_length=200, blank=True)
    period_from = models.DateField("起始日期", help_text="保留组织关系的起始日期，或停止党籍的日期")
    period_to = models.DateField("预计截止日期", null=True, blank=True)
    restoration_requested_on = models.DateField("申请恢复党籍日期", null=True, blank=True)
    restoration_note = models.CharField("恢复党籍申请情况", max_length=300, blank=True)
    ended_on = models.DateField(
        "结束日期", null=True, blank=True, help_text="回国（境）恢复组织生活或恢复党籍的日期"
    )
    ended_note = models.CharField("结束情况", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    # 停止党籍 for settling abroad passes its approval chain (seed 004 附件4) before the member's
    # status changes; 保留组织关系 takes effect when registered.
    approval_state = models.CharField(
        "审批状态",
        max_length=20,
        choices=DispositionState.choices,
        default=DispositionState.EFFECTIVE,
    )
    consult_department = models.BooleanField("处置前与上级党委组织部门沟通", default=False)
    returned_reason = models.TextField("退回理由", blank=True)

    class Meta:
        verbose_name = "出国（境）党员记录"
        verbose_name_plural = "出国（境）党员记录"
        ordering = ["-period_from", "-id"]

    def __str__(self) -> str:
        return f"{self.member.name}（{self.get_kind_display()}）"

    def clean(self):
        errors = {}
        if self.kind == AbroadKind.RETAINED and not self.period_to:
            errors["period_to"] = "保留组织关系须写明期限（截止日期）"
        if self.period_to and self.period_from and self.period_to < self.period_from:
            errors["period_to"] = "截止日期不能早于起始日期"
        if self.ended_on and self.period_from and self.ended_on < self.period_from:
            errors["ended_on"] = "结束日期不能早于起始日期"
        if errors:
            raise ValidationError(errors)


class AbroadApproval(models.Model):
    """One signed step of the 停止党籍 chain of an AbroadRecord (kept when it is returned)."""

    record = models.ForeignKey(
        AbroadRecord,
        on_delete=models.CASCADE,
        related_name="approvals",
        verbose_name="出国（境）党员记录",
    )
    step = models.CharField("审批环节", max_length=1, choices=ApprovalStep.choices)
    approved = models.BooleanField("同意", default=True)
    opinion = models.TextField("意见")
    signed_on = models.DateField("签署日期")
    signer = models.ForeignKey(
        "accounts.User",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="签署人",
    )
    signer_org_name = models.CharField("签署单位", max_length=100)

    class Meta:
        verbose_name = "停止党籍审批"
        verbose_name_plural = "停止党籍审批"
        ordering = ["record", "signed_on", "id"]
