"""The states of an import job (core.importing.jobs), shared by every kind's job model."""

from django.db import models


class ImportState(models.TextChoices):
    CHECKING = "checking", "正在检查"
    CHECKED = "checked", "检查通过，待确认"
    REJECTED = "rejected", "有错误，未导入"
    IMPORTING = "importing", "正在导入"
    DONE = "done", "导入完成"
    FAILED = "failed", "导入失败"


RUNNING_IMPORT_STATES = (ImportState.CHECKING, ImportState.IMPORTING)
