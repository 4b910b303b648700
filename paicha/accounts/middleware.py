from django.conf import settings
from django.contrib.auth.views import redirect_to_login

# Pages anyone may open: the login page itself and the static assets it needs.
PUBLIC_PREFIXES = ("/accounts/login/", "/static/", "/favicon.ico")


class LoginRequiredMiddleware:
    """Every page needs a signed-in user with an organization, except the login page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)
