import time

from django.core.management.base import BaseCommand

from paicha.evidence.gaps import mark_all_current, refresh_gaps


class Command(BaseCommand):
    help = (
        "重新计算全部党员“无联系证据的时段”（失联名单据此计算；批量修改党员进入支部日期、"
        "入党日期后运行）"
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        refresh_gaps()
        mark_all_current()
        self.stdout.write(
            self.style.SUCCESS(f"已重新计算，用时 {time.perf_counter() - started:.1f} 秒")
        )
