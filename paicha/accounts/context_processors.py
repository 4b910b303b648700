from paicha.organizations.permissions import Perm, has_perm


def shell(request):
    """What the shell (menu, header) needs on every page."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "scope_org": user.organization,
        "perms_": {p.name: has_perm(user, p) for p in Perm},
    }
