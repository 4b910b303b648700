from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header

from paicha.accounts.permissions import Perm
from paicha.accounts.scope import get_for_user, require
from paicha.audit.services import audit_export
from paicha.organizations.models import Organization

from . import jobs, services
from .forms import ImportForm, MemberForm
from .importing import build_template
from .models import ImportState, Member, MemberImport
from .selectors import (
    get_member_for_user, member_history, member_record_groups, member_related_sections,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def member_list(request):
    members = Member.objects.visible_to(request.user).on_roster()
    org = request.user.organization
    if code := request.GET.get("org"):
        org = Organization.objects.visible_to(request.user).filter(code=code).first() or org
        members = members.filter(organization=org) if request.GET.get("sub") == "0" else \
            members.in_subtree(org)
    page = Paginator(members.select_related("organization"), 50).get_page(request.GET.get("page"))
    return render(request, "members/list.html", {"page": page, "org": org})


def detail(request, pk):
    member = get_member_for_user(request.user, pk)
    show_identity = request.user.can(Perm.VIEW_IDENTITY)
    return render(request, "members/detail.html", {
        "member": member,
        "groups": member_record_groups(member, show_identity=show_identity),
        "can_edit": request.user.can(Perm.EDIT_MEMBERS),
        "history": member_history(member, show_identity=show_identity),
        "sections": member_related_sections(member),
    })


def _form_errors_from(exc: ValidationError, form) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def create(request):
    require(request.user, Perm.EDIT_MEMBERS)
    initial = {}
    if code := request.GET.get("org"):
        initial["organization"] = Organization.objects.visible_to(request.user).filter(
            code=code).first()
    elif request.user.organization and not request.user.organization.children.exists():
        initial["organization"] = request.user.organization
    form = MemberForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            member = services.member_create(organization=data.pop("organization"),
                                            acting_user=request.user, **data)
        except ValidationError as exc:
            _form_errors_from(exc, form)
        else:
            messages.success(request, f"已登记党员“{member.name}”")
            return redirect(member)
    return render(request, "members/form.html", {"form": form, "title": "登记党员"})


def edit(request, pk):
    with transaction.atomic():
        member = get_member_for_user(request.user, pk, for_write=True)
        form = MemberForm(request.POST or None, instance=member, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                services.member_update(member=member, acting_user=request.user,
                                       **{f: form.cleaned_data[f] for f in form.changed_data})
            except ValidationError as exc:
                _form_errors_from(exc, form)
            else:
                messages.success(request, f"已保存“{member.name}”的信息")
                return redirect(member)
    return render(request, "members/form.html",
                  {"form": form, "member": member, "title": f"修改“{member.name}”的信息"})


# ---- Roster import ---------------------------------------------------------------------------


def import_start(request):
    require(request.user, Perm.EDIT_MEMBERS)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with transaction.atomic():
            job = MemberImport.objects.create(
                organization=form.cleaned_data["organization"], created_by=request.user,
                filename=upload.name[:200], content=upload.read())
            jobs.launch(jobs.run_check, job.pk)
        return redirect(job)
    recent = MemberImport.objects.visible_to(request.user).select_related(
        "organization", "created_by").defer("content", "errors", "preview")[:10]
    return render(request, "members/import.html", {"form": form, "recent": recent})


def import_template(request):
    require(request.user, Perm.EDIT_MEMBERS)
    audit_export(acting_user=request.user, what="党员名册导入模板", org=request.user.organization)
    response = HttpResponse(build_template(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, "支部党员名册导入模板.xlsx")
    return response


def _get_import(request, pk, *, for_write=False):
    return get_for_user(MemberImport.objects.select_related("organization", "created_by"),
                        request.user, for_write=for_write, pk=pk)


def import_detail(request, pk):
    job = _get_import(request, pk)
    return render(request, "members/import_detail.html", {
        "job": job, "progress": jobs.read_progress(job.pk) if job.running else None,
    })


def import_progress(request, pk):
    job = _get_import(request, pk)
    if not job.running:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "members/_import_progress.html",
                  {"job": job, "progress": jobs.read_progress(job.pk)})


def import_confirm(request, pk):
    with transaction.atomic():
        job = _get_import(request, pk, for_write=True)
        if request.method != "POST":
            return redirect(job)
        if job.state != ImportState.CHECKED:
            messages.error(request, "该文件不处于待确认状态")
            return redirect(job)
        job.state = ImportState.IMPORTING
        job.save(update_fields=["state"])
        jobs.launch(jobs.run_commit, job.pk)
    return redirect(job)
