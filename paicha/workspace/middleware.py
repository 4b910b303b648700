from django.shortcuts import redirect

from .installation import is_empty

LOGIN_PATH = "/accounts/login/"


class FirstRunMiddleware:
    """An installation without any organization sends the login page to the first-run page
    (`setup`), where the top organization and its first account are made."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path == LOGIN_PATH
            and request.method == "GET"
            and not request.user.is_authenticated
            and is_empty()
        ):
            return redirect("setup")
        return self.get_response(request)
