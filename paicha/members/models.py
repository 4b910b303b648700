from django.db import models
from django.urls import reverse

from paicha.codes import (
    Education, Ethnicity, Gender, MaritalStatus, MemberSector, MemberStatus, MemberType,
    PersonCategory, StudentLevel,
)
from paicha.organizations.models import OrgScopedModel, ScopedQuerySet


class MemberQuerySet(ScopedQuerySet):
    def on_roster(self):
        """Members whose relationship is in their branch (SPEC §5: pocket members included)."""
        return self.filter(status__in=ON_ROSTER)


# Statuses that keep a member on the branch's roster (支部党员名册).
ON_ROSTER = (MemberStatus.ACTIVE, MemberStatus.RETAINED)


class Member(OrgScopedModel):
    """A party member: the fields of 《中国共产党党员基本情况登记表》 (seed 002)."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="members",
        verbose_name="现所在支部",
    )
    name = models.CharField("姓名", max_length=30)
    name_initials = models.CharField("姓名拼音首字母", max_length=30, db_index=True, editable=False)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=2, choices=Ethnicity.choices,
                                 default=Ethnicity.HAN)
    native_place = models.CharField("籍贯", max_length=60, blank=True,
                                    help_text="祖居所在地，填到区县一级")
    birth_date = models.DateField("出生日期")
    id_number = models.CharField("身份证号码", max_length=18, unique=True)
    mobile = models.CharField("手机号码", max_length=11, blank=True)
    other_contacts = models.CharField("其他联系方式", max_length=200, blank=True,
                                      help_text="工作单位电话、家庭电话、微信号、QQ号、电子信箱等")
    household_register = models.CharField("户籍所在地", max_length=32, blank=True)
    residence = models.CharField("实际居住地址", max_length=200, blank=True)
    marital_status = models.CharField("婚姻状况", max_length=1, choices=MaritalStatus.choices,
                                      blank=True)
    school = models.CharField("毕业院校", max_length=100, blank=True)
    education = models.CharField("学历", max_length=1, choices=Education.choices, blank=True)
    degree = models.CharField("学位", max_length=30, blank=True)
    work_start_date = models.DateField("参加工作时间", null=True, blank=True)
    work_unit = models.CharField("工作单位及职务（职称）", max_length=200, blank=True)
    join_date = models.DateField("入党日期", null=True, blank=True,
                                 help_text="成为预备党员的日期")
    join_org_name = models.CharField("入党时所在党组织", max_length=100, blank=True)
    full_date = models.DateField("转正日期", null=True, blank=True)
    branch_entry_date = models.DateField("进入支部日期", null=True, blank=True)
    party_post = models.CharField("党内职务", max_length=60, blank=True)
    former_party_post = models.CharField("曾任党内职务", max_length=100, blank=True)
    monthly_dues = models.DecimalField("每月党费交纳数额", max_digits=8, decimal_places=2,
                                       null=True, blank=True)
    member_type = models.CharField("党员类型", max_length=15, choices=MemberType.choices,
                                   default=MemberType.FULL)
    sector = models.CharField("所在领域", max_length=20, choices=MemberSector.choices, blank=True)
    person_category = models.CharField("人员类别", max_length=10, choices=PersonCategory.choices,
                                       blank=True)
    student_level = models.CharField("学生类别", max_length=20, choices=StudentLevel.choices,
                                     blank=True)
    # Flags of the 登记表.
    in_hardship = models.BooleanField("生活困难党员", default=False)
    retired = models.BooleanField("离退休党员", default=False)
    flowing = models.BooleanField("流动党员", default=False)
    flow_destination = models.CharField("流入地（单位）", max_length=200, blank=True)
    employed_reported = models.BooleanField("在职党员", default=False)
    reported_community = models.CharField("报到社区", max_length=100, blank=True)
    pocket = models.BooleanField("“口袋”党员", default=False)
    religious = models.BooleanField("参教信教党员", default=False)
    status = models.CharField("状态", max_length=20, choices=MemberStatus.choices,
                              default=MemberStatus.ACTIVE, db_index=True)
    status_date = models.DateField("状态变化日期", null=True, blank=True)
    remarks = models.TextField("备注", blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = "党员"
        verbose_name_plural = "党员"
        ordering = ["org_path", "name", "id"]
        indexes = [
            models.Index(fields=["org_path", "name"], name="member_scope_name"),
            models.Index(fields=["org_path", "status"], name="member_scope_status"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("members:detail", args=[self.pk])

    def save(self, *args, **kwargs):
        from paicha.core.pinyin import initials

        self.name_initials = initials(self.name)
        super().save(*args, **kwargs)
