"""Code lists of the campaigns app (stored value in code, label as the interface prints it)."""

from django.db import models


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "筹备中"
    ACTIVE = "active", "进行中"
    CLOSED = "closed", "已结束"


class Level(models.TextChoices):
    """Which level of the tree carries out a step or submits a form."""

    BRANCH = "branch", "党支部"
    COMMITTEE = "committee", "基层党委（党总支）"
    DEPARTMENT = "department", "组织部门"


class Recurrence(models.TextChoices):
    ONCE = "once", "按截止日期上报一次"
    MONTHLY_END = "monthly_end", "每月月底前上报"


class SubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", "已上报待审核"
    ACCEPTED = "accepted", "已审核通过"
    RETURNED = "returned", "已退回"


# The documents whose 填表说明 a campaign's forms may print (reports.sources.DOCUMENTS).
FORMS_DOCUMENTS = [
    ("000", "组织部《关于深入推进党员组织关系排查工作的通知》"),
    ("001", "校党委组织部《关于开展党员组织关系集中排查的通知》"),
    ("002", "《市司法局党员组织关系集中排查工作步骤》"),
    ("003", "湘组〔2016〕4号"),
    ("004", "《陕西省防止党员“失联”十条措施》"),
]
