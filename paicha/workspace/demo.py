"""A deterministic fictional university (and, for benchmarks, a synthetic province).

Every run with the same arguments builds the same data: one seeded random generator, and a
fixed reference date instead of the clock.
"""

import datetime
import functools
import importlib
import random
import time
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from paicha.accounts.models import User
from paicha.audit.context import suspended
from paicha.audit.services import audit_record
from paicha.codes import OrgCategory, OrgKind
from paicha.core.bulk import bulk_insert
from paicha.members.demo import (  # noqa: F401  (REFERENCE_DATE, DEMO_PASSWORD: the demo's own)
    COLLEGES,
    DEMO_PASSWORD,
    REFERENCE_DATE,
    RETIRED_BRANCHES,
    STAFF_BRANCHES,
    STUDENT_BRANCHES,
    UNIVERSITY,
    MemberFactory,
    _phone,
)
from paicha.members.models import Member
from paicha.organizations.models import Organization
from paicha.organizations.permissions import Role
from paicha.organizations.tree import SEGMENT_WIDTH, encode_segment


@dataclass
class DemoResult:
    organizations: int
    members: int
    users: list[tuple[str, str, str]]
    seconds: float


def _make_org(parent, number, *, code, name, kind, category, **extra) -> Organization:
    path = (parent.path if parent else "") + encode_segment(number)
    return Organization(
        parent=parent,
        path=path,
        depth=len(path) // SEGMENT_WIDTH - 1,
        code=code,
        name=name,
        kind=kind,
        category=category,
        **extra,
    )


@transaction.atomic
def build_university(*, seed: int = 2016, ref: datetime.date = REFERENCE_DATE) -> DemoResult:
    """The fictional 湘江示范大学: 10 colleges, 60 branches, about 3,000 members, 73 users."""
    started = time.perf_counter()
    rng = random.Random(seed)
    factory = MemberFactory(rng, ref)
    users: list[tuple[str, str, str]] = []
    with suspended():
        root = _make_org(
            None,
            1,
            code="001",
            name=UNIVERSITY,
            short_name="校党委",
            kind=OrgKind.COMMITTEE,
            category=OrgCategory.SCHOOL,
            secretary="周建华",
            secretary_phone="0731-88880001",
            organizer="王媛",
            organizer_phone="0731-88880002",
            office_phone="0731-88880000",
            intranet_address="http://10.10.1.8/dangjian",
        )
        root.save()
        users.append(_user("zzb", "组织部 王媛", root, Role.ORG_DEPARTMENT))
        users.append(_user("shenji", "纪委 审计员 刘芳", root, Role.AUDITOR))
        member_rows = []
        for c, (college, kind) in enumerate(COLLEGES, start=1):
            college_org = _make_org(
                root,
                c,
                code=f"001{c:03d}",
                name=f"中共湘江示范大学{college}"
                f"{'委员会' if kind == OrgKind.COMMITTEE else '总支部委员会'}",
                short_name=college,
                kind=kind,
                category=OrgCategory.SCHOOL,
                secretary=factory.name(),
                secretary_phone=_phone(rng),
                organizer=factory.name(),
                organizer_phone=_phone(rng),
                office_phone=f"0731-8888{c:04d}",
            )
            college_org.save()
            users.append(
                _user(f"xy{c:02d}", f"{college} 审核员", college_org, Role.COMMITTEE_REVIEWER)
            )
            branches = {"机关": STAFF_BRANCHES, "离退休工作处": RETIRED_BRANCHES}.get(
                college, STUDENT_BRANCHES
            )
            for b, (branch_name, branch_kind) in enumerate(branches, start=1):
                branch = _make_org(
                    college_org,
                    b,
                    code=f"001{c:03d}{b:03d}",
                    name=f"{college}{branch_name}",
                    short_name=branch_name,
                    kind=OrgKind.BRANCH,
                    category=OrgCategory.SCHOOL,
                    secretary=factory.name(),
                    secretary_phone=_phone(rng),
                    organizer=factory.name(),
                    organizer_phone=_phone(rng),
                    intranet_address=f"http://10.10.{c}.{b}/zhibu",
                )
                branch.save()
                users.append(
                    _user(f"zb{c:02d}{b:02d}", f"{branch_name}组织委员", branch, Role.BRANCH_WORKER)
                )
                for _ in range(rng.randrange(35, 66)):
                    member_rows.append(factory.row(branch, branch_kind))
        count = bulk_insert(Member, MemberFactory.fields, member_rows)
        for step, populate in enumerate(_app_demo_steps(), start=1):
            populate(root=root, rng=random.Random(seed * 100 + step), ref=ref)
    audit_record(action="import", obj=root, note=f"演示数据：{count} 名党员")
    return DemoResult(Organization.objects.count(), count, users, time.perf_counter() - started)


