from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "paicha.accounts"
    verbose_name = "用户与权限"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_logged_in, dispatch_uid="accounts_login_session")


def _logged_in(sender, request, user, **kwargs):
    """The login's own session write counts as the session's refresh (IdleSessionMiddleware);
    the audit app records the login itself."""
    import time

    if request is not None and hasattr(request, "session"):
        request.session["_refreshed"] = int(time.time())


def lockout_username(request, credentials) -> str:
    """The name failed logins are counted under: ZB1006 and zb1006 are one account."""
    username = (credentials or {}).get("username") or (
        request.POST.get("username", "") if request is not None else ""
    )
    return username.strip().lower()
