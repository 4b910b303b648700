"""Personas shared by every app's tests (STYLE §9).

The tree:   root (校党委) ─┬─ college_a ─┬─ branch_a1
                           │             └─ branch_a2
                           └─ college_b ─── branch_b1
            other_root (另一单位) ─── other_branch
"""

import datetime

import pytest

from paicha.accounts.models import User
from paicha.codes import Gender, OrgCategory, OrgKind
from paicha.members.idcard import make_id_number
from paicha.members.models import Member
from paicha.organizations.permissions import Role
from paicha.organizations.services import org_create, org_create_top


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # Argon2 is what production uses (tested on its own); tests need not pay for it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_inline(settings, monkeypatch):
    # Background work runs at once, in the test; the worker's own tests turn this off (and
    # then start without a page's memory of an earlier test's members being caught up).
    settings.TASKS_INLINE = True
    monkeypatch.setattr("paicha.evidence.gaps._found_current_at", None)


def setup_actor(org):
    """Who sets up test data: the 组织部门 of the top of `org`'s tree, an account kept out of the
    database (no test finds an extra user; audit rows name no account)."""
    top = org.ancestors().first() or org
    return User(username="setup", full_name="组织部门", organization=top, role=Role.ORG_DEPARTMENT)


def make_org(parent, code, name, kind=OrgKind.BRANCH):
    fields = dict(code=code, name=name, kind=kind, category=OrgCategory.SCHOOL)
    if parent is None:
        return org_create_top(**fields)
    return org_create(parent=parent, acting_user=setup_actor(parent), **fields)


_member_seq = iter(range(1, 10_000))


def make_member(org, name="张三", *, gender=Gender.MALE, birth=datetime.date(1990, 5, 17), **extra):
    seq = next(_member_seq)
    # A different county code every hundred members keeps the numbers unique and valid.
    region = f"43{seq // 100 % 100:02d}02"
    return Member.objects.create(
        organization=org,
        name=name,
        gender=gender,
        birth_date=birth,
        id_number=make_id_number(region, birth, seq % 100, gender)
        if "id_number" not in extra
        else extra.pop("id_number"),
        **extra,
    )


class Tree:
    def __init__(self):
        self.root = make_org(None, "001", "中共测试大学委员会", OrgKind.COMMITTEE)
        self.college_a = make_org(self.root, "001001", "文学院党委", OrgKind.COMMITTEE)
        self.branch_a1 = make_org(self.college_a, "001001001", "文学院教工第一党支部")
        self.branch_a2 = make_org(self.college_a, "001001002", "文学院学生党支部")
        self.college_b = make_org(self.root, "001002", "理学院党委", OrgKind.COMMITTEE)
        self.branch_b1 = make_org(self.college_b, "001002001", "理学院教工党支部")
        self.other_root = make_org(None, "900", "另一单位党委", OrgKind.COMMITTEE)
        self.other_branch = make_org(self.other_root, "900001", "另一单位党支部")
        # Test data written through services is written as the 组织部门 of the tree.
        self.department = setup_actor(self.root)


@pytest.fixture
def tree(db):
    return Tree()


def make_user(username, org, role):
    return User.objects.create_user(
        username=username, password="Secret-pass-1", organization=org, role=role, full_name=username
    )


@pytest.fixture
def personas(tree):
    """Users by name: worker of A1, worker of B1, reviewer of college A, department, auditor,
    and an outsider of another tree."""
    return {
        "worker_a1": make_user("worker_a1", tree.branch_a1, Role.BRANCH_WORKER),
        "worker_b1": make_user("worker_b1", tree.branch_b1, Role.BRANCH_WORKER),
        "reviewer_a": make_user("reviewer_a", tree.college_a, Role.COMMITTEE_REVIEWER),
        "department": make_user("department", tree.root, Role.ORG_DEPARTMENT),
        "auditor": make_user("auditor", tree.root, Role.AUDITOR),
        "outsider": make_user("outsider", tree.other_branch, Role.BRANCH_WORKER),
    }


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


from paicha.core.browser import browser, page  # noqa: E402,F401  (fixtures for journeys)
