"""Scans uploaded to a case: stored re-encoded under a name of the system's choosing, served only
as a download, and refused with the file named when they carry a script."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from paicha.cases.models import CaseAttachment
from paicha.core.tests import scans


def _files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_a_polyglot_png_named_with_dots_is_stored_as_a_picture_inside_the_case(
    opened_case, personas, client_for, settings, tmp_path
):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    client = client_for(personas["worker_a1"])
    upload = SimpleUploadedFile("../../../etc/签字表.png", scans.png() + scans.HTML)
    response = client.post(
        reverse("cases:attachment_new", args=[opened_case.pk]),
        {"file": upload, "description": "签字表"},
    )
    assert response.status_code == 302
    scan = CaseAttachment.objects.get()
    assert scan.original_name == "签字表.png" and scan.file_type == "png"
    assert scan.stored_name.startswith(f"cases/{opened_case.pk}/") and ".." not in scan.stored_name
    assert _files(media) == [scan.stored_name] and _files(tmp_path) == ["media/" + scan.stored_name]
    stored = (media / scan.stored_name).read_bytes()
    assert stored.startswith(b"\x89PNG") and b"<html" not in stored and b"script" not in stored
    assert scan.size == len(stored)

    download = client.get(reverse("cases:attachment", args=[opened_case.pk, scan.pk]))
    assert download["Content-Disposition"].startswith("attachment;")
    assert "etc" not in download["Content-Disposition"]
    assert download["Content-Type"] == "image/png"
    assert b"".join(download.streaming_content) == stored


def test_a_pdf_with_hidden_javascript_is_refused_and_nothing_is_stored(
    opened_case, personas, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(personas["worker_a1"])
    upload = SimpleUploadedFile("通知.pdf", scans.pdf_with_javascript_in_an_object_stream())
    response = client.post(reverse("cases:attachment_new", args=[opened_case.pk]), {"file": upload})
    assert response.status_code == 200
    assert "“通知.pdf”含有JavaScript 脚本" in response.content.decode()
    assert not CaseAttachment.objects.exists() and _files(tmp_path) == []


def test_an_attempt_with_a_refused_scan_is_not_recorded(
    opened_case, personas, searchers, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(personas["worker_a1"])
    fields = {
        "date": "2016-03-05",
        "method": "phone",
        "reached": "老乡赵某",
        "process": "得到老家地址",
        "signers": [searchers["li"].pk, searchers["zhao"].pk],
    }
    response = client.post(
        reverse("cases:attempt_new", args=[opened_case.pk]),
        {
            **fields,
            "photo": SimpleUploadedFile("记录.jpg", scans.jpeg()),
            "scan": SimpleUploadedFile("材料.pdf", scans.pdf_with_plain_javascript()),
        },
    )
    assert response.status_code == 200
    assert "“材料.pdf”含有JavaScript 脚本" in response.content.decode()
    assert not opened_case.attempts.exists() and _files(tmp_path) == []

    response = client.post(
        reverse("cases:attempt_new", args=[opened_case.pk]),
        {
            **fields,
            "photo": SimpleUploadedFile("记录.jpg", scans.jpeg() + scans.HTML),
            "scan": SimpleUploadedFile("材料.pdf", scans.plain_pdf()),
        },
    )
    assert response.status_code == 302
    assert sorted(CaseAttachment.objects.values_list("file_type", flat=True)) == ["jpg", "pdf"]
    assert all(
        b"<html" not in (tmp_path / name).read_bytes()
        for name in CaseAttachment.objects.values_list("stored_name", flat=True)
    )
