"""A campaign (排查工作): phases, steps, required forms, and what each organization has done.

A campaign belongs to the organization that set it and covers that organization's subtree
(SPEC §8). Progress and submissions belong to the organization that did them, so the levels
above see them through the ordinary subtree scope.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from paicha.organizations.models import OrgScopedModel

from .choices import FORMS_DOCUMENTS, CampaignStatus, Level, Recurrence, SubmissionStatus


class Campaign(OrgScopedModel):
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name="部署单位",
    )
    name = models.CharField("名称", max_length=100)
    doc_number = models.CharField("文号", max_length=50, blank=True, help_text="如 湘组〔2016〕4号")
    notice = models.TextField("通知正文", blank=True)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    status = models.CharField(
        "状态", max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.ACTIVE
    )
    template = models.CharField("所用模板", max_length=30, blank=True, editable=False)
    # Where documents print the same form with different 填表说明, the forms of this campaign
    # print those of this document (reports.sources.DOCUMENTS); the template sets it.
    forms_document = models.CharField(
        "报表填表说明依据文件", max_length=10, blank=True, choices=FORMS_DOCUMENTS
    )
    consult_department = models.BooleanField(
        "处置前须与上级党委组织部门沟通",
        default=False,
        help_text="进行相关处置或处分前，基层党委（党总支）必须与上级党委组织部门沟通",
    )
    created_by = models.ForeignKey(
        "accounts.User",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="创建人",
        editable=False,
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "排查工作"
        verbose_name_plural = "排查工作"
        ordering = ["-start", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("campaigns:detail", args=[self.pk])

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": "结束日期不能早于开始日期"})


class Phase(models.Model):
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="phases", verbose_name="排查工作"
    )
    order = models.PositiveSmallIntegerField("顺序")
    name = models.CharField("阶段名称", max_length=40)
    deadline = models.DateField("完成时限", null=True, blank=True)

    class Meta:
        verbose_name = "阶段"
        verbose_name_plural = "阶段"
        ordering = ["campaign", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "order"],
                name="campaign_phase_order",
                violation_error_message="同一排查工作中阶段顺序不能重复",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Step(models.Model):
    phase = models.ForeignKey(
        Phase, on_delete=models.CASCADE, related_name="steps", verbose_name="阶段"
    )
    order = models.PositiveSmallIntegerField("序号")
    text = models.TextField("工作内容")
    level = models.CharField("责任层级", max_length=12, choices=Level.choices, default=Level.BRANCH)
    time_note = models.CharField(
        "时间节点", max_length=20, blank=True, help_text="如 2月底、4-6月、长期"
    )
    # Empty: the phase's deadline holds; a standing step (长期) has neither.
    deadline = models.DateField("完成时限", null=True, blank=True)

    class Meta:
        verbose_name = "工作步骤"
        verbose_name_plural = "工作步骤"
        ordering = ["phase__order", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["phase", "order"],
                name="phase_step_order",
                violation_error_message="同一阶段中步骤序号不能重复",
            )
        ]

    def __str__(self) -> str:
        return f"{self.order}、{self.text}"

    @property
    def due(self):
        if self.deadline:
            return self.deadline
        return None if self.time_note == "长期" else self.phase.deadline


class RequiredForm(models.Model):
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="required_forms", verbose_name="排查工作"
    )
    form_slug = models.CharField("报表", max_length=60)
    level = models.CharField("上报层级", max_length=12, choices=Level.choices)
    recurrence = models.CharField(
        "上报周期", max_length=12, choices=Recurrence.choices, default=Recurrence.ONCE
    )
    deadline = models.DateField(
        "截止日期",
        null=True,
        blank=True,
        help_text="一次性上报时必填；每月上报的截止于每月最后一天",
    )
    note = models.CharField("说明", max_length=100, blank=True)

    class Meta:
        verbose_name = "应报报表"
        verbose_name_plural = "应报报表"
        ordering = ["campaign", "deadline", "pk"]

    def __str__(self) -> str:
        return self.form_title

    @property
    def form_title(self) -> str:
        return form_title(self.form_slug)

    def clean(self):
        if self.recurrence == Recurrence.ONCE and not self.deadline:
            raise ValidationError({"deadline": "一次性上报的报表必须填写截止日期"})
        if self.form_slug and not _catalogue_has(self.form_slug):
            raise ValidationError({"form_slug": f"没有编号为 {self.form_slug} 的报表"})


def _catalogue_has(slug: str) -> bool:
    from paicha.core.catalogue import get_form

    try:
        get_form(slug)
    except KeyError:
        return False
    return True


def form_title(slug: str) -> str:
    from paicha.core.catalogue import get_form

    try:
        return get_form(slug).title
    except KeyError:
        return slug


class StepProgress(OrgScopedModel):
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="progress", verbose_name="排查工作"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="党组织",
    )
    step = models.ForeignKey(
        Step, on_delete=models.CASCADE, related_name="progress", verbose_name="工作步骤"
    )
    done_on = models.DateField("完成日期")
    evidence = models.TextField("完成情况说明", blank=True)
    # The name in MEDIA_ROOT's storage (a plain string: the file is served only through the
    # scoped, audited view) and the name it was uploaded with.
    minutes = models.CharField("会议记录等材料", max_length=200, blank=True, editable=False)
    minutes_name = models.CharField("材料原文件名", max_length=200, blank=True)
    done_by = models.ForeignKey(
        "accounts.User",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="登记人",
    )

    class Meta:
        verbose_name = "步骤完成情况"
        verbose_name_plural = "步骤完成情况"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "step"],
                name="step_done_once_per_org",
                violation_error_message="该步骤已登记完成",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.step}"


class Submission(OrgScopedModel):
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="submissions", verbose_name="排查工作"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="填报单位",
    )
    form_slug = models.CharField("报表", max_length=60)
    period = models.DateField("所属期截止日期")
    version = models.PositiveSmallIntegerField("版本", default=1)
    as_of = models.DateField("填表日期")
    # FormResult.as_json() at submission: what the level above reviews, never recomputed.
    data = models.JSONField("上报内容")
    submitted_by = models.ForeignKey(
        "accounts.User",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="上报人",
    )
    submitted_at = models.DateTimeField("上报时间")
    status = models.CharField(
        "状态", max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.SUBMITTED
    )
    reviewed_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="审核人",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    return_reason = models.TextField("退回原因", blank=True)

    class Meta:
        verbose_name = "报表上报"
        verbose_name_plural = "报表上报"
        ordering = ["campaign", "form_slug", "period", "org_path", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organization", "form_slug", "period", "version"],
                name="submission_version_once",
                violation_error_message="该报表此版本已上报",
            )
        ]
        indexes = [models.Index(fields=["campaign", "form_slug", "period", "org_path"])]

    def __str__(self) -> str:
        return f"{self.organization} · {self.data.get('title', self.form_slug)} 第{self.version}版"

    def get_absolute_url(self) -> str:
        return reverse("campaigns:submission", args=[self.campaign_id, self.pk])
