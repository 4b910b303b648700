import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from paicha.accounts.actors import UnknownUser, command_actor
from paicha.audit.services import audit_export
from paicha.core.dates import LooseDateError, parse_loose_date
from paicha.organizations.models import Organization
from paicha.reports.declarations import all_forms, get_form
from paicha.reports.renderers.docx import render_docx
from paicha.reports.renderers.xlsx import render_xlsx
from paicha.reports.selectors import parse_period_start


class Command(BaseCommand):
    help = (
        "生成正式报表：paicha form SLUG --org CODE --date YYYY-MM-DD [--start YYYY-MM-DD] "
        "--format xlsx|docx|json --out PATH"
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", nargs="?", help="报表代号（paicha form --list 列出全部）")
        parser.add_argument("--list", action="store_true", help="列出全部报表代号")
        parser.add_argument("--org", help="填报单位的组织代码")
        parser.add_argument("--date", help="填表日期 YYYY-MM-DD")
        parser.add_argument(
            "--start",
            help="统计起始日期 YYYY-MM-DD（附件5 等按统计时间计数的报表；"
            "省略则用专项排查的开始日期或当年1月1日）",
        )
        parser.add_argument("--format", choices=("xlsx", "docx", "json"), default="json")
        parser.add_argument("--out", help="输出文件路径（省略或 - 表示标准输出，仅限 json）")
        parser.add_argument("--user", help="以该用户的身份导出（默认：命令行账号）")

    def handle(
        self,
        *args,
        slug=None,
        list=False,
        org=None,
        date=None,
        start=None,
        format="json",
        out=None,
        user=None,
        **options,
    ):
        if list:
            for form in all_forms():
                self.stdout.write(f"{form.slug}\t{form.title.replace(' ', '')}")
            return
        if not slug or not org or not date:
            raise CommandError("需要报表代号、--org 和 --date（或用 --list 列出报表）")
        try:
            form = get_form(slug)
        except KeyError:
            raise CommandError(f"没有名为 {slug} 的报表；用 paicha form --list 查看") from None
        organization = Organization.objects.filter(code=org).first()
        if organization is None:
            raise CommandError(f"没有组织代码为 {org} 的党组织")
        try:
            acting_user = command_actor(organization, user)
        except UnknownUser as exc:
            raise CommandError(str(exc)) from None
        try:
            as_of = parse_loose_date(date)
        except LooseDateError as exc:
            raise CommandError(f"--date：{exc}") from None
        if as_of is None:
            raise CommandError("--date 不能为空")
        period_start = None
        if start:
            if not form.has_period:
                raise CommandError(f"--start：{form.title}没有统计起始日期，只按填表日期统计")
            try:
                period_start = parse_period_start(start, as_of)
            except ValueError as exc:
                raise CommandError(f"--start：{exc}") from None
        result = form.build(org=organization, as_of=as_of, start=period_start)
        if format == "json":
            content = json.dumps(result.as_json(), ensure_ascii=False, indent=1).encode()
        else:
            renderer = render_xlsx if format == "xlsx" else render_docx
            content = renderer(result, exported_by=f"命令行导出 {as_of:%Y年%m月%d日}")
        if out and out != "-":
            Path(out).write_bytes(content)
            self.stderr.write(f"已写入 {out}")
        elif format == "json":
            sys.stdout.write(content.decode() + "\n")
        else:
            raise CommandError("xlsx/docx 需要 --out 文件路径")
        audit_export(
            acting_user=acting_user,
            what=f"{form.title}（{format}，命令行）",
            org=organization,
            params={
                "date": as_of.isoformat(),
                **({"start": period_start.isoformat()} if period_start else {}),
            },
        )
        if result.failed_checks:
            for check in result.failed_checks:
                self.stderr.write(f"校验未通过：{check.where}：{check.rule} {check.detail}")
