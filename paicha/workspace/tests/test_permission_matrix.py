"""The declared permission matrix over the demo university (pages.py): every URL pattern is
declared; a persona of another college or another unit gets 403/404 and none of the records;
state-changing actions refuse GET; the auditor (no VIEW_IDENTITY) sees no full 身份证号码 and
no full mobile number on any page or in any download."""

import io
import re
import zipfile

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from paicha.accounts.models import User
from paicha.organizations.permissions import Role

from .pages import OPEN_PAGES, PAGES, World

FULL_ID = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])")
FULL_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
# Pages of the university's campaign itself, which every college of it may open.
CAMPAIGN_WIDE = {
    "campaigns:detail",
    "campaigns:edit",
    "campaigns:phase_new",
    "campaigns:phase_edit",
    "campaigns:step_new",
    "campaigns:step_edit",
    "campaigns:tick",
    "campaigns:untick",
    "campaigns:required_form_new",
    "campaigns:board",
    "campaigns:calendar",
    "campaigns:submit",
    "campaigns:submissions",
    "campaigns:rollup",
    "campaigns:report",
}


def _url_names(patterns=None, prefix=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _url_names(entry.url_patterns, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + entry.name


def test_every_url_pattern_is_declared():
    names = set(_url_names())
    undeclared = names - set(PAGES) - OPEN_PAGES
    assert not undeclared, f"declare these pages in workspace/tests/pages.py: {sorted(undeclared)}"
    assert not (set(PAGES) | OPEN_PAGES) - names


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo university (built once for the module, rolled back after it), another unit with
    its own branch worker, and an import job whose errors quote ID numbers."""
    from paicha.codes import OrgKind
    from paicha.conftest import make_org
    from paicha.members.models import MemberImport
    from paicha.workspace import demo

    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    media.enable()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            demo.build_university()
            other_root = make_org(None, "900", "另一单位党委", OrgKind.COMMITTEE)
            User.objects.create(
                username="outsider", organization=other_root, role=Role.ORG_DEPARTMENT
            )
            w = World.build()
            member = w.member
            if w.objects["import"] is None:
                w.objects["import"] = MemberImport.objects.create(
                    organization=w.branch,
                    created_by=User.objects.get(username="zb0101"),
                    filename="名册.xlsx",
                    content=b"",
                    state="failed",
                    summary={"rows": 1, "errors": 1},
                    message=f"{member.id_number} 一人两籍",
                    errors=[
                        {
                            "row": 4,
                            "column": "身份证号码",
                            "value": member.id_number,
                            "message": f"{member.id_number}已在其他党组织登记，手机{member.mobile}",
                        }
                    ],
                )
            w.objects["user"] = User.objects.get(username="zb0101")
            if w.attachment is None:
                w.objects["attachment"] = _scan(w.case)
            yield w
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            media.disable()


def _scan(case):
    """A scan attached to `case`."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from paicha.cases.services import attachment_add
    from paicha.core.tests import scans

    worker = User.objects.filter(organization=case.organization, role=Role.BRANCH_WORKER).first()
    return attachment_add(
        case=case, acting_user=worker, uploaded=SimpleUploadedFile("扫描件.png", scans.png())
    )


def _client(username):
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _text(response) -> str:
    """What a reader of the response can read: the page, or every part of an .xlsx/.docx."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "".join(
                archive.read(n).decode("utf-8", "replace")
                for n in archive.namelist()
                if n.endswith(".xml")
            )
    return body.decode("utf-8", "replace")


def _declared(world):
    for name, page in sorted(PAGES.items()):
        url = page.build(world)
        if url is not None:
            yield name, page, url


def test_the_demo_has_a_record_for_every_object_page(world):
    missing = [name for name, page in PAGES.items() if page.build(world) is None]
    # The demo ticks no campaign step with minutes attached, and prepares no background file;
    # the campaigns' and the job queue's own tests scope those.
    assert sorted(missing) == [
        "campaigns:minutes",
        "job_detail",
        "job_download",
        "job_progress",
        "job_retry",
    ]


def _about_a_record(name, url) -> bool:
    """An address naming a record or an organization of the university (not a list or a
    new-record form, which show the reader's own unit)."""
    if PAGES[name].own_unit:
        return False
    path = url.split("?")[0]
    return any(ch.isdigit() for ch in path) or "member=" in url


@pytest.mark.django_db
def test_another_unit_gets_nothing_of_the_university(world):
    client = _client("outsider")
    foreign = (world.member.name, world.member.id_number, world.branch.name)
    for name, _page, url in _declared(world):
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if _about_a_record(name, url):
                assert response.status_code in (403, 404, 405), (name, method, response.status_code)
            text = _text(response)
            for value in foreign:
                assert value not in text, (name, method, value)


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["zb0201", "xy02"])
def test_another_college_gets_no_record_of_this_one(world, username):
    client = _client(username)
    member = world.member
    for name, _page, url in _declared(world):
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            # The campaign is the university's: every college takes part in it.
            if _about_a_record(name, url) and name not in CAMPAIGN_WIDE:
                assert response.status_code in (403, 404, 405), (name, method, response.status_code)
            assert member.id_number not in _text(response), (name, method)


@pytest.mark.django_db
def test_state_changing_actions_refuse_get(world):
    client = _client("zzb")
    post_only = [(name, url) for name, page, url in _declared(world) if page.post_only]
    assert post_only
    for name, url in post_only:
        assert client.get(url).status_code == 405, name


@pytest.mark.django_db
def test_the_auditor_sees_no_full_id_or_mobile_anywhere(world):
    client = _client("shenji")
    # Changes the auditor will read in the audit log and the member's history.
    department = _client("zzb")
    member = world.member
    from paicha.audit.services import audit_record

    audit_record(
        acting_user=User.objects.get(username="zzb"),
        action="update",
        obj=member,
        changes={
            "手机号码": ["13900000000", member.mobile],
            "其他联系方式": ["", "微信 wang_secret；座机 0731-88886666"],
            "身份证号码": ["", member.id_number],
        },
    )
    assert department.get(f"/members/{member.pk}/").status_code == 200
    leaks = []
    for name, _page, url in _declared(world):
        response = client.get(url)
        if response.status_code != 200:
            continue
        text = _text(response)
        for pattern in (FULL_ID, FULL_MOBILE):
            found = pattern.findall(text)
            if found:
                leaks.append((name, found[:3]))
        if "wang_secret" in text:
            leaks.append((name, "wang_secret"))
    assert not leaks


def _plant_contacts(world):
    """Full numbers and WeChat ids on the records the auditor's pages show: the member's
    其他联系方式, the letter's contacts (detail, 承诺书, 联心卡), a search attempt's phone
    (记录表, 纪实表), a flow record's contact."""
    from paicha.cases.models import SearchAttempt
    from paicha.members.models import Member
    from paicha.transfers.models import FlowRecord, Transfer

    Member.objects.filter(pk=world.member.pk).update(
        mobile="13711112222", other_contacts="微信 wang_secret；座机 0731-88886666"
    )
    Transfer.objects.filter(pk=world.transfer.pk).update(
        contact_phone="13722223333",
        contact_wechat="wx_transfer_secret",
        backup_contact="王备用",
        backup_contact_phone="13733334444",
    )
    SearchAttempt.objects.filter(case=world.case).update(phone="13744445555")
    FlowRecord.objects.filter(pk=world.flow.pk).update(contact_phone="13755556666")
    return ("wang_secret", "wx_transfer_secret", "88886666")


def _exports(world):
    """Every file and print view the product makes of the college's data: each list as .xlsx,
    each official form in every format, each per-person document, the case documents."""
    from paicha.core.documents import all_documents
    from paicha.reports.declarations import all_forms
    from paicha.reports.views import RENDERERS

    for name, page, url in _declared(world):
        if not page.post_only and not page.export:
            yield f"{name}.xlsx", url + ("&" if "?" in url else "?") + "format=xlsx"
    college = world.college.code
    for form in all_forms():
        for fmt in (*RENDERERS, "print", "json"):
            yield (
                f"{form.slug}.{fmt}",
                _reverse("reports:form", form.slug) + f"?org={college}&format={fmt}",
            )
    records = {"Member": world.member, "LostContactCase": world.case}
    for document in all_documents():
        obj = records.get(document.model.__name__)
        if obj is not None:
            for fmt in ("docx", "print"):
                yield (
                    f"{document.slug}.{fmt}",
                    _reverse("reports:document", document.slug, obj.pk) + f"?format={fmt}",
                )
    for kind in ("record", "jishi"):
        yield f"cases:docx {kind}", _reverse("cases:docx", world.case.pk, kind)
        yield f"cases:print {kind}", _reverse("cases:print", world.case.pk, kind)
    for name in ("transfers:detail", "transfers:commitment", "transfers:card"):
        yield name, _reverse(name, world.transfer.pk)
    for which in ("flow", "flow_summary", "pocket", "pocket_summary"):
        yield (
            f"register {which}.xlsx",
            _reverse("transfers:register", which) + f"?org={college}&format=xlsx",
        )


def _reverse(name, *args):
    from django.urls import reverse

    return reverse(name, args=args)


@pytest.mark.django_db
def test_the_auditor_finds_no_full_number_in_any_export_document_or_contact_page(world):
    secrets = _plant_contacts(world)
    client = _client("shenji")
    department = _client("zzb")
    # The department sees them (so they are there to be hidden) …
    detail = department.get(_reverse("transfers:detail", world.transfer.pk)).content.decode()
    assert "13722223333" in detail and "wx_transfer_secret" in detail
    member_page = department.get(_reverse("members:detail", world.member.pk)).content.decode()
    assert "wang_secret" in member_page
    record = _text(department.get(_reverse("cases:docx", world.case.pk, "record")))
    assert "13744445555" in record
    # … the auditor, in no page and no file.
    leaks, seen = [], 0
    for name, url in _exports(world):
        response = client.get(url)
        if response.status_code != 200:
            continue
        seen += 1
        text = _text(response)
        for pattern in (FULL_ID, FULL_MOBILE):
            found = pattern.findall(text)
            if found:
                leaks.append((name, found[:3]))
        leaks.extend((name, secret) for secret in secrets if secret in text)
    assert seen > 60
    assert not leaks


# A document printed from the browser is a copy taken away: audited like a download.
PRINT_VIEWS = {"cases:print"}


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["zb0101", "shenji"])
def test_reading_any_page_writes_nothing(world, username):
    """A reader never needs the database's write lock, so on SQLite no page load waits for (or
    fails under) an import that is writing: no session, audit or bookkeeping write on a page
    view. Downloads and print views of documents are audited, and actions write, by design;
    none of them is a page view."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(username)
    client.get(_reverse("home"))  # the login's own session write is behind us
    writes = []
    for name, page, url in _declared(world):
        if page.post_only or page.export or name in PRINT_VIEWS:
            continue
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        writes.extend(
            (name, q["sql"][:90])
            for q in queries.captured_queries
            if q["sql"].lstrip().split(" ", 1)[0].upper()
            in ("INSERT", "UPDATE", "DELETE", "REPLACE")
        )
    assert not writes, "\n".join(map(str, writes))
