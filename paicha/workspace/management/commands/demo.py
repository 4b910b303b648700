from django.core.management.base import BaseCommand, CommandError

from paicha.organizations.models import Organization
from paicha.workspace import demo


class Command(BaseCommand):
    help = "建立演示数据（虚构的湘江示范大学），或用 --members/--orgs 建立基准测试用的合成数据"

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, help="合成数据的党员人数（用于基准测试）")
        parser.add_argument("--orgs", type=int, default=None, help="合成数据的党支部数")
        parser.add_argument(
            "--if-empty", action="store_true", help="数据库中已有演示数据时不再重建，只打印登录信息"
        )

    def handle(self, *args, members=None, orgs=None, if_empty=False, **options):
        if members:
            orgs = orgs or max(1, members // 50)

            def progress(done, total, seconds):
                self.stdout.write(f"  {done:,} / {total:,} 名党员，{seconds:.1f} 秒")

            result = demo.build_synthetic(members=members, orgs=orgs, progress=progress)
            self.stdout.write(
                self.style.SUCCESS(
                    f"合成数据：{result.organizations:,} 个党组织，{result.members:,} 名党员，"
                    f"用时 {result.seconds:.1f} 秒"
                )
            )
            return
        exists = Organization.objects.filter(code="001").exists()
        if exists and not if_empty:
            raise CommandError(
                "演示数据已存在（组织代码 001）。用 --if-empty 跳过，或换一个空数据库。"
            )
        if not exists:
            result = demo.build_university()
            self.stdout.write(
                self.style.SUCCESS(
                    f"演示数据：{result.organizations} 个党组织，{result.members} 名党员，"
                    f"用时 {result.seconds:.1f} 秒"
                )
            )
        self.stdout.write(
            f"\n演示账号（密码均为 {demo.DEMO_PASSWORD}）：\n"
            "  zzb     组织部门（全校）\n"
            "  shenji  审计人员（全校，只读）\n"
            "  xy01    基层党委审核人员（文学院，xy01…xy10 对应各学院）\n"
            "  zb0101  支部工作人员（文学院教工第一党支部，zbCCBB 对应各支部）\n"
        )
