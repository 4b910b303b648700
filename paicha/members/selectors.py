from paicha.accounts.scope import get_for_user

from .models import Member


def get_member_for_user(user, pk: int, *, for_write: bool = False) -> Member:
    return get_for_user(Member.objects.select_related("organization"), user,
                        for_write=for_write, pk=pk)
