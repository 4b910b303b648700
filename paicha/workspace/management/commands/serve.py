"""`paicha serve`: the web server (gunicorn) and the background worker, together.

`make run` uses it; a deployment runs the two as separate services instead
(docs/DEPLOYMENT.md). The worker is restarted if it stops; Ctrl-C or SIGTERM stops both.
"""

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand


def gunicorn_command(*, bind: str, workers: int, threads: int, timeout: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "paicha.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--timeout",
        str(timeout),
        "--graceful-timeout",
        "30",
        "--max-requests",
        "2000",
        "--max-requests-jitter",
        "200",
        "--no-control-socket",
        "--access-logfile",
        "-",
        "--error-logfile",
        "-",
    ]


def worker_command() -> list[str]:
    return [sys.executable, "-m", "paicha.cli", "worker", "--no-reload"]


class Command(BaseCommand):
    help = "启动网站服务（gunicorn）和后台任务进程"

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind", default="127.0.0.1:8000", help="监听地址，默认 127.0.0.1:8000"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("PAICHA_WEB_WORKERS", 2 * (os.cpu_count() or 1) + 1)),
            help="网站进程数",
        )
        parser.add_argument("--threads", type=int, default=4, help="每个网站进程的线程数")
        parser.add_argument("--timeout", type=int, default=120, help="单个请求的最长秒数")
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务进程")

    def handle(self, *args, bind, workers, threads, timeout, no_worker, **options):
        web = subprocess.Popen(
            gunicorn_command(bind=bind, workers=workers, threads=threads, timeout=timeout)
        )
        worker = None if no_worker else subprocess.Popen(worker_command())
        stopping = []

        def stop(signum, frame):
            stopping.append(signum)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and web.poll() is None:
                if worker is not None and worker.poll() is not None:
                    self.stderr.write("后台任务进程已退出，重新启动")
                    time.sleep(1)
                    worker = subprocess.Popen(worker_command())
                time.sleep(0.5)
        finally:
            for process in (web, worker):
                if process is not None and process.poll() is None:
                    process.terminate()
            for process in (web, worker):
                if process is not None:
                    try:
                        process.wait(timeout=40)
                    except subprocess.TimeoutExpired:
                        process.kill()
