"""Scans for upload tests: real pictures (Pillow) and PDFs written out by hand, harmless and
hostile."""

import io
import struct
import zlib

from PIL import Image

HTML = b"<html><script>alert(document.cookie)</script></html>"


def png(size=(40, 30), colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def jpeg(
    size=(40, 30), colour=(30, 120, 200), *, exif: bytes | None = None, comment: bytes | None = None
) -> bytes:
    out = io.BytesIO()
    extra = {}
    if exif is not None:
        extra["exif"] = exif
    if comment is not None:
        extra["comment"] = comment
    Image.new("RGB", size, colour).save(out, format="JPEG", **extra)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_declaring(width: int, height: int) -> bytes:
    """A few hundred bytes that declare a width × height black-and-white picture: what a
    decompression bomb looks like before it is decoded."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )


def pdf(*objects: bytes) -> bytes:
    """A PDF of the given object bodies (object 1 is the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


PAGE_TEXT = b"BT /F1 24 Tf 72 720 Td (Signed record) Tj ET"


def plain_pdf() -> bytes:
    """One page of text, its content stream compressed: what a scanner or Word writes."""
    return pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        stream(b"/Filter /FlateDecode", zlib.compress(PAGE_TEXT)),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    )


def pdf_with_plain_javascript() -> bytes:
    return pdf(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
        b"<< /Type /Action /S /JavaScript /JS (app.alert('x')) >>",
    )


def pdf_with_javascript_in_an_object_stream(
    filters=b"/Filter /FlateDecode", encode=zlib.compress
) -> bytes:
    """The action dictionary hidden in a compressed object stream: the raw bytes show no
    /JavaScript, only the inflated stream does."""
    body = b"4 0 << /Type /Action /S /JavaScript /JS (app.launchURL('http://evil.example')) >>"
    return pdf(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
        stream(b"/Type /ObjStm /N 1 /First 4 " + filters, encode(body)),
    )
