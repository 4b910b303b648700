"""The product's own error pages: Chinese, in the product's shell, without internals.

Django's handlers would show the exception's text, which for a lookup it raised itself is
English ("No Member matches the given query."); only a message the product wrote (Chinese)
is shown, otherwise the page's own explanation.
"""

import re

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader

_CHINESE = re.compile(r"[\u4e00-\u9fff]")

DEFAULTS = {
    400: ("请求有误", "提交的内容无法处理，请返回上一页检查后重新提交。"),
    403: ("没有权限", "您的角色没有此项操作权限，或该记录不在您的管理范围内。"),
    404: ("页面不存在", "没有找到该页面或记录，或不在您的管理范围内。"),
}


def _message(exception) -> str:
    text = str(exception or "")
    if exception is not None and getattr(exception, "args", None):
        first = exception.args[0]
        if isinstance(first, str):
            text = first
    return text if _CHINESE.search(text) else ""


def _page(request, status: int, exception=None):
    title, explanation = DEFAULTS[status]
    return render(
        request,
        "errors/error.html",
        {
            "status": status,
            "heading": title,
            "message": _message(exception) or explanation,
        },
        status=status,
    )


def bad_request(request, exception=None):
    return _page(request, 400, exception)


def permission_denied(request, exception=None):
    return _page(request, 403, exception)


def page_not_found(request, exception=None):
    return _page(request, 404, exception)


def csrf_failure(request, reason=""):
    return render(
        request,
        "errors/error.html",
        {
            "status": 403,
            "heading": "页面已过期",
            "message": "表单已过期或来源无法确认（例如登录状态已变化）。请刷新页面后重新提交。",
        },
        status=403,
    )


def server_error(request):
    # Rendered without the request's context: whatever failed (the database, a context
    # processor) must not fail this page too.
    return HttpResponseServerError(loader.get_template("errors/500.html").render())
