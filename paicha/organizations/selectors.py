from django.db.models import Count

from paicha.organizations.permissions import Perm
from paicha.organizations.scope import get_for_user

from .models import Organization


def get_org_for_user(user, code: str, *, for_write: bool = False) -> Organization:
    return get_for_user(
        Organization.objects,
        user,
        for_write=for_write,
        perm=Perm.MANAGE_ORGS if for_write else None,
        code=code,
    )


def org_children_with_counts(org: Organization):
    return org.children.filter(is_active=True).annotate(n_children=Count("children"))
