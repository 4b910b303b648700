"""Background jobs that a user waits for, and the worker's heartbeat."""

from django.conf import settings
from django.db import models


class JobState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "处理中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class BackgroundJob(models.Model):
    """A file prepared by the worker (a large export): progress while it runs, the file when
    it is done, the reason when it failed. Only its creator sees it."""

    kind = models.CharField("生成函数", max_length=200)
    title = models.CharField("名称", max_length=200)
    params = models.JSONField("参数", default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="提交人",
    )
    state = models.CharField(
        "状态", max_length=10, choices=JobState.choices, default=JobState.QUEUED
    )
    stage = models.CharField("阶段", max_length=40, blank=True)
    done = models.PositiveIntegerField("已完成", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    message = models.CharField("说明", max_length=300, blank=True)
    file = models.FileField("文件", upload_to="jobs/%Y/%m/", blank=True)
    filename = models.CharField("文件名", max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    worker = models.CharField("处理进程", max_length=64, blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ("-created_at", "-id")
        indexes = (
            models.Index(fields=["created_by", "-created_at"]),
            models.Index(fields=["state"]),
        )

    def __str__(self):
        return self.title

    @property
    def running(self) -> bool:
        return self.state in (JobState.QUEUED, JobState.RUNNING)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.total)) if self.total else 0


class WorkerHeartbeat(models.Model):
    """One row per worker process, rewritten every few seconds while it lives."""

    worker = models.CharField("处理进程", max_length=64, unique=True)
    host = models.CharField("主机", max_length=100, blank=True)
    pid = models.PositiveIntegerField("进程号", default=0)
    started_at = models.DateTimeField("启动时间")
    seen_at = models.DateTimeField("最近心跳", db_index=True)

    class Meta:
        verbose_name = "后台进程心跳"
        verbose_name_plural = "后台进程心跳"

    def __str__(self):
        return f"{self.host}:{self.pid}"
