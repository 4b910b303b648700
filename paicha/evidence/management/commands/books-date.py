"""paicha books-date CODE [--set DATE | --clear] [--date DATE]

Shows the 建账日期 in force for an organization and where it comes from; --set sets the
organization's own 建账日期 (its subtree inherits it), --clear removes it (derived again from
the records). The 失联 clocks of the members concerned are recomputed at once.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from paicha.accounts.actors import UnknownUser, command_actor
from paicha.evidence import services
from paicha.evidence.books import books_for

from ._common import day, organization


class Command(BaseCommand):
    help = "查看或设定党组织的建账日期（下级党组织沿用）"

    def add_arguments(self, parser):
        parser.add_argument("org", help="党组织代码")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--set", dest="opened_on", help="设定建账日期，如 2016-01-01")
        group.add_argument("--clear", action="store_true", help="清除本组织设定的建账日期")
        parser.add_argument("--date", help="今天的日期（默认系统日期），建账日期不能晚于它")
        parser.add_argument("--user", help="以该用户的身份设定（默认：命令行账号）")

    def handle(self, *args, org, opened_on=None, clear=False, date=None, user=None, **options):
        organization_ = organization(org)
        if opened_on or clear:
            new = day(opened_on, "--set") if opened_on else None
            try:
                services.books_set(
                    organization=organization_,
                    opened_on=new,
                    acting_user=command_actor(organization_, user),
                    as_of=day(date),
                )
            except (UnknownUser, PermissionDenied) as exc:
                raise CommandError(str(exc)) from None
            except ValidationError as exc:
                raise CommandError(
                    "；".join(m for ms in exc.message_dict.values() for m in ms)
                ) from None
        row = books_for(organization_)
        self.stdout.write(
            f"{organization_.name}（{organization_.code}）适用的建账日期：{row.explanation}"
        )
