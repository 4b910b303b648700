from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.urls import reverse

from paicha.codes import (
    Education,
    Ethnicity,
    Gender,
    MaritalStatus,
    MemberSector,
    MemberStatus,
    MemberType,
    PersonCategory,
    StudentLevel,
)
from paicha.core.importing.states import RUNNING_IMPORT_STATES, ImportState
from paicha.organizations.models import OrgScopedModel, ScopedQuerySet
from paicha.organizations.tree import TreePathField

from .idcard import normalize_id_number
from .validators import (
    normalize_mobile,
    rule_errors,
    validate_id_number,
    validate_mobile,
)


class MemberQuerySet(ScopedQuerySet):
    def on_roster(self):
        """Members whose relationship is in their branch (SPEC §5: pocket members included)."""
        return self.filter(status__in=ON_ROSTER)

    def on_roster_on(self, as_of):
        """Members on the roster on `as_of` (SPEC §4), wherever their relationship is today.

        Still on it, or left it (除名, 开除, 停止党籍, 死亡, transferred out with receipt)
        only after `as_of` — `status_date` is the day the change took effect, set by every service
        that takes a member off the roster — and already in the party and the branch by then
        (入党日期 and 进入支部日期 not after `as_of`). For the roster of an organization on a
        date use `transfers.selectors.members_on_roster_of`, which also places a member moved
        within the system where he was."""
        return self.filter(roster_status_q(as_of), entered_q(as_of))


def roster_status_q(as_of, prefix: str = "") -> Q:
    """The member's status leaves him on the roster on `as_of` (prefix "member__" from a
    record that points to the member)."""
    return Q(**{f"{prefix}status__in": ON_ROSTER}) | Q(**{f"{prefix}status_date__gt": as_of})


def entered_q(as_of, prefix: str = "") -> Q:
    """In the party and in the branch by `as_of` (a date left empty does not exclude)."""
    return ~Q(**{f"{prefix}branch_entry_date__gt": as_of}) & ~Q(**{f"{prefix}join_date__gt": as_of})


# Statuses that keep a member on the branch's roster (支部党员名册).
ON_ROSTER = (MemberStatus.ACTIVE, MemberStatus.RETAINED)

# Every column of a member row, in the order the bulk writers give them (the roster import,
# the demo data): `core.bulk.bulk_insert(Member, ROW_FIELDS, rows)`.
ROW_FIELDS = (
    "organization",
    "org_path",
    "name",
    "name_initials",
    "gender",
    "ethnicity",
    "native_place",
    "birth_date",
    "id_number",
    "mobile",
    "other_contacts",
    "household_register",
    "residence",
    "marital_status",
    "school",
    "education",
    "degree",
    "work_start_date",
    "work_unit",
    "join_date",
    "join_org_name",
    "full_date",
    "branch_entry_date",
    "party_post",
    "former_party_post",
    "monthly_dues",
    "member_type",
    "sector",
    "person_category",
    "student_level",
    "in_hardship",
    "retired",
    "flowing",
    "flow_destination",
    "employed_reported",
    "reported_community",
    "pocket",
    "religious",
    "status",
    "status_date",
    "remarks",
    "declared_last_org_life",
    "declared_last_dues",
    "created_at",
    "updated_at",
)


# Optional fields have their default in the table too (DEFAULT '' / false), so a bulk insert
# leaves out the columns a roster file does not fill: an import then writes half the columns.
OPTIONAL_TEXT = {"blank": True, "default": "", "db_default": ""}
UNSET_FLAG = {"default": False, "db_default": False}