@functools.cache
def _demo_password_hash() -> str:
    # Argon2 is slow on purpose: hash the shared demo password once, not per account.
    return make_password(DEMO_PASSWORD)


# Apps that add their own demo situations (evidence, transfers, cases …), in this order.
DEMO_APPS = ("evidence", "transfers", "cases", "campaigns", "reports")


def _app_demo_steps():
    """Each app's `demo.populate(root, rng, ref)`, for the apps that have one."""
    for app in DEMO_APPS:
        try:
            module = importlib.import_module(f"paicha.{app}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"paicha.{app}.demo":
                raise
            continue
        yield module.populate


def _user(username, full_name, org, role) -> tuple[str, str, str]:
    User.objects.create(
        username=username,
        full_name=full_name,
        organization=org,
        role=role,
        password=_demo_password_hash(),
    )
    return username, full_name, org.name


def build_synthetic(
    *, members: int, orgs: int, seed: int = 7, ref: datetime.date = REFERENCE_DATE, progress=None
) -> DemoResult:
    """A province-like tree of about `orgs` branches with `members` members, for benchmarks.

    Organizations go in with bulk_create level by level; members stream through the COPY /
    executemany path in chunks, so memory stays flat however many there are.
    """
    started = time.perf_counter()
    rng = random.Random(seed)
    factory = MemberFactory(rng, ref)
    branches_per_committee, committees_per_county = 20, 20
    n_branches = max(1, orgs)
    n_committees = -(-n_branches // branches_per_committee)
    n_counties = -(-n_committees // committees_per_county)
    with transaction.atomic(), suspended():
        top = Organization.objects.filter(parent__isnull=True).count() + 1
        root = _make_org(
            None,
            top,
            code=f"P{top:03d}",
            name=f"合成测试省委组织部{top}",
            kind=OrgKind.DEPARTMENT,
            category=OrgCategory.GOVERNMENT,
        )
        root.save()
        counties = Organization.objects.bulk_create(
            [
                _make_org(
                    root,
                    i + 1,
                    code=f"{root.code}-{i + 1:04d}",
                    name=f"合成县委{i + 1}",
                    kind=OrgKind.COMMITTEE,
                    category=OrgCategory.GOVERNMENT,
                )
                for i in range(n_counties)
            ]
        )
        committees = Organization.objects.bulk_create(
            [
                _make_org(
                    counties[i // committees_per_county],
                    i % committees_per_county + 1,
                    code=f"{root.code}-C{i + 1:06d}",
                    name=f"合成基层党委{i + 1}",
                    kind=OrgKind.COMMITTEE,
                    category=OrgCategory.RURAL,
                )
                for i in range(n_committees)
            ]
        )
        branches = Organization.objects.bulk_create(
            [
                _make_org(
                    committees[i // branches_per_committee],
                    i % branches_per_committee + 1,
                    code=f"{root.code}-B{i + 1:07d}",
                    name=f"合成党支部{i + 1}",
                    kind=OrgKind.BRANCH,
                    category=rng.choice(list(OrgCategory.values)),
                )
                for i in range(n_branches)
            ]
        )
    kinds = ("staff", "staff", "retired", "undergraduate", "postgraduate")
    written, chunk = 0, 50_000
    while written < members:
        size = min(chunk, members - written)
        with transaction.atomic(), suspended():
            rows = (
                factory.row(branches[(written + i) % n_branches], kinds[i % len(kinds)])
                for i in range(size)
            )
            written += bulk_insert(Member, MemberFactory.fields, rows)
        if progress:
            progress(written, members, time.perf_counter() - started)
    with connection.cursor() as cursor:
        # Fresh planner statistics, or the first queries on a million rows guess badly.
        cursor.execute("ANALYZE")
    audit_record(action="import", obj=root, note=f"合成基准数据：{written} 名党员")
    return DemoResult(
        1 + n_counties + n_committees + n_branches, written, [], time.perf_counter() - started
    )
