"""What the evidence commands share: the organization by code and the date."""

import datetime

from django.core.management.base import CommandError
from django.utils import timezone

from paicha.core.dates import LooseDateError, parse_loose_date
from paicha.organizations.models import Organization


def organization(code: str) -> Organization:
    org = Organization.objects.filter(code=code.strip()).first()
    if org is None:
        raise CommandError(f"没有代码为 {code} 的党组织")
    return org


def day(value: str | None, what: str = "--date") -> datetime.date:
    if not value:
        return timezone.localdate()
    try:
        parsed = parse_loose_date(value)
    except LooseDateError as exc:
        raise CommandError(f"{what}：{exc}") from None
    if parsed is None:
        raise CommandError(f"{what}：“{value}”不是日期")
    return parsed
