"""The service around the product: health check, first run, and background jobs' pages."""

from django import forms
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from paicha.codes import OrgCategory
from paicha.core import jobs
from paicha.core.models import BackgroundJob

from .installation import installation_init, is_empty


@never_cache
def healthz(request):
    """200 when the database answers and a worker beat within the last minute; 503 and what
    failed otherwise (plain words, no internals)."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except DatabaseError:  # a database that does not answer is the answer itself
        checks["database"] = "error"
    if checks["database"] == "ok":
        checks["worker"] = "ok" if jobs.worker_alive(now=timezone.now()) else "stale"
    else:
        checks["worker"] = "unknown"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


class SetupForm(forms.Form):
    org_name = forms.CharField(label="最高一级党组织名称", max_length=100)
    org_code = forms.CharField(label="组织代码", max_length=32)
    org_category = forms.ChoiceField(
        label="党组织类别", choices=OrgCategory.choices, initial=OrgCategory.SCHOOL
    )
    username = forms.CharField(label="组织部门账号用户名", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=30, required=False)
    password = forms.CharField(label="密码", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label="再次输入密码", widget=forms.PasswordInput, strip=False)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", "两次输入的密码不一致")
        return data


def setup(request):
    """First run: an empty installation asks for its top organization and first account."""
    if not is_empty():
        raise Http404("系统已经初始化")
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _, account = installation_init(
                org_name=data["org_name"],
                org_code=data["org_code"],
                org_category=data["org_category"],
                username=data["username"],
                password=data["password"],
                full_name=data["full_name"],
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                form.add_error(None if field == "__all__" else field, messages)
        else:
            login(request, account, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("home")
    return render(request, "workspace/setup.html", {"form": form})


def _job_for(request, pk) -> BackgroundJob:
    job = BackgroundJob.objects.filter(pk=pk, created_by=request.user).first()
    if job is None:
        raise Http404("没有找到该任务，或不是您提交的任务")
    return job


def job_detail(request, pk):
    return render(request, "workspace/job.html", {"job": _job_for(request, pk)})


def job_progress(request, pk):
    job = _job_for(request, pk)
    if not job.running:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "workspace/_job_progress.html", {"job": job})


def job_download(request, pk):
    job = _job_for(request, pk)
    if job.state != "done" or not job.file:
        raise Http404("文件尚未生成")
    if job.filename.endswith(".html"):  # a print view: opened here, printed from the browser
        return FileResponse(job.file.open("rb"), content_type="text/html; charset=utf-8")
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)


@require_POST
def job_retry(request, pk):
    job = _job_for(request, pk)
    try:
        jobs.file_job_retry(acting_user=request.user, job=job)
    except ValueError as exc:
        return render(request, "workspace/job.html", {"job": job, "error": str(exc)}, status=400)
    return redirect(jobs.job_url(job))
