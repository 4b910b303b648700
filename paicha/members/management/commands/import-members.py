"""paicha import-members FILE --org CODE [--dry-run] [--user NAME]

Checks the whole roster first; on any error prints every one (row, column, value, what is
wrong), writes nothing and exits with status 1. Without --dry-run a clean file is written in
one transaction.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from paicha.accounts.actors import UnknownUser, command_actor
from paicha.core.importing import check_upload_size
from paicha.members.importing import (
    ImportFileError,
    ImportRejected,
    import_commit,
    plan_import,
)
from paicha.organizations.models import Organization


class Command(BaseCommand):
    help = "从 .xlsx/.xls/.ods/.csv 导入党员名册（先检查，全部无误才写入）"
    # Django's system checks import every URL and view, a second of start-up that an import
    # does not need (`paicha check`, the server and migrate still run them).
    requires_system_checks = ()

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--org", required=True, help="导入到的党组织代码")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument(
            "--user", help="以该用户的身份导入（默认：命令行账号，即该组织树顶层的组织部门身份）"
        )

    def handle(self, *args, file, org, dry_run, user=None, **options):
        organization = Organization.objects.filter(code=org).first()
        if organization is None:
            raise CommandError(f"没有代码为 {org} 的党组织")
        try:
            acting_user = command_actor(organization, user)
        except UnknownUser as exc:
            raise CommandError(str(exc)) from None
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {file}")
        try:
            check_upload_size(path.stat().st_size)
            content = path.read_bytes()
            if dry_run:
                plan = plan_import(
                    content=content,
                    filename=path.name,
                    organization=organization,
                    acting_user=acting_user,
                )
                if plan.error_count:
                    raise ImportRejected(plan)
                self._summary(plan, "检查通过（未写入）：将")
                return
            result = import_commit(
                content=content,
                filename=path.name,
                organization=organization,
                acting_user=acting_user,
            )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        except ImportRejected as exc:
            for error in exc.plan.errors:
                self.stderr.write(
                    f"第{error.row}行\t{error.column}\t{error.value}\t{error.message}"
                )
            if exc.plan.error_count > len(exc.plan.errors):
                self.stderr.write(
                    f"……另有 {exc.plan.error_count - len(exc.plan.errors)} 处错误未列出"
                )
            raise CommandError(
                f"共 {exc.plan.error_count} 处错误（{exc.plan.rows_with_errors} 行），"
                f"未写入任何数据"
            ) from None
        self._summary(result.plan, "导入完成：")

    def _summary(self, plan, prefix):
        for note in plan.notes:
            self.stdout.write(note)
        for warning in plan.warnings:
            self.stdout.write(f"注意：{warning}")
        counts = plan.summary()
        unchanged = f"，{counts['unchanged']} 人与名册一致未改动" if counts["unchanged"] else ""
        self.stdout.write(
            f"{prefix}新增 {counts['create']} 人，更新 {counts['update']} 人"
            f"{unchanged}（读取 {plan.rows_read} 行）"
        )
