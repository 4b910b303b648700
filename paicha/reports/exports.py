"""Sending a rendered file to the user: audited, and marked with who exported it and when."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from paicha.audit.services import audit_export

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "json": "application/json; charset=utf-8",
}


def exported_by_line(user) -> str:
    return f"导出：{user}（{user.organization}） {timezone.localtime():%Y年%m月%d日 %H:%M}"


def file_response(*, user, content: bytes, filename: str, fmt: str, what: str, org=None,
                  params: dict | None = None) -> HttpResponse:
    audit_export(acting_user=user, what=f"{what}（{fmt}）", org=org, params=params)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
