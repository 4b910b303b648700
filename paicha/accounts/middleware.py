import logging
import time

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import DatabaseError
from django.shortcuts import redirect

log = logging.getLogger(__name__)

# Pages anyone may open: the login page, the first-run page of an empty installation, the
# health check and the static assets.
LOGIN_PATH = "/accounts/login/"
PUBLIC_PREFIXES = ("/accounts/login/", "/static/", "/favicon.ico", "/healthz", "/setup/")


class LoginRequiredMiddleware:
    """Every page needs a signed-in user with an organization, except the login page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated:
            if request.path == LOGIN_PATH and request.method == "GET":
                from paicha.organizations.models import Organization

                if not Organization.objects.exists():  # a new installation: first-run page
                    return redirect("setup")
            if not request.path.startswith(PUBLIC_PREFIXES):
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)


class IdleSessionMiddleware:
    """Keep a signed-in session alive while it is used, writing it at most once every
    SESSION_REFRESH_SECONDS rather than on every request.

    The write is best-effort: when the database is busy (SQLite while an import writes) the
    page is served all the same and the session is renewed on a later request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.modified or not request.user.is_authenticated:
            return response
        now = int(time.time())
        if now - session.get("_refreshed", 0) >= settings.SESSION_REFRESH_SECONDS:
            session["_refreshed"] = now
            try:
                session.save()
            except DatabaseError:
                log.info("session not renewed: the database is busy")
            session.modified = False
        return response
