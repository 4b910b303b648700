"""Sending a rendered file to the user: audited, and marked with who exported it and when."""

import datetime
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from paicha.accounts.permissions import Perm
from paicha.accounts.scope import require
from paicha.audit.services import audit_export
from paicha.core.dates import format_cn_date
from paicha.core.listexport import Column, render_list_xlsx

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


def list_export_response(request, *, title: str, columns: list[Column], rows: Iterable,
                         org=None, as_of: datetime.date | None = None, filters: str = ""):
    """The list as an .xlsx download for `request.user` (Perm.EXPORT), audited."""
    user = request.user
    require(user, Perm.EXPORT)
    parts = [f"党组织：{org.name}" if org is not None else "",
             f"截至{format_cn_date(as_of)}" if as_of else "", filters]
    subtitle = "；".join(p for p in parts if p)
    content = render_list_xlsx(title=title, subtitle=subtitle, columns=columns, rows=rows,
                               exported_by=exported_by_line(user),
                               show_identity=user.can(Perm.VIEW_IDENTITY))
    day = (as_of or timezone.localdate()).strftime("%Y%m%d")
    where = f"{org.name}" if org is not None else ""
    return file_response(user=user, content=content, filename=f"{title}_{where}{day}.xlsx",
                         fmt="xlsx", what=title, org=org,
                         params={"截至": str(as_of or ""), "条件": filters})
