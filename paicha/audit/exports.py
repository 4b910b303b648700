"""Sending a rendered file to the user: audited, and marked with who exported it and when.

A large export (an organization whose subtree has more than settings.EXPORT_IN_BACKGROUND_ABOVE
members) is prepared by the worker instead: `export_in_background` queues a file job and sends
the user to its page. The worker builds the file by running the same view for the same user
with the same query, so the file is scoped, masked and audited exactly as the direct download.
"""

import datetime
import re
from collections.abc import Iterable
from urllib.parse import unquote

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header

from paicha.audit.services import audit_export
from paicha.core.dates import format_cn_date
from paicha.core.documents import to_docx
from paicha.core.jobs import JobRefused, file_job_start, job_url
from paicha.core.listexport import Column, render_list_xlsx
from paicha.organizations.permissions import Perm, has_perm
from paicha.organizations.scope import require

BACKGROUND_BUILDER = "paicha.audit.exports.build_background_export"

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "json": "application/json; charset=utf-8",
}


def exported_by_line(user) -> str:
    return f"导出：{user}（{user.organization}） {timezone.localtime():%Y年%m月%d日 %H:%M}"


def file_response(
    *,
    user,
    content: bytes,
    filename: str,
    fmt: str,
    what: str,
    org=None,
    params: dict | None = None,
) -> HttpResponse:
    audit_export(acting_user=user, what=f"{what}（{fmt}）", org=org, params=params)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def list_export_response(
    request,
    *,
    title: str,
    columns: list[Column],
    rows: Iterable,
    org=None,
    as_of: datetime.date | None = None,
    filters: str = "",
):
    """The list as an .xlsx download for `request.user` (Perm.EXPORT), audited."""
    user = request.user
    require(user, Perm.EXPORT)
    queued = export_in_background(request, org=org or user.organization, title=title)
    if queued is not None:
        return queued
    parts = [
        f"党组织：{org.name}" if org is not None else "",
        f"截至{format_cn_date(as_of)}" if as_of else "",
        filters,
    ]
    subtitle = "；".join(p for p in parts if p)
    content = render_list_xlsx(
        title=title,
        subtitle=subtitle,
        columns=columns,
        rows=rows,
        exported_by=exported_by_line(user),
        show_identity=user.can(Perm.VIEW_IDENTITY),
    )
    day = (as_of or timezone.localdate()).strftime("%Y%m%d")
    where = f"{org.name}" if org is not None else ""
    return file_response(
        user=user,
        content=content,
        filename=f"{title}_{where}{day}.xlsx",
        fmt="xlsx",
        what=title,
        org=org,
        params={"截至": str(as_of or ""), "条件": filters},
    )


def document_response(request, declaration, obj, *, fmt: str):
    """`obj`'s per-person document (a `core.documents` declaration) as .docx or as the A4
    print page, identities masked for those who may not see them, the download audited. The
    caller has checked that `obj` is in the user's subtree."""
    require(request.user, Perm.EXPORT)
    mask = not has_perm(request.user, Perm.VIEW_IDENTITY)
    document = declaration.build(obj, as_of=timezone.localdate(), mask=mask)
    if mask:
        document = document.masked()
    org = getattr(obj, "organization", None)
    if fmt == "docx":
        return file_response(
            user=request.user,
            fmt="docx",
            filename=document.filename,
            content=to_docx(document, exported_by=exported_by_line(request.user)),
            what=f"{document.title}：{obj}",
            org=org,
        )
    audit_export(acting_user=request.user, what=f"{document.title}：{obj}（打印）", org=org)
    return render(
        request,
        "core/document_print.html",
        {
            "document": document,
            "back": obj.get_absolute_url(),
            "exported_by": exported_by_line(request.user),
        },
    )


def export_in_background(
    request, *, org, title: str, rows: int | None = None
) -> HttpResponse | None:
    """When the export is large (`rows`, when the caller knows them, else the members of `org`'s
    subtree, above settings.EXPORT_IN_BACKGROUND_ABOVE), queue the export requested by
    `request` for the worker and answer with a redirect to the job's page; otherwise (and
    inside the worker) None, and the caller sends the file at once."""
    from django.apps import apps
    from django.shortcuts import redirect

    if getattr(request, "paicha_in_worker", False) or org is None:
        return None
    if rows is None:
        rows = apps.get_model("members", "Member").objects.in_subtree(org).count()
    if rows <= settings.EXPORT_IN_BACKGROUND_ABOVE:
        return None
    require(request.user, Perm.EXPORT)
    job = file_job_start(
        acting_user=request.user,
        builder=BACKGROUND_BUILDER,
        title=f"{title}（{org.name}）",
        params={"path": request.path_info, "query": request.GET.urlencode()},
    )
    return redirect(job_url(job))


def build_background_export(job, progress) -> tuple[str, bytes]:
    """The file of a queued export (in the worker): the view that queued it, run again for the
    job's creator with the same query, inside the worker."""
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.contrib.sessions.backends.signed_cookies import SessionStore
    from django.http import HttpRequest, QueryDict
    from django.urls import Resolver404, resolve

    from paicha.audit.context import acting_as

    user = job.created_by
    if user is None or not user.is_active:
        raise JobRefused("提交导出的账号已停用，未生成文件")
    if not user.can(Perm.EXPORT):
        raise JobRefused("提交导出的账号已没有导出权限，未生成文件")
    path, query = job.params["path"], job.params.get("query", "")
    try:
        match = resolve(path)
    except Resolver404:
        raise JobRefused(f"导出地址 {path} 已不存在，未生成文件") from None
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.GET = QueryDict(query)
    request.META = {
        "REQUEST_METHOD": "GET",
        "QUERY_STRING": query,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "HTTP_HOST": "localhost",
    }
    request.user = user
    request.session = SessionStore()
    request._messages = CookieStorage(request)
    request.paicha_in_worker = True
    progress("查询数据", 0, 0)
    with acting_as(user):
        response = match.func(request, *match.args, **match.kwargs)
    if response.status_code != 200:
        raise RuntimeError(f"export view {path}?{query} answered {response.status_code}")
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    content = b"".join(response.streaming_content) if response.streaming else response.content
    found = re.search(
        r"filename\*=utf-8''([^;]+)|filename=\"([^\"]+)\"",
        response.get("Content-Disposition", ""),
        re.IGNORECASE,
    )
    if found:
        return unquote(found.group(1)) if found.group(1) else found.group(2), content
    return f"{job.title}_打印.html", content  # the print view: opened in the browser
