"""Reads of members: scoped fetches, the 一人两籍 lookup, the roster list and its filters."""

from paicha.core.privacy import mask_contacts, mask_identity
from paicha.organizations.models import Organization
from paicha.organizations.scope import get_for_user

from .models import Member


def get_member_for_user(user, pk: int, *, for_write: bool = False) -> Member:
    return get_for_user(
        Member.objects.select_related("organization"), user, for_write=for_write, pk=pk
    )


def org_label(org: Organization) -> str:
    """“理学院党委 理学院教工党支部”: the branch and the level above, enough to find it."""
    parent = org.parent if org.parent_id else None
    return f"{parent.name} {org.name}" if parent else org.name


def duplicate_message(id_number: str, *, here: Organization | None, there: Organization) -> str:
    """The 一人两籍 message: both branches named, nothing about the other member revealed."""
    here_text = f"本次登记的“{org_label(here)}”" if here is not None else "本次登记"
    if here is not None and here.pk == there.pk:
        return (
            f"身份证号码 {id_number} 已在“{org_label(there)}”登记，同一支部不能重复登记（一人两籍）"
        )
    return (
        f"身份证号码 {id_number} 已在“{org_label(there)}”登记，与{here_text}重复"
        f"（一人两籍）：同一党员只能有一个组织关系，请与该党组织核实后办理组织关系转接"
    )


def duplicate_id_message(
    id_number: str, *, organization: Organization | None, exclude_pk: int | None = None
) -> str | None:
    """The message if `id_number` is already registered anywhere in the system, else None.

    Deliberately unscoped: the other registration may lie outside the user's subtree, and only
    the organizations' names leave this function.
    """
    other = (
        Member.objects.filter(id_number=id_number)
        .exclude(pk=exclude_pk)
        .select_related("organization__parent")
        .first()
    )
    if other is None:
        return None
    return duplicate_message(id_number, here=organization, there=other.organization)


def member_history(member: Member, *, show_identity: bool, limit: int = 100) -> list:
    """Every change of the record and of the records about the member (audit log). The
    audit/_entries.html template masks 身份证号码 and phones for readers who may not see them."""
    from paicha.audit.models import AuditEntry

    return list(AuditEntry.objects.filter(member_id=member.pk).order_by("-at", "-id")[:limit])


# Apps whose records about a member the member page lists, in this order.
RELATED_APPS = ("evidence", "transfers", "cases")


def member_related_sections(member: Member, *, limit: int = 20) -> list[dict]:
    """The member's evidence, transfers and cases, found through the foreign keys those apps
    declare to Member: an app that has no such model yet contributes no section."""
    sections = []
    for app in RELATED_APPS:
        for relation in Member._meta.related_objects:
            model = relation.related_model
            if model._meta.app_label != app or not relation.one_to_many:
                continue
            if relation.field.name != "member":  # e.g. a signer, not the subject
                continue
            rows = list(model._default_manager.filter(**{relation.field.name: member})[:limit])
            sections.append(
                {
                    "title": str(model._meta.verbose_name_plural),
                    "rows": rows,
                    "app": app,
                    "model": model._meta.model_name,
                }
            )
    return sections


def display_value(member: Member, name: str, *, show_identity: bool) -> str:
    """A field as the 登记表 prints it: labels for codes, 2016年9月20日 for dates, 是 for flags."""
    import datetime

    from paicha.core.dates import format_cn_date

    field = Member._meta.get_field(name)
    value = getattr(member, name)
    if name in ("id_number", "mobile") and not show_identity:
        return mask_identity(value)
    if name == "other_contacts" and not show_identity:
        return mask_contacts(value)
    if name == "organization":
        return value.name
    if field.choices:
        return getattr(member, f"get_{name}_display")() if value else ""
    if isinstance(value, bool):
        return "是" if value else ""
    if isinstance(value, datetime.date):
        return format_cn_date(value)
    return "" if value is None else str(value)


