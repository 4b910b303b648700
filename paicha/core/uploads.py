"""Uploaded scans and materials made safe to keep: an image is decoded and saved again (the pixels
only: no metadata, nothing appended), a PDF is kept only when it carries no script, no launch
action and no embedded file, and nothing else is accepted.

A file that is both a picture and a web page (a PNG with HTML after its end) comes out of
`clean_upload` as a picture only; a PDF whose object streams cannot be read is refused rather
than kept unchecked. Every message names the file and says what is wrong with it.
"""

import io
import re
import warnings
import zlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# A phone's 50-megapixel photo still opens; a small file declaring a larger picture (a
# decompression bomb, gigabytes once decoded) is refused before its pixels are read.
MAX_IMAGE_PIXELS = 60_000_000
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
# What a PDF's compressed streams may inflate to, together, while they are checked.
MAX_PDF_INFLATED_BYTES = 64 * 1024 * 1024

ACCEPTED = "jpg、png、pdf"
_EXTENSIONS = {"jpg": "jpg", "jpeg": "jpg", "png": "png", "pdf": "pdf"}
_MAGIC = {"jpg": b"\xff\xd8\xff", "png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-"}
_PIL_FORMAT = {"jpg": "JPEG", "png": "PNG"}

# PDF names that run something, open something or carry a file (and their readable meaning).
_PDF_DANGERS = {
    "JavaScript": "JavaScript 脚本",
    "JS": "JavaScript 脚本",
    "Launch": "启动外部程序的动作",
    "EmbeddedFile": "嵌入的文件",
    "EmbeddedFiles": "嵌入的文件",
    "AA": "自动执行的动作",
    "RichMedia": "多媒体内容",
    "XFA": "XFA 表单",
}
_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb"stream(?:\r\n|\n|\r)")
_FILTERS = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/<>\[\]()%{}]+)")
_IMAGE_FILTERS = {"DCTDecode", "JPXDecode", "CCITTFaxDecode", "JBIG2Decode"}


@dataclass
class CleanFile:
    content: ContentFile
    file_type: str  # "jpg", "png" or "pdf"
    size: int


def _refuse(name: str, why: str, field: str):
    raise ValidationError({field: f"“{name}”{why}"})


def clean_upload(uploaded, *, field: str = "file", max_bytes: int = MAX_UPLOAD_BYTES) -> CleanFile:
    """The uploaded jpg/png/pdf, ready to store: images re-encoded, PDFs checked. Raises a
    ValidationError on `field` naming the file otherwise."""
    name = (uploaded.name or "").replace("\\", "/").rsplit("/", 1)[-1] or "上传的文件"
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    file_type = _EXTENSIONS.get(extension)
    if file_type is None:
        _refuse(name, f"不是允许的文件类型：只接受 {ACCEPTED}", field)
    if uploaded.size is not None and uploaded.size > max_bytes:
        _refuse(
            name,
            f"大小 {uploaded.size / 1024 / 1024:.1f} MB，超过 "
            f"{max_bytes // 1024 // 1024} MB 的上限",
            field,
        )
    uploaded.seek(0)
    data = uploaded.read(max_bytes + 1)
    uploaded.seek(0)
    if len(data) > max_bytes:
        _refuse(name, f"超过 {max_bytes // 1024 // 1024} MB 的上限", field)
    if not data:
        _refuse(name, "是空文件", field)
    if not data.startswith(_MAGIC[file_type]):
        _refuse(name, f"的内容不是 {extension} 文件", field)
    if file_type == "pdf":
        _check_pdf(name, data, field)
        return CleanFile(ContentFile(data), "pdf", len(data))
    clean = _reencode(name, data, file_type, field)
    return CleanFile(ContentFile(clean), file_type, len(clean))


# ---- images -----------------------------------------------------------------------------------