class Member(OrgScopedModel):
    """A party member: the fields of 《中国共产党党员基本情况登记表》 (seed 002)."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name="现所在支部",
    )
    # Every index costs each imported row; the two in Meta.indexes lead with org_path and serve
    # the subtree ranges, so the column needs none of its own.
    org_path = TreePathField("所属组织路径", db_index=False, editable=False)
    name = models.CharField("姓名", max_length=30)
    # Searched by prefix only: migration 0007 indexes it on PostgreSQL (SQLite's LIKE cannot
    # use an index).
    name_initials = models.CharField("姓名拼音首字母", max_length=30, editable=False)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(
        "民族",
        max_length=2,
        choices=Ethnicity.choices,
        default=Ethnicity.HAN,
        db_default=Ethnicity.HAN,
    )
    native_place = models.CharField(
        "籍贯", max_length=60, **OPTIONAL_TEXT, help_text="祖居所在地，填到区县一级"
    )
    birth_date = models.DateField("出生日期")
    id_number = models.CharField(
        "身份证号码",
        max_length=18,
        unique=True,
        validators=[validate_id_number],
        help_text="18位，末位X可小写，全角数字自动转换",
    )
    mobile = models.CharField(
        "手机号码", max_length=11, validators=[validate_mobile], **OPTIONAL_TEXT
    )
    other_contacts = models.CharField(
        "其他联系方式",
        max_length=200,
        **OPTIONAL_TEXT,
        help_text="工作单位电话、家庭电话、微信号、QQ号、电子信箱等",
    )
    household_register = models.CharField("户籍所在地", max_length=32, **OPTIONAL_TEXT)
    residence = models.CharField("实际居住地址", max_length=200, **OPTIONAL_TEXT)
    marital_status = models.CharField(
        "婚姻状况", max_length=1, choices=MaritalStatus.choices, **OPTIONAL_TEXT
    )
    school = models.CharField("毕业院校", max_length=100, **OPTIONAL_TEXT)
    education = models.CharField("学历", max_length=1, choices=Education.choices, **OPTIONAL_TEXT)
    degree = models.CharField("学位", max_length=30, **OPTIONAL_TEXT)
    work_start_date = models.DateField("参加工作时间", null=True, blank=True)
    work_unit = models.CharField("工作单位及职务（职称）", max_length=200, **OPTIONAL_TEXT)
    # Nullable in the table (old records may lack it; the data-quality page lists them), but
    # required by the form, the importer and `clean`.
    join_date = models.DateField("入党日期", null=True, blank=True, help_text="成为预备党员的日期")
    join_org_name = models.CharField("入党时所在党组织", max_length=100, **OPTIONAL_TEXT)
    full_date = models.DateField("转正日期", null=True, blank=True)
    branch_entry_date = models.DateField("进入支部日期", null=True, blank=True)
    party_post = models.CharField("党内职务", max_length=60, **OPTIONAL_TEXT)
    former_party_post = models.CharField("曾任党内职务", max_length=100, **OPTIONAL_TEXT)
    monthly_dues = models.DecimalField(
        "每月党费交纳数额", max_digits=8, decimal_places=2, null=True, blank=True
    )
    member_type = models.CharField(
        "党员类型",
        max_length=15,
        choices=MemberType.choices,
        default=MemberType.FULL,
        db_default=MemberType.FULL,
    )
    sector = models.CharField(
        "所在领域", max_length=20, choices=MemberSector.choices, **OPTIONAL_TEXT
    )
    person_category = models.CharField(
        "人员类别", max_length=10, choices=PersonCategory.choices, **OPTIONAL_TEXT
    )
    student_level = models.CharField(
        "学生类别", max_length=20, choices=StudentLevel.choices, **OPTIONAL_TEXT
    )
    # Flags of the 登记表.
    in_hardship = models.BooleanField("生活困难党员", **UNSET_FLAG)
    retired = models.BooleanField("离退休党员", **UNSET_FLAG)
    flowing = models.BooleanField("流动党员", **UNSET_FLAG)
    flow_destination = models.CharField("流入地（单位）", max_length=200, **OPTIONAL_TEXT)
    employed_reported = models.BooleanField("在职党员", **UNSET_FLAG)
    reported_community = models.CharField("报到社区", max_length=100, **OPTIONAL_TEXT)
    pocket = models.BooleanField("“口袋”党员", **UNSET_FLAG)
    religious = models.BooleanField("参教信教党员", **UNSET_FLAG)
    status = models.CharField(
        "状态",
        max_length=20,
        choices=MemberStatus.choices,
        default=MemberStatus.ACTIVE,
        db_default=MemberStatus.ACTIVE,
    )
    status_date = models.DateField("状态变化日期", null=True, blank=True)
    # The dates a roster file gives for the last 组织生活 and the last 党费: evidence of contact
    # (SPEC §4) where the branch's own records do not go back that far.
    declared_last_org_life = models.DateField("最近一次参加组织生活时间", null=True, blank=True)
    declared_last_dues = models.DateField("最近一次交纳党费时间", null=True, blank=True)
    remarks = models.TextField("备注", **OPTIONAL_TEXT)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = "党员"
        verbose_name_plural = "党员"
        ordering = ["org_path", "name", "id"]
        indexes = [
            # The roster order, also the keyset of its pages (selectors.keyset_page).
            models.Index(fields=["org_path", "name", "id"], name="member_roster_order"),
            # (On PostgreSQL, migration 0006 adds member_name_prefix for LIKE '张伟%'; SQLite's
            # LIKE cannot use an index, so there it would only slow imports down.)
            models.Index(fields=["org_path", "status"], name="member_scope_status"),
            # The few members who have left the roster (除名, 死亡, transferred out …), by the
            # date they left: a count dated D excludes them without reading every member
            # (reports.catalogue.summary.outcome_cases). Partial, so an import of members on
            # the roster does not write it.
            models.Index(
                fields=["status_date"],
                name="member_off_roster",
                condition=~Q(status__in=["active", "retained"]),
            ),
            # The members the 失联 page sets apart (保留组织关系 abroad, flowing: a few per cent),
            # with their ids, so a subtree's are read from the index alone
            # (evidence.selectors.lost_list_counts).
            models.Index(
                fields=["org_path", "id"],
                name="member_apart_scope",
                condition=Q(status="retained") | Q(flowing=True),
            ),
        ]
        # The rules of SPEC §3 that hold for one row, enforced by the database too, so no
        # import path or script can store a record the form would refuse.
        constraints = [
            models.CheckConstraint(
                condition=Exact(Length("id_number"), 18),
                name="member_id_number_18",
                violation_error_message="身份证号码应为18位",
            ),
            models.CheckConstraint(
                condition=Q(mobile="") | (Exact(Length("mobile"), 11) & Q(mobile__startswith="1")),
                name="member_mobile_11_digits",
                violation_error_message="手机号码应为以1开头的11位数字",
            ),
            models.CheckConstraint(
                condition=Q(gender__in=Gender.values),
                name="member_gender_code",
                violation_error_message="性别只能是男或女",
            ),
            models.CheckConstraint(
                condition=Q(join_date__isnull=True) | Q(join_date__gt=F("birth_date")),
                name="member_join_after_birth",
                violation_error_message="入党日期应晚于出生日期",
            ),
            models.CheckConstraint(
                condition=Q(full_date__isnull=True)
                | Q(join_date__isnull=False, full_date__gte=F("join_date")),
                name="member_full_not_before_join",
                violation_error_message="转正日期不能早于入党日期",
            ),
            models.CheckConstraint(
                condition=~Q(member_type=MemberType.PROBATIONARY) | Q(full_date__isnull=True),
                name="member_probationary_no_full_date",
                violation_error_message="预备党员尚未转正，不应填写转正日期",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("members:detail", args=[self.pk])

    def clean_fields(self, exclude=None):
        # Normalize before the field validators see the value: a lower-case x or full-width
        # digits are the same number, not an error (SPEC §3).
        self.id_number = normalize_id_number(self.id_number or "")
        self.mobile = normalize_mobile(self.mobile or "")
        super().clean_fields(exclude=exclude)

    def clean(self):
        errors = {}
        if self.join_date is None:
            errors["join_date"] = ["请填写入党日期（成为预备党员的日期）"]
        for field, messages in rule_errors(
            id_number=self.id_number,
            birth_date=self.birth_date,
            gender=self.gender,
            join_date=self.join_date,
            full_date=self.full_date,
            member_type=self.member_type,
        ).items():
            if field == "id_number":
                continue  # the field validator already said it
            errors.setdefault(field, []).extend(messages)
        if self.flowing is False and self.flow_destination:
            errors["flow_destination"] = ["只有流动党员才填写流入地（单位）"]
        if self.employed_reported is False and self.reported_community:
            errors["reported_community"] = ["只有在职党员才填写报到社区"]
        if self.person_category != PersonCategory.STUDENT and self.student_level:
            errors["student_level"] = ["只有学生党员才填写学生类别"]
        if errors:
            raise ValidationError(errors)

    def validate_unique(self, exclude=None):
        # The table's unique index would say "already exists"; say where instead (一人两籍).
        from .selectors import duplicate_id_message

        try:
            super().validate_unique(exclude=exclude)
        except ValidationError as exc:
            errors = exc.error_dict
            if "id_number" in errors:
                org = self.organization if self.organization_id else None
                message = duplicate_id_message(self.id_number, organization=org, exclude_pk=self.pk)
                if message:
                    errors["id_number"] = [ValidationError(message, code="duplicate_id")]
            raise ValidationError(errors) from None

    def save(self, *args, **kwargs):
        from paicha.core.pinyin import initials

        self.name_initials = initials(self.name)
        super().save(*args, **kwargs)


class MemberImport(OrgScopedModel):
    """One uploaded roster file and what became of it: checked, confirmed, written. Large
    files of the other imports (dues, attendance, historical transfers) are kept here too,
    named by `kind`.

    The file is kept in the row so the confirmation can check it again and a worker process
    other than the one that received the upload can run it.
    """

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="导入到",
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name="上传人"
    )
    filename = models.CharField("文件名", max_length=200)
    # What the file is: blank for the roster; otherwise the dotted path of the import's
    # declaration (core.importing.cycle.Importer) and the parameters it is built from.
    kind = models.CharField("导入内容", max_length=200, blank=True, default="")
    params = models.JSONField("导入参数", default=dict, blank=True)
    content = models.BinaryField("文件内容")
    state = models.CharField(
        "状态", max_length=20, choices=ImportState.choices, default=ImportState.CHECKING
    )
    summary = models.JSONField("检查结果", default=dict, blank=True)
    errors = models.JSONField("错误", default=list, blank=True)
    preview = models.JSONField("将新增或更新的党员", default=list, blank=True)
    message = models.CharField("说明", max_length=300, blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    started_at = models.DateTimeField("本步开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "党员名册导入"
        verbose_name_plural = "党员名册导入"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.filename

    def get_absolute_url(self) -> str:
        return reverse("members:import_detail", args=[self.pk])

    @property
    def running(self) -> bool:
        return self.state in RUNNING_IMPORT_STATES

    @property
    def what(self) -> str:
        """What the file holds, as the pages say it."""
        if not self.kind:
            return "党员名册"
        from paicha.core.importing.jobs import declaration_class

        return declaration_class(self.kind).title

    def save(self, *args, **kwargs):
        # Bookkeeping of an upload, not a record change: the import writes its own audit
        # entry (with counts) when it is confirmed; the file's bytes stay out of the log.
        from paicha.audit.context import suspended

        with suspended():
            super().save(*args, **kwargs)
