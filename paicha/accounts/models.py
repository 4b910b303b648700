from django.contrib.auth.models import AbstractUser
from django.db import models

from paicha.organizations.permissions import Perm, Role, has_perm


class User(AbstractUser):
    """An account acts for one organization, with one role; it sees that organization's subtree."""

    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name="所属党组织",
    )
    role = models.CharField("角色", max_length=30, choices=Role.choices, default=Role.BRANCH_WORKER)
    full_name = models.CharField("姓名", max_length=30, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    def can(self, perm: Perm) -> bool:
        return has_perm(self, perm)