def _reencode(name: str, data: bytes, file_type: str, field: str) -> bytes:
    try:
        with warnings.catch_warnings():
            # Between MAX_IMAGE_PIXELS and twice that Pillow only warns: refused the same.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[_PIL_FORMAT[file_type]]) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse(
            name,
            f"的像素过多（超过 {MAX_IMAGE_PIXELS // 10000} 万像素），不能上传；请缩小后再上传",
            field,
        )
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        _refuse(
            name, "无法作为图片打开（文件已损坏或不是真正的图片），请重新拍照或扫描后上传", field
        )
    # Only the pixels go on: no EXIF, comments, text chunks or colour profiles.
    image.info = {k: v for k, v in image.info.items() if k == "transparency"}
    out = io.BytesIO()
    if file_type == "jpg":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, format="JPEG", quality=90)
    else:
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16"):
            image = image.convert("RGBA")
        image.save(out, format="PNG")
    return out.getvalue()


# ---- PDF --------------------------------------------------------------------------------------


def _names(data: bytes) -> set[str]:
    """Every PDF name in `data`, with #xx escapes decoded (/J#61vaScript is /JavaScript)."""
    found = set()
    for raw in _NAME.findall(data):
        if b"#" in raw:
            raw = _HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
        found.add(raw.decode("latin-1"))
    return found


def _danger(data: bytes) -> str | None:
    hits = _names(data) & set(_PDF_DANGERS)
    if not hits:
        return None
    key = min(hits)
    return f"{_PDF_DANGERS[key]}（/{key}）"


class _Unreadable(Exception):
    pass


def _inflate(data: bytes, budget: int) -> bytes:
    if budget <= 0:
        raise _Unreadable
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, budget + 1)
    except zlib.error as exc:
        raise _Unreadable from exc
    if len(out) > budget or inflater.unconsumed_tail:
        raise _Unreadable
    return out


def _streams(data: bytes):
    """(dictionary, raw bytes) of each stream object: the dictionary is what stands between
    the object's `obj` and its `stream` keyword."""
    for match in _STREAM.finditer(data):
        start = match.end()
        head_from = data.rfind(b"obj", 0, match.start())
        head = data[head_from if head_from >= 0 else max(0, match.start() - 2048) : match.start()]
        if not head.rstrip().endswith(b">>"):
            continue
        end = data.find(b"endstream", start)
        length = re.search(rb"/Length\s+(\d+)(?!\s+\d+\s+R)", head)
        if length and start + int(length.group(1)) <= len(data):
            end = start + int(length.group(1))
        yield head, data[start : end if end >= 0 else len(data)]


def _check_pdf(name: str, data: bytes, field: str) -> None:
    why = _danger(data)
    budget = MAX_PDF_INFLATED_BYTES
    for head, raw in _streams(data) if why is None else ():
        filters = _FILTERS.search(head)
        names = (
            [n.decode("latin-1") for n in re.findall(rb"/(\w+)", filters.group(1))]
            if filters
            else []
        )
        holds_objects = b"/ObjStm" in head
        if not names or (set(names) & _IMAGE_FILTERS and not holds_objects):
            continue
        if any(n not in ("FlateDecode", "Fl") for n in names):
            if holds_objects:
                _refuse(
                    name,
                    "的压缩对象流使用了无法检查的编码，不能上传；请另存为普通 PDF 后再上传",
                    field,
                )
            continue
        try:
            inflated = raw
            for _ in names:
                inflated = _inflate(inflated, budget)
        except _Unreadable:
            if holds_objects:
                _refuse(name, "的压缩对象流无法解压检查（文件损坏、加密或过大），不能上传", field)
            continue
        budget -= len(inflated)
        why = _danger(inflated)
        if why:
            break
    if why:
        _refuse(name, f"含有{why}，不能上传；请上传打印后扫描的 PDF 或图片", field)


def checked_upload(uploaded, *, max_bytes: int = MAX_UPLOAD_BYTES):
    """For a form's clean_<field>: the upload unchanged when `clean_upload` would take it (the
    service cleans it again when it stores it), the refusal on the field otherwise."""
    if not uploaded:
        return uploaded
    try:
        clean_upload(uploaded, max_bytes=max_bytes)
    except ValidationError as exc:
        raise ValidationError(exc.messages) from None
    return uploaded
