"""A crowd of 20 signed-in users on a production server (gunicorn) at province scale.

Target: p95 < 1 s for the member list, the 失联 list and a form, zero errors, on 2 cores with
the 1,000,000-member data set. Usage:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/paicha_perf_bench \\
        .venv/bin/python bench/crowd.py [--users 20] [--rounds 5] [--seconds 120] [--workers 5]

Bounded and local: it starts its own gunicorn on 127.0.0.1 (port 8108 unless --port) as
`paicha serve` does (gthread workers, 2 × cores + 1 of them, 4 threads each), makes (or
reuses) the accounts bench01…benchNN — two at the province, the others one county each —
signs them all in at once (timing each login: Argon2 check, lockout bookkeeping, session), then
each user requests the member list, the 失联 list and 附件5 of his organization `--rounds`
times, all users at once, stopping early at `--seconds`. It prints the login times, p50/p95
per page, errors and the load average, then stops its server. Needs gunicorn installed.
"""

import argparse
import datetime
import http.cookiejar
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paicha.settings")

import django

django.setup()

from paicha.accounts.models import User
from paicha.organizations.models import Organization
from paicha.organizations.permissions import Role

PASSWORD = "Bench-pass-2026"
HOST = "127.0.0.1"


def accounts(count: int) -> list[tuple[str, Organization]]:
    root = (
        Organization.objects.filter(name__startswith="合成测试省委组织部").order_by("path").first()
    )
    if root is None:
        sys.exit("先运行 paicha demo --members 1000000 --orgs 20000 建立合成数据")
    counties = list(root.children.order_by("path")[: max(0, count - 2)])
    places = [root, root, *counties][:count]
    out = []
    for i, org in enumerate(places, start=1):
        name = f"bench{i:02d}"
        user = User.objects.filter(username=name).first()
        if user is None:
            User.objects.create_user(
                name, password=PASSWORD, organization=org, role=Role.ORG_DEPARTMENT
            )
        out.append((name, org))
    return out


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.no_redirect = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect
        )

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with self.opener.open(self.base + path, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def login(self, username: str) -> bool:
        _, page = self.get("/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        data = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(
            self.base + "/accounts/login/",
            data=data,
            headers={"Referer": self.base + "/accounts/login/"},
        )
        # The redirect after a login is not followed: the home page is timed on its own.
        try:
            self.no_redirect.open(request, timeout=120)
        except urllib.error.HTTPError as exc:
            return exc.code == 302 and "/accounts/login/" not in exc.headers.get("Location", "")
        return False


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=120)
    # The server `paicha serve` runs: gunicorn, gthread workers (2 × cores + 1) of 4 threads.
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8108)
    args = parser.parse_args()
    from paicha.workspace.management.commands.serve import gunicorn_command

    users = accounts(args.users)
    base = f"http://{HOST}:{args.port}"
    env = {**os.environ, "PAICHA_DEBUG": "0"}
    command = gunicorn_command(
        bind=f"{HOST}:{args.port}", workers=args.workers, threads=args.threads, timeout=120
    )
    # The same server without its access log (one line a request would drown the figures).
    cut = command.index("--access-logfile")
    command[cut : cut + 2] = []
    server = subprocess.Popen(
        command, env=env, cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=5).read()
                break
            except OSError:
                time.sleep(0.3)
        run(args, users, base)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def run(args, users, base):
    print(
        f"{len(users)} users, gunicorn {args.workers} workers × {args.threads} threads, "
        f"{os.cpu_count()} cores; "
        f"load average {os.getloadavg()[0]:.1f} before"
    )
    clients = [Client(base) for _ in users]
    logins: list[float] = []
    failed: list[str] = []

    def sign_in(i):
        start = time.perf_counter()
        try:
            ok = clients[i].login(users[i][0])
        except OSError as exc:
            ok = False
            print(f"  {users[i][0]}: {exc}")
        logins.append(time.perf_counter() - start)
        if not ok:
            failed.append(users[i][0])

    start = time.perf_counter()
    threads = [threading.Thread(target=sign_in, args=(i,)) for i in range(len(users))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    print(
        f"login (form, Argon2 check, lockout record, session), all at once: {wall:.1f} s for "
        f"{len(users)}; each p50 {statistics.median(logins):.2f} s, p95 "
        f"{percentile(logins, 95):.2f} s; failed {len(failed)}"
    )

    date = datetime.date.today().isoformat()
    pages = {
        "member list": lambda org: "/members/",
        "失联 list": lambda org: "/evidence/lost/",
        "附件5": lambda org: f"/reports/attachment5/?org={org.code}&date={date}",
    }
    times: dict[str, list[float]] = {name: [] for name in pages}
    errors: list[str] = []
    deadline = time.perf_counter() + args.seconds

    def work(i):
        org = users[i][1]
        for _ in range(args.rounds):
            for name, url in pages.items():
                if time.perf_counter() > deadline:
                    return
                t0 = time.perf_counter()
                try:
                    status, _ = clients[i].get(url(org))
                except OSError as exc:
                    status = type(exc).__name__
                times[name].append(time.perf_counter() - t0)
                if status != 200:
                    errors.append(f"{name} {status}")

    start = time.perf_counter()
    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(users))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    total = sum(len(v) for v in times.values())
    print(
        f"{total} requests in {wall:.1f} s ({total / wall:.1f}/s); errors {len(errors)}"
        + (f": {', '.join(errors[:5])}" if errors else "")
    )
    every = [x for v in times.values() for x in v]
    for name, values in [*times.items(), ("all", every)]:
        if values:
            print(
                f"  {name:12} n={len(values):4}  p50 {statistics.median(values) * 1000:7.0f} ms"
                f"  p95 {percentile(values, 95) * 1000:7.0f} ms"
                f"  max {max(values) * 1000:7.0f} ms"
            )
    print(f"load average {os.getloadavg()[0]:.1f} after")


if __name__ == "__main__":
    main()
