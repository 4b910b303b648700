import datetime

from django.http import Http404

from paicha.organizations.selectors import get_org_for_user

from .declarations import FormDeclaration, get_form


def get_form_or_404(slug: str) -> FormDeclaration:
    try:
        return get_form(slug)
    except KeyError:
        raise Http404(f"没有名为 {slug} 的报表") from None


def form_org(user, code: str | None):
    """The reporting organization: one of the user's subtree (404 otherwise)."""
    return get_org_for_user(user, code) if code else user.organization


def parse_fill_date(raw: str | None, default: datetime.date) -> datetime.date:
    from paicha.core.dates import LooseDateError, parse_loose_date

    if not raw:
        return default
    try:
        return parse_loose_date(raw) or default
    except LooseDateError as exc:
        raise ValueError(f"填表日期：{exc}") from exc


def parse_period_start(raw: str | None, as_of: datetime.date) -> datetime.date | None:
    """The period's start S the user typed (None when left empty), no later than the fill
    date; a ValueError naming the field otherwise."""
    from paicha.core.dates import LooseDateError, parse_loose_date

    from .declarations import check_period_start

    if not raw:
        return None
    try:
        start = parse_loose_date(raw)
    except LooseDateError as exc:
        raise ValueError(f"统计起始日期：{exc}") from exc
    if start is not None:
        check_period_start(start, as_of)
    return start
