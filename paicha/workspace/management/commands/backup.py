from django.core.management.base import BaseCommand, CommandError

from paicha.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份整个系统（数据库和上传的文件）到一个 .tar 文件；系统运行时也可以备份"

    def add_arguments(self, parser):
        parser.add_argument("path", help="备份文件路径，如 /backup/paicha-2026-12-02.tar")

    def handle(self, *args, path, **options):
        try:
            manifest = backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"已备份到 {path}（{manifest['engine']} 数据库，{len(manifest['files'])} 个文件）"
        )
