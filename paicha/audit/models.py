from django.conf import settings
from django.db import models

from paicha.organizations.models import ScopedQuerySet
from paicha.organizations.tree import TreePathField


class AuditAction(models.TextChoices):
    CREATE = "create", "新增"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"
    MOVE = "move", "调整隶属关系"
    MERGE = "merge", "合并"
    IMPORT = "import", "导入"
    EXPORT = "export", "导出/下载"
    APPROVE = "approve", "审批"
    LOGIN = "login", "登录"


class AuditEntry(models.Model):
    """One change of one record, or one export: who, when, what (before → after)."""

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="操作人",
    )
    actor_name = models.CharField("操作人", max_length=60, blank=True)
    action = models.CharField("操作", max_length=20, choices=AuditAction.choices)
    model = models.CharField("记录类型", max_length=60, blank=True)
    model_label = models.CharField("记录类型名称", max_length=60, blank=True)
    object_id = models.CharField("记录编号", max_length=40, blank=True)
    object_repr = models.CharField("记录", max_length=200, blank=True)
    # The subtree the record belongs to, so each level reads only its own part of the log.
    org_path = TreePathField("所属组织路径", db_index=True, blank=True)
    member_id = models.BigIntegerField("相关党员", null=True, blank=True, db_index=True)
    member_name = models.CharField("相关党员姓名", max_length=60, blank=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.get_action_display()} {self.object_repr}"
