import json
from html import escape as html_escape
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from paicha.audit.exports import (
    document_response,
    export_in_background,
    exported_by_line,
    file_response,
)
from paicha.organizations.permissions import Perm
from paicha.organizations.picking import chosen_org_code
from paicha.organizations.scope import require

from .declarations import all_forms, header_grid
from .renderers.docx import render_docx
from .renderers.xlsx import render_xlsx
from .selectors import form_org, get_form_or_404, parse_fill_date, parse_period_start

RENDERERS = {"xlsx": render_xlsx, "docx": render_docx}
# Rows of a form shown on one screen page.
PAGE_ROWS = 100
# Numbers, dates and identity numbers never break inside a cell.
NOWRAP_KINDS = ("int", "date", "month", "seq")
# Forms wider than this (in the declarations' character widths) print in a smaller type.
WIDE = 200


def catalogue(request):
    return render(request, "reports/catalogue.html", {"forms": all_forms()})


def form_view(request, slug):
    """One form for an organization and a fill date: the page, its print view, or a file."""
    form = get_form_or_404(slug)
    org = form_org(request.user, chosen_org_code(request))
    today = timezone.localdate()
    try:
        as_of = parse_fill_date(request.GET.get("date"), today)
    except ValueError as exc:
        messages.error(request, str(exc))
        as_of = today
    fmt = request.GET.get("format", "html")
    notes_from = request.GET.get("notes") or None
    start = None
    if form.has_period:
        try:
            start = parse_period_start(request.GET.get("start"), as_of)
        except ValueError as exc:
            if fmt != "html":
                return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
            messages.error(request, str(exc))
    if fmt in (*RENDERERS, "json", "print"):
        require(request.user, Perm.EXPORT)
        # A large organization's file is prepared by the worker (this view, run there again).
        queued = export_in_background(request, org=org, title=form.title_for(as_of))
        if queued is not None:
            return queued
    # On screen the table comes first; the checks against the records follow (part=checks).
    on_screen = fmt == "html"
    result = form.build(
        org=org,
        as_of=as_of,
        user=request.user,
        notes_from=notes_from,
        start=start,
        evidence_checks=not on_screen,
    )
    if on_screen and request.GET.get("part") == "checks":
        return render(
            request,
            "reports/_evidence_checks.html",
            {"checks": form.evidence_checks(result.rows, org=org, as_of=as_of)},
        )
    form = result.form  # with the 填表说明 of the chosen document
    picked = {"start": start.isoformat()} if start else {}
    params = {
        "org": org.code,
        "date": as_of.isoformat(),
        **({"notes": notes_from} if notes_from else {}),
        **picked,
    }
    filename = f"{result.title.replace(' ', '')}_{org.code}_{as_of:%Y%m%d}.{fmt}"
    if fmt in RENDERERS or fmt == "json":
        require(request.user, Perm.EXPORT)
        if fmt == "json":
            content = json.dumps(result.as_json(), ensure_ascii=False, indent=1).encode()
        else:
            content = RENDERERS[fmt](result, exported_by=exported_by_line(request.user))
        return file_response(
            user=request.user,
            content=content,
            filename=filename,
            fmt=fmt,
            what=result.title,
            org=org,
            params=params,
        )
    cells, depth = header_grid(form.columns)
    context = {
        "form": form,
        "result": result,
        "org": org,
        "as_of": as_of,
        "header_rows": _header_rows(cells, depth),
        "has_letters": any(c.letter for c in form.columns),
        "blank_rows": range(max(0, form.min_rows - len(result.rows))),
        "exported_by": exported_by_line(request.user),
        "wide": sum(c.width for c in form.columns) > WIDE,
        "picked_start": start,
        # The query of this form's files and print view: the same organization, dates and 填表说明.
        "export_query": urlencode(
            {**params, **({"notes": form.notes_document} if form.notes_choices() else {})}
        ),
    }
    nowrap = [c.kind in NOWRAP_KINDS or c.sensitive for c in form.columns]
    if fmt == "print":
        require(request.user, Perm.EXPORT)
        from paicha.audit.services import audit_export

        audit_export(
            acting_user=request.user, what=f"{result.title}（打印）", org=org, params=params
        )
        return HttpResponse(print_page(context, result, nowrap, request=request))
    # On screen a page of rows at a time; the files and the print view carry every row.
    page = Paginator(result.rows, PAGE_ROWS).get_page(request.GET.get("page"))
    base = {"org": org.code, "date": as_of.isoformat(), **picked}
    context["linked_rows"] = [
        [
            (result.value(column, row), _drilldown_url(slug, base, form.link(row, column)), keep)
            for column, keep in zip(form.columns, nowrap, strict=True)
        ]
        for row in page.object_list
    ]
    context["page"] = page
    if page.has_next():
        context["blank_rows"] = range(0)
    return render(request, "reports/form.html", context)


