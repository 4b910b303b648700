from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "paicha.accounts"
    verbose_name = "用户与权限"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_logged_in, dispatch_uid="accounts_login_audit")


def _logged_in(sender, request, user, **kwargs):
    """Every login leaves an audit row, filed under the account's organization."""
    from paicha.audit.models import AuditAction
    from paicha.audit.services import audit_record

    import time

    address = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    if request is not None and hasattr(request, "session"):
        # The login's own session write counts as the session's refresh (IdleSessionMiddleware).
        request.session["_refreshed"] = int(time.time())
    audit_record(acting_user=user, action=AuditAction.LOGIN, obj=user,
                 note=f"登录（{address}）" if address else "登录",
                 org_path=user.organization.path if user.organization_id else "")


def lockout_username(request, credentials) -> str:
    """The name failed logins are counted under: ZB1006 and zb1006 are one account."""
    username = (credentials or {}).get("username") or (
        request.POST.get("username", "") if request is not None else "")
    return username.strip().lower()