def member_record_groups(member: Member, *, show_identity: bool) -> list:
    """[(group title, [(label, text), …]), …] in the order of the 登记表."""
    from .forms import FIELD_GROUPS

    return [
        (
            title,
            [
                (
                    str(Member._meta.get_field(n).verbose_name),
                    display_value(member, n, show_identity=show_identity),
                )
                for n in names
            ],
        )
        for title, names in FIELD_GROUPS
    ]


# ---- The roster list: filters and keyset pages ----------------------------------------------

PAGE_SIZE = 50
COUNT_CAP = 10_000
FLAG_FIELDS = ("in_hardship", "retired", "flowing", "employed_reported", "pocket", "religious")


def member_roster(user, filters: dict):
    """Members of the user's scope matching `filters` (cleaned MemberFilterForm data), in the
    roster order (组织, 姓名). Returns (queryset, organization the list is about)."""
    from paicha.codes import Ethnicity

    from .models import ON_ROSTER

    members = Member.objects.visible_to(user)
    org = user.organization
    if code := filters.get("org"):
        org = Organization.objects.visible_to(user).filter(code=code).first()
        if org is None:
            return Member.objects.none(), None
        members = (
            members.filter(organization=org)
            if filters.get("sub") == "0"
            else members.in_subtree(org)
        )
    if q := "".join((filters.get("q") or "").split()):
        # Prefixes only, each served by an index: a 姓名 as typed from its start, or pinyin
        # initials (zw → 张伟). "Contains" would scan the whole subtree of a province.
        members = (
            members.filter(name_initials__startswith=q.lower())
            if q.isascii()
            else members.filter(name__startswith=q)
        )
    for name in (
        "gender",
        "education",
        "member_type",
        "person_category",
        "student_level",
        "sector",
    ):
        if value := filters.get(name):
            members = members.filter(**{name: value})
    if ethnicity := filters.get("ethnicity"):
        members = (
            members.exclude(ethnicity=Ethnicity.HAN)
            if ethnicity == "minority"
            else members.filter(ethnicity=ethnicity)
        )
    status = filters.get("status")
    if not status:
        members = members.filter(status__in=ON_ROSTER)
    elif status != "all":
        members = members.filter(status=status)
    if (flag := filters.get("flag")) in FLAG_FIELDS:
        members = members.filter(**{flag: True})
    return members.order_by("org_path", "name", "id"), org


def encode_cursor(member: Member) -> str:
    import base64
    import json

    raw = json.dumps([member.org_path, member.name, member.pk], ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token: str) -> tuple[str, str, int] | None:
    import base64
    import binascii
    import json

    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        org_path, name, pk = json.loads(raw)
        return str(org_path), str(name), int(pk)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        return None


def keyset_page(members, *, after: str | None, size: int = PAGE_SIZE):
    """One page of the roster after the cursor: (rows, next cursor or None).

    A row-value comparison on the (org_path, name, id) index: the page costs the same at the
    millionth row as at the first, and no COUNT over the subtree is needed to page.
    """
    if after and (cursor := decode_cursor(after)):
        members = members.extra(
            where=[
                "(members_member.org_path, members_member.name, members_member.id) > (%s, %s, %s)"
            ],
            params=list(cursor),
        )
    rows = list(members.select_related("organization")[: size + 1])
    next_cursor = encode_cursor(rows[size - 1]) if len(rows) > size else None
    return rows[:size], next_cursor


def capped_count(members, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(count, exact?): counting stops at `cap` so a province-wide list stays fast."""
    n = members.order_by().values("id")[: cap + 1].count()
    return min(n, cap), n <= cap


def roster_count(user, filters: dict, members) -> tuple[int | None, bool]:
    """The size of the list, when it is cheap to know.

    A subtree of at most COUNT_CAP members is counted exactly, filters and all. A bigger one
    shows "N+" unfiltered, and no count under filters: finding the 10,000th member with a rare
    flag would read the whole subtree, and the pages do not need it (keyset).
    """
    filtered = any(v for k, v in filters.items() if k not in ("org", "sub", "status"))
    if not filtered:
        return capped_count(members)
    base, _ = member_roster(
        user, {"org": filters.get("org"), "sub": filters.get("sub"), "status": "all"}
    )
    if capped_count(base)[1]:
        return members.count(), True
    return None, False
