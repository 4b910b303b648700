from django.core.management.base import BaseCommand, CommandError

from paicha.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "从备份文件恢复整个系统（替换当前的数据库和上传的文件）；请先停止网站和后台任务进程"

    def add_arguments(self, parser):
        parser.add_argument("path", help="paicha backup 生成的备份文件")
        parser.add_argument("--yes", action="store_true", help="不再确认，直接替换当前数据")

    def handle(self, *args, path, yes, **options):
        if (
            not yes
            and input("恢复将替换当前的全部数据和文件，确定吗？输入 yes 继续：").strip() != "yes"
        ):
            raise CommandError("已取消，没有改动任何数据")
        try:
            manifest = restore(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"已从 {path} 恢复（备份时间 {manifest['created_at']}，"
            f"{len(manifest['files'])} 个文件）；请执行 paicha migrate 后再启动服务"
        )
