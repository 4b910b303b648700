"""A backup restored into an empty installation brings back every member, case, file and
audit row (run on SQLite and on PostgreSQL, as CI runs the suite on both)."""

import datetime
import tarfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from paicha.audit.models import AuditEntry
from paicha.cases.models import CaseAttachment, LostContactCase
from paicha.cases.services import attachment_add, case_open
from paicha.conftest import make_member
from paicha.core.backup import BackupError, restore
from paicha.core.tests import scans
from paicha.members.models import Member

PNG = scans.png()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "files")
    return tmp_path / "files"


def _state():
    return {
        "members": sorted(Member.objects.values_list("name", "id_number", "organization__code")),
        "cases": sorted(LostContactCase.objects.values_list("member__name", "opened_on")),
        "audit": AuditEntry.objects.count(),
        "audit_members": sorted(
            AuditEntry.objects.exclude(member_name="").values_list("member_name", flat=True)
        ),
        "attachments": sorted(CaseAttachment.objects.values_list("original_name", "stored_name")),
    }


@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_an_empty_installation(tree, personas, media, tmp_path):
    wang = make_member(tree.branch_a1, "王备份", mobile="13800000001")
    make_member(tree.branch_b1, "李备份")
    case = case_open(
        member=wang, acting_user=personas["worker_a1"], opened_on=datetime.date(2016, 3, 1)
    )
    attachment = attachment_add(
        case=case, acting_user=personas["worker_a1"], uploaded=SimpleUploadedFile("签字表.png", PNG)
    )
    before = _state()
    assert before["members"][0][0] in ("李备份", "王备份") and len(before["members"]) == 2
    assert before["cases"] == [("王备份", datetime.date(2016, 3, 1))]
    assert before["audit"] > 0 and "王备份" in before["audit_members"]

    archive = tmp_path / "backups" / "paicha.tar"
    call_command("backup", str(archive))
    assert archive.stat().st_mode & 0o777 == 0o600
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert f"files/{attachment.stored_name}" in names and "manifest.json" in names

    # An empty installation: no rows, no files.
    call_command("flush", "--no-input")
    default_storage.delete(attachment.stored_name)
    assert Member.objects.count() == 0 and AuditEntry.objects.count() == 0
    assert not default_storage.exists(attachment.stored_name)

    call_command("restore", str(archive), "--yes")
    assert _state() == before
    with default_storage.open(attachment.stored_name, "rb") as handle:
        assert handle.read() == PNG
    assert (media / attachment.stored_name).stat().st_mode & 0o777 == 0o600


def test_restore_refuses_what_is_not_a_backup(tmp_path, db):
    bogus = tmp_path / "x.tar"
    bogus.write_bytes(b"not a tar file at all")
    with pytest.raises(BackupError, match="不是有效的备份文件"):
        restore(bogus)
    with pytest.raises(CommandError, match="找不到备份文件"):
        call_command("restore", str(tmp_path / "missing.tar"), "--yes")


def test_restore_refuses_paths_leaving_the_archive(tmp_path, db):
    evil = tmp_path / "evil.tar"
    payload = tmp_path / "payload"
    payload.write_text("x")
    with tarfile.open(evil, "w") as tar:
        tar.add(payload, arcname="../../outside")
    with pytest.raises(BackupError, match="不安全的路径"):
        restore(evil)