# Stands for the table body in the rendered page, which is then sent in pieces around it.
_BODY_MARK = "\u2063PAICHA-PRINT-BODY\u2063"
_PRINT_ROWS_PER_PIECE = 2000


def print_page(context: dict, result, nowrap: list[bool], *, request=None) -> list[bytes]:
    """The print view of the whole form as UTF-8 pieces, in order. The table body is written in
    one pass, not cell by cell in the template language (a register of thousands of rows stays
    well under a second), and never as one string: the template is rendered around a mark and
    the rows are encoded a few thousand at a time (a page of 100,000 rows is 35 MB)."""
    page = render_to_string(
        "reports/print.html", {**context, "body": mark_safe(_BODY_MARK)}, request=request
    )
    head, tail = page.split(_BODY_MARK)
    return [head.encode(), *_print_body(result, nowrap), tail.encode()]


def _print_body(result, nowrap: list[bool]):
    """The table rows of the print view as HTML, escaped, every row of the form, one line each,
    in UTF-8 pieces."""
    opening = ['<td class="nowrap">' if keep else "<td>" for keep in nowrap]
    rows: list[str] = []
    separator = ""
    for values in result.iter_display_rows():
        # html.escape is what django's escape does, without its lazy-string wrapper per cell.
        rows.append(
            "<tr>"
            + "".join(
                [
                    f"{tag}{html_escape(str(value))}</td>"
                    for tag, value in zip(opening, values, strict=True)
                ]
            )
            + "</tr>"
        )
        if len(rows) >= _PRINT_ROWS_PER_PIECE:
            yield (separator + "\n".join(rows)).encode()
            rows.clear()
            separator = "\n"
    if rows:
        yield (separator + "\n".join(rows)).encode()


def _drilldown_url(slug, base, params):
    from django.urls import reverse

    if not params:
        return None
    return reverse("reports:members_behind", args=[slug]) + "?" + urlencode({**base, **params})


def members_behind(request, slug):
    """The members counted in one number of a form (附件5 …), within the user's scope."""
    from django.http import Http404

    from paicha.members.models import Member

    form = get_form_or_404(slug)
    if not hasattr(form, "members_behind"):
        raise Http404("该报表不提供明细")
    org = form_org(request.user, chosen_org_code(request))
    unit = form_org(request.user, request.GET.get("row"))
    try:
        as_of = parse_fill_date(request.GET.get("date"), timezone.localdate())
    except ValueError as exc:
        raise Http404(str(exc)) from None
    letter = request.GET.get("col", "")
    try:
        start = parse_period_start(request.GET.get("start"), as_of)
    except ValueError as exc:
        raise Http404(str(exc)) from None
    members = form.members_behind(
        org=org,
        as_of=as_of,
        row_code=unit.code,
        letter=letter,
        own=request.GET.get("own") == "1",
        start=start,
    )
    members = Member.objects.visible_to(request.user).filter(pk__in=members.values("pk"))
    page = Paginator(members.select_related("organization").order_by("org_path", "name"), 50)
    column = next((c for c in form.columns if c.letter == letter or c.key == letter), None)
    return render(
        request,
        "reports/members_behind.html",
        {
            "form": form,
            "org": org,
            "unit": unit,
            "as_of": as_of,
            "column": column,
            "page": page.get_page(request.GET.get("page")),
        },
    )


def _header_rows(cells, depth):
    rows = [[] for _ in range(depth)]
    for cell in sorted(cells, key=lambda c: (c.row, c.col)):
        rows[cell.row].append(cell)
    return rows


def document_view(request, slug, pk):
    """A per-person document (登记表, 记录表, 纪实表) of one record of the user's subtree."""
    from django.http import Http404

    from paicha.core.documents import get_document
    from paicha.organizations.scope import get_for_user

    try:
        declaration = get_document(slug)
    except KeyError:
        raise Http404(f"没有名为 {slug} 的文书") from None
    obj = get_for_user(declaration.model.objects, request.user, pk=pk)
    return document_response(
        request, declaration, obj, fmt="docx" if request.GET.get("format") == "docx" else "print"
    )


def crosscheck_view(request):
    """报表核对: the summaries against the registers, for an organization and a fill date."""
    from .crosschecks import cross_checks

    org = form_org(request.user, chosen_org_code(request))
    try:
        as_of = parse_fill_date(request.GET.get("date"), timezone.localdate())
    except ValueError as exc:
        messages.error(request, str(exc))
        as_of = timezone.localdate()
    return render(
        request,
        "reports/crosschecks.html",
        {"org": org, "as_of": as_of, "checks": cross_checks(org=org, as_of=as_of)},
    )
