from django.db import models
from django.urls import reverse

from paicha.codes import OrgCategory, OrgKind

from .scope import scope_path
from .tree import PATH_END, TreePathField, subtree_q


class OrganizationQuerySet(models.QuerySet):
    def subtree(self, root: "Organization"):
        return self.filter(subtree_q(root.path, "path"))

    def visible_to(self, user):
        return self.filter(subtree_q(scope_path(user), "path"))


class Organization(models.Model):
    """A party organization (党组织) at any level of the tree."""

    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name="上级党组织",
    )
    path = TreePathField("树路径", unique=True, editable=False)
    depth = models.PositiveSmallIntegerField("层级", editable=False)
    code = models.CharField(
        "组织代码", max_length=32, unique=True, help_text="本系统内唯一的组织代码，如 001002003"
    )
    name = models.CharField("组织名称", max_length=100)
    short_name = models.CharField("简称", max_length=40, blank=True)
    kind = models.CharField("组织类型", max_length=20, choices=OrgKind.choices)
    category = models.CharField("党组织类别", max_length=1, choices=OrgCategory.choices)
    secretary = models.CharField("书记", max_length=30, blank=True)
    secretary_phone = models.CharField("书记电话", max_length=30, blank=True)
    organizer = models.CharField("组织委员", max_length=30, blank=True)
    organizer_phone = models.CharField("组织委员电话", max_length=30, blank=True)
    office_phone = models.CharField("办公电话", max_length=30, blank=True)
    email = models.CharField("电子信箱", max_length=100, blank=True)
    intranet_address = models.CharField(
        "网上支部地址", max_length=200, blank=True, help_text="内网地址（IP 或网址），印在联心卡上"
    )
    wechat_group = models.CharField("支部微信群", max_length=100, blank=True)
    # What the group's QR code encodes (the invitation link WeChat gives); the 联心卡 prints the
    # code, generated here, never fetched from a web service.
    wechat_group_link = models.CharField(
        "支部微信群二维码内容",
        max_length=500,
        blank=True,
        help_text="微信群邀请链接（二维码所含文字），印成联心卡上的二维码",
    )
    secretary_wechat = models.CharField("书记微信号", max_length=50, blank=True)
    secretary_email = models.EmailField("书记邮箱", max_length=100, blank=True)
    organizer_wechat = models.CharField("组织委员微信号", max_length=50, blank=True)
    organizer_email = models.EmailField("组织委员邮箱", max_length=100, blank=True)
    # From this date the organization's 组织生活 and 党费 records are complete (SPEC §4); the
    # subtree inherits it. Empty: derived from the records (evidence app).
    books_opened_on = models.DateField("建账日期", null=True, blank=True)
    is_active = models.BooleanField("有效", default=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        verbose_name="并入组织",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = "党组织"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organizations:detail", args=[self.code])

    @property
    def path_end(self) -> str:
        return self.path + PATH_END

    @property
    def category_circled(self) -> str:
        return OrgCategory.circled(self.category)

    def grassroots_committee(self) -> "Organization | None":
        """The nearest 党委 or 党总支 above a branch (itself if it is one): the 基层党委."""
        from paicha.codes import OrgKind

        if self.kind in (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH):
            return self
        return (
            self.ancestors()
            .filter(kind__in=(OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH))
            .order_by("-path")
            .first()
        )

    def ancestors(self):
        """Root first, this organization excluded: one query on the path prefixes."""
        from .tree import SEGMENT_WIDTH

        prefixes = [self.path[:i] for i in range(SEGMENT_WIDTH, len(self.path), SEGMENT_WIDTH)]
        return Organization.objects.filter(path__in=prefixes).order_by("path")


class ScopedQuerySet(models.QuerySet):
    """Rows that belong to an organization subtree through their `org_path` column."""

    def visible_to(self, user):
        return self.filter(subtree_q(scope_path(user)))

    def in_subtree(self, org: Organization):
        return self.filter(subtree_q(org.path))


class OrgScopedModel(models.Model):
    """A record that grows with members: it carries the path of the organization it belongs to.

    The copy makes subtree queries a single index range without a join, and lets a sharded
    deployment distribute rows by subtree (SPEC §11). `organizations.services.org_move`
    rewrites it for every concrete subclass.
    """

    org_path = TreePathField("所属组织路径", db_index=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    # The field holding the organization this row belongs to.
    org_field = "organization"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        org = getattr(self, self.org_field)
        if org is not None:
            self.org_path = org.path
        super().save(*args, **kwargs)
