"""Uploaded scans: pictures are stored re-encoded (nothing hidden in or after them survives),
PDFs with scripts, launch actions or embedded files are refused (also when hidden in a
compressed object stream), any other file is refused; every message names the file."""

import io
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from paicha.core.tests import scans
from paicha.core.uploads import clean_upload


def _clean(name, data):
    return clean_upload(SimpleUploadedFile(name, data))


def _refused(name, data) -> str:
    with pytest.raises(ValidationError) as info:
        _clean(name, data)
    message = " ".join(info.value.message_dict["file"])
    assert f"“{name}”" in message
    return message


def test_a_png_carrying_html_is_stored_as_the_picture_only():
    clean = _clean("签字表.png", scans.png() + scans.HTML)
    stored = clean.content.read()
    assert clean.file_type == "png" and clean.size == len(stored)
    assert b"<html" not in stored and b"script" not in stored
    image = Image.open(io.BytesIO(stored))
    assert (image.format, image.size, image.getpixel((5, 5))) == ("PNG", (40, 30), (200, 30, 30))


def test_a_jpeg_loses_its_metadata_and_what_follows_it():
    exif = Image.Exif()
    exif[0x010E] = "secret description"  # ImageDescription
    data = scans.jpeg(exif=exif.tobytes(), comment=b"hidden comment") + scans.HTML
    assert b"secret description" in data and b"hidden comment" in data
    stored = _clean("record.JPG", data).content.read()
    for leftover in (b"secret description", b"hidden comment", b"<html", b"Exif"):
        assert leftover not in stored
    image = Image.open(io.BytesIO(stored))
    assert (image.format, image.size) == ("JPEG", (40, 30))


def test_a_normal_jpeg_and_png_pass():
    assert _clean("a.jpeg", scans.jpeg()).file_type == "jpg"
    assert _clean("b.png", scans.png()).file_type == "png"


def test_a_picture_that_does_not_decode_is_refused():
    message = _refused("坏图.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    assert "无法作为图片打开" in message


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    bomb = scans.png_declaring(30_000, 30_000)  # 900 million pixels in a few dozen bytes
    assert len(bomb) < 200
    assert "像素过多" in _refused("炸弹.png", bomb)
    # Just over the limit (where Pillow itself only warns) is refused the same way.
    assert "像素过多" in _refused("略大.png", scans.png_declaring(8_000, 8_000))


def test_a_normal_pdf_passes_unchanged():
    data = scans.plain_pdf()
    clean = _clean("信函.pdf", data)
    assert clean.file_type == "pdf" and clean.content.read() == data


def test_a_pdf_with_javascript_is_refused():
    message = _refused("通知.pdf", scans.pdf_with_plain_javascript())
    assert "JavaScript" in message and "不能上传" in message


def test_a_pdf_with_javascript_inside_a_compressed_object_stream_is_refused():
    data = scans.pdf_with_javascript_in_an_object_stream()
    assert b"JavaScript" not in data and b"/JS" not in data
    assert "JavaScript" in _refused("藏起来.pdf", data)


def test_an_escaped_name_is_read_as_the_name_it_spells():
    data = scans.pdf(b"<< /Type /Catalog /OpenAction << /S /J#61vaScript /J#53 (x) >> >>")
    assert "JavaScript" in _refused("转义.pdf", data)


@pytest.mark.parametrize(
    "name, what",
    [
        (b"/Launch", "启动外部程序"),
        (b"/EmbeddedFiles", "嵌入的文件"),
        (b"/AA", "自动执行"),
        (b"/RichMedia", "多媒体"),
        (b"/XFA", "XFA"),
    ],
)
def test_pdfs_with_launch_actions_embedded_files_or_forms_are_refused(name, what):
    data = scans.pdf(b"<< /Type /Catalog " + name + b" << /F (calc.exe) >> >>")
    assert what in _refused("附件.pdf", data)


def test_an_object_stream_that_cannot_be_checked_is_refused():
    import base64

    ascii85 = scans.pdf_with_javascript_in_an_object_stream(
        filters=b"/Filter /ASCII85Decode", encode=lambda b: base64.a85encode(b) + b"~>"
    )
    assert "无法检查" in _refused("a85.pdf", ascii85)
    broken = scans.pdf_with_javascript_in_an_object_stream(  # encrypted, say
        encode=lambda b: b"\xff\xff" + zlib.compress(b)[2:]
    )
    assert "无法解压" in _refused("坏流.pdf", broken)


def test_an_object_stream_inflating_past_the_cap_is_refused(monkeypatch):
    monkeypatch.setattr("paicha.core.uploads.MAX_PDF_INFLATED_BYTES", 1000)
    data = scans.pdf_with_javascript_in_an_object_stream(
        encode=lambda b: zlib.compress(b"4 0 " + b" " * 5000 + b[4:])
    )
    assert "无法解压" in _refused("膨胀.pdf", data)


@pytest.mark.parametrize(
    "name, data",
    [
        ("page.html", scans.HTML),
        ("a.exe", b"MZ\x90\x00"),
        ("记录.docx", b"PK\x03\x04"),
        ("noextension", scans.png()),
        ("a.svg", b"<svg onload=alert(1)>"),
    ],
)
def test_any_other_type_is_refused(name, data):
    assert "只接受 jpg、png、pdf" in _refused(name, data)


def test_content_that_is_not_what_the_name_says_is_refused():
    assert "内容不是 pdf" in _refused("a.pdf", scans.png())
    assert "内容不是 png" in _refused("a.png", scans.HTML)
