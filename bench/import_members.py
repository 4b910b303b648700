"""Roster import at scale: 100,000 rows × 15 columns of .xlsx, on SQLite and PostgreSQL.

Usage:
    .venv/bin/python bench/import_members.py                 # both databases, one process each
    .venv/bin/python bench/import_members.py --database sqlite --rows 20000
    .venv/bin/python bench/import_members.py --file /tmp/…/roster.xlsx   # reuse a built file
    .venv/bin/python bench/import_members.py --only update   # the update path alone
    .venv/bin/python bench/import_members.py --only process  # `paicha import-members` alone

Each database run is one process with its own throwaway database (a fresh SQLite file in a temp
directory; a PostgreSQL database `paicha_bench_members_import`, dropped and created again), so no
real data is touched. In that process, on the same file, it times:

  ours          paicha.members.importing.import_commit: parse + validate + dedup + write
  parse         python-calamine alone (load the workbook, all cells to Python)
  raw write     core.bulk.bulk_insert alone (COPY / executemany) of the same rows, prebuilt
  import-export django-import-export in its fastest configuration (use_bulk, skip_diff,
                force_init_instance; tablib/openpyxl reading the same file)
  update path   ours again on the same file once it is stored: every row an update, first with
                every stored value equal to the file's (nothing to write), then with one field
                of every stored member changed beforehand (every row written)
  floor         written here without the product's code: calamine, the same columns turned
                into table values, COPY / executemany, one transaction
  process       `paicha import-members FILE --org CODE` as a whole process (start-up, reading,
                checks, write), median of --runs runs

and prints rows/s, the ratios, and peak memory (tracemalloc over a second run of ours, plus the
process's maximum resident size).
"""

import argparse
import datetime
import io
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
# The throwaway PostgreSQL database (dropped and created again): PAICHA_BENCH_PG_NAME names
# another, so that two people benchmarking on one server do not drop each other's.
PG_NAME = os.environ.get("PAICHA_BENCH_PG_NAME", "paicha_bench_members_import")
HEADER = [
    "序号",
    "姓名",
    "性别",
    "民族",
    "籍贯",
    "出生年月",
    "学历",
    "身份证号码",
    "入党时间",
    "转正时间",
    "工作单位",
    "联系电话",
    "备注",
    "党员类型",
    "户籍所在地",
]


def build_file(rows: int) -> bytes:
    """The roster a big committee might hold, with the header in row 1 (as import-export needs)."""
    from openpyxl import Workbook

    from paicha.members.idcard import make_id_number

    rng = random.Random(2016)
    surnames, given = (
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗",
        "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚",
    )
    ethnicities = ["汉族"] * 9 + ["苗族", "土家族", "侗族"]
    educations = ["研究生", "大学本科", "大学本科", "大学专科", "中专", "高中、中技"]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("支部党员名册")
    ws.append(HEADER)
    used = set()
    for i in range(rows):
        gender = "M" if rng.random() < 0.52 else "F"
        birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(0, 18000))
        while True:
            number = make_id_number(
                rng.choice(("430102", "430104", "110105", "520102")),
                birth,
                rng.randrange(100),
                gender,
            )
            if number not in used:
                used.add(number)
                break
        join = birth + datetime.timedelta(days=rng.randrange(19 * 365, 30 * 365))
        probationary = rng.random() < 0.05
        full = None if probationary else join + datetime.timedelta(days=365)
        ws.append(
            [
                i + 1,
                rng.choice(surnames) + rng.choice(given) + rng.choice(given),
                "男" if gender == "M" else "女",
                rng.choice(ethnicities),
                "湖南长沙",
                datetime.datetime(birth.year, birth.month, birth.day),
                rng.choice(educations),
                number,
                datetime.datetime(join.year, join.month, join.day),
                datetime.datetime(full.year, full.month, full.day) if full else None,
                "湘江示范大学文学院",
                f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
                "外出流动" if rng.random() < 0.03 else "",
                "预备党员" if probationary else "正式党员",
                f"长沙市岳麓区{rng.randrange(1, 999)}号",
            ]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def fresh_database(kind: str, tmp: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{os.path.join(tmp, 'bench.sqlite3')}"
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}"')
        c.execute(f'CREATE DATABASE "{PG_NAME}"')
    return f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"


def timed(label, fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def run_one(
    kind: str, path: str, rows: int, skip_import_export: bool, runs: int = 3, only: str = ""
) -> None:
    tmp = tempfile.mkdtemp(prefix="paicha-bench-import-")
    os.environ["DATABASE_URL"] = fresh_database(kind, tmp)
    os.environ["DJANGO_SETTINGS_MODULE"] = "paicha.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from paicha.accounts.models import User
    from paicha.audit.context import suspended
    from paicha.codes import OrgCategory, OrgKind
    from paicha.core.bulk import bulk_insert
    from paicha.members import importing
    from paicha.members.models import Member
    from paicha.organizations.permissions import Role
    from paicha.organizations.services import org_create, org_create_top

    call_command("migrate", verbosity=0)
    root = org_create_top(
        code="B001", name="基准测试党委", kind=OrgKind.COMMITTEE, category=OrgCategory.SCHOOL
    )
    user = User.objects.create(username="bench", organization=root, role=Role.ORG_DEPARTMENT)
    branch = org_create(
        parent=root,
        code="B001001",
        name="基准测试党支部",
        kind=OrgKind.BRANCH,
        category=OrgCategory.SCHOOL,
        acting_user=user,
    )

    def clear():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("TRUNCATE members_member CASCADE")
            else:  # rows that refer to members first (the update path adds evidence gaps)
                for rel in Member._meta.related_objects:
                    if not rel.many_to_many:
                        cursor.execute(f'DELETE FROM "{rel.related_model._meta.db_table}"')
                cursor.execute("DELETE FROM members_member")

    started = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i
    calibration = time.perf_counter() - started
    with open(path, "rb") as handle:
        content = handle.read()
    print(
        f"\n== {connection.vendor}: {rows:,} rows × {len(HEADER)} columns, "
        f"{len(content) / 1e6:.1f} MB .xlsx; load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} cores; CPU check: a 3M-step Python loop took {calibration:.2f} s "
        f"(≈ 0.15 s on an idle core)",
        flush=True,
    )

    def line(label, seconds):
        print(f"  {label:44} {seconds:7.2f} s  {rows / seconds:10,.0f} rows/s", flush=True)

    def ours():
        return importing.import_commit(
            content=content, filename="bench.xlsx", organization=branch, acting_user=user
        )

    def parse():
        from python_calamine import load_workbook

        return load_workbook(io.BytesIO(content)).get_sheet_by_index(0).to_python()

    if only == "update":
        peak = update_path(ours, line, rows)
        print(
            f"  peak Python memory, unchanged re-import (tracemalloc): {peak / 2**20:.0f} MiB;"
            f" load average now {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        return
    if only == "process":
        process_runs = []
        for _ in range(runs):
            clear()
            process_runs.append(whole_process(path, "B001001"))
        line("`paicha import-members` process (median)", statistics.median(process_runs))
        print(f"  load average now {os.getloadavg()[0]:.1f}", flush=True)
        return

    _, parse_s = timed("parse", parse)
    line("parse alone (python-calamine)", parse_s)

    plan = importing.plan_import(
        content=content, filename="bench.xlsx", organization=branch, acting_user=user
    )
    assert plan.error_count == 0 and plan.create_count == rows, plan.errors[:5]
    from django.utils import timezone

    # The rows exactly as ours writes them: the columns the file fills, values as checked.
    member_rows = importing.MemberRows(importing.insert_fields(plan.fields_filled), timezone.now())
    prebuilt = [member_rows(p) for p in plan.creates]
    del plan

    def raw_write():
        with transaction.atomic(), suspended():
            return bulk_insert(Member, member_rows.fields, prebuilt)

    _, write_s = timed("write", raw_write)
    line("raw write alone (bulk_insert)", write_s)
    prebuilt.clear()
    clear()

    result, ours_s = timed("ours", ours)
    line("ours (parse + validate + dedup + write)", ours_s)
    assert result.created == rows and Member.objects.count() == rows
    del result
    clear()
    tracemalloc.start()
    ours()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    clear()

    update_peak = update_path(ours, line, rows)
    clear()

    floor_s = independent_floor(content, branch.pk, branch.path)
    line("independent floor (calamine + COPY/executemany)", floor_s)
    clear()

    process_runs = []
    for _ in range(runs):
        clear()
        process_runs.append(whole_process(path, "B001001"))
    process_s = statistics.median(process_runs)
    line("`paicha import-members` process (median)", process_s)
    clear()

    ie_s = None
    if not skip_import_export:
        ie_s = import_export_run(content, branch, rows)
        line("django-import-export (fastest configuration)", ie_s)
        clear()
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    line("parse + raw write", parse_s + write_s)
    print(f"  ours / (parse + raw write) = {ours_s / (parse_s + write_s):.2f}×")
    print(f"  ours / independent floor = {ours_s / floor_s:.2f}×  (goal ≤ 2×)")
    if ie_s:
        print(f"  django-import-export / ours = {ie_s / ours_s:.1f}×  (goal ≥ 10×)")
    print(
        f"  whole process ≥ 20,000 rows/s: {'yes' if rows / process_s >= 20_000 else 'NO'} "
        f"({rows / process_s:,.0f} rows/s; runs: "
        f"{', '.join(f'{r:.2f} s' for r in process_runs)})"
    )
    print(
        f"  peak Python memory of ours (tracemalloc): {peak / 2**20:.0f} MiB; update path: "
        f"{update_peak / 2**20:.0f} MiB (goal < 500 MiB); process max RSS: {maxrss_mb:.0f} MiB; "
        f"load average now {os.getloadavg()[0]:.1f}",
        flush=True,
    )


def update_path(ours, line, rows: int) -> int:
    """The same IDs imported again, every row an update: first unchanged (the stored values are
    the file's), then with every stored member's 工作单位 changed beforehand, so that every row
    is written. Returns the peak Python memory of the first."""
    from django.db import connection

    from paicha.members.models import Member

    ours()
    result, unchanged_s = timed("update", ours)
    assert result.created == 0 and result.updated + result.unchanged == rows, result
    line(f"ours, re-import of stored IDs, {result.updated:,} changed", unchanged_s)
    tracemalloc.start()  # a run of its own: tracemalloc slows Python down
    ours()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    with connection.cursor() as cursor:
        cursor.execute(f'UPDATE "{Member._meta.db_table}" SET "work_unit" = %s', ["旧单位"])
    result, changed_s = timed("update", ours)
    assert result.updated == rows, result.updated
    line(f"ours, re-import of stored IDs, {result.updated:,} changed", changed_s)
    return peak


def whole_process(path: str, org_code: str) -> float:
    """`paicha import-members FILE --org CODE` as a user runs it: start-up included."""
    command = [
        sys.executable,
        "-c",
        "from paicha.cli import main; main()",
        "import-members",
        path,
        "--org",
        org_code,
    ]
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=os.environ.copy())
    return time.perf_counter() - start


def independent_floor(content: bytes, org_id: int, org_path: str) -> float:
    """The least any roster import must do, written here without the product's code: read
    the sheet with python-calamine, turn the 15 columns into the table's values (codes for
    性别/民族/学历/党员类型, dates), and COPY (PostgreSQL) or executemany (SQLite) them into
    members_member in one transaction. No checks beyond what the table needs."""
    import datetime as dt

    from django.db import connection, transaction
    from python_calamine import CalamineWorkbook

    from paicha.codes import Education, Ethnicity, MemberType

    ethnicity = {label: value for value, label in Ethnicity.choices}
    education = {label: value for value, label in Education.choices}
    member_type = {label: value for value, label in MemberType.choices}
    columns = (
        "organization_id",
        "org_path",
        "name",
        "name_initials",
        "gender",
        "ethnicity",
        "native_place",
        "birth_date",
        "education",
        "id_number",
        "join_date",
        "full_date",
        "work_unit",
        "mobile",
        "remarks",
        "member_type",
        "household_register",
        "status",
        "created_at",
        "updated_at",
    )

    def run():
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
        rows = sheet.to_python()
        at = {title: i for i, title in enumerate(rows[0])}
        now = dt.datetime.now(dt.UTC)

        def day(value):
            if isinstance(value, dt.datetime):
                return value.date()
            return value if isinstance(value, dt.date) else None

        values = [
            (
                org_id,
                org_path,
                r[at["姓名"]],
                "",
                "M" if r[at["性别"]] == "男" else "F",
                ethnicity[r[at["民族"]]],
                r[at["籍贯"]],
                day(r[at["出生年月"]]),
                education[r[at["学历"]]],
                r[at["身份证号码"]],
                day(r[at["入党时间"]]),
                day(r[at["转正时间"]]),
                r[at["工作单位"]],
                r[at["联系电话"]],
                r[at["备注"]],
                member_type[r[at["党员类型"]]],
                r[at["户籍所在地"]],
                "active",
                now,
                now,
            )
            for r in rows[1:]
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(
                    f"COPY members_member ({', '.join(columns)}) FROM STDIN"
                ) as copy:
                    for row in values:
                        copy.write_row(row)
            else:
                cursor.executemany(
                    f"INSERT INTO members_member ({', '.join(columns)}) VALUES "
                    f"({', '.join(['%s'] * len(columns))})",
                    values,
                )

    _, seconds = timed("floor", run)
    return seconds


def import_export_run(content: bytes, branch, rows: int) -> float:
    """django-import-export, configured as fast as it goes, mapping the same Chinese columns."""
    import tablib
    from import_export import fields, resources, widgets

    from paicha.codes import Education, Ethnicity, Gender, MemberType
    from paicha.core.pinyin import initials
    from paicha.members.models import Member

    class LabelWidget(widgets.Widget):
        def __init__(self, choices):
            super().__init__()
            self.codes = {label: value for value, label in choices}

        def clean(self, value, row=None, **kwargs):
            return self.codes.get(value, "")

    def col(attribute, title, widget=None):
        # Blank cells are None to tablib; the text columns are NOT NULL, so store "".
        return fields.Field(
            attribute=attribute,
            column_name=title,
            widget=widget or widgets.CharWidget(allow_blank=True),
        )

    class MemberResource(resources.ModelResource):
        name = col("name", "姓名")
        gender = col("gender", "性别", LabelWidget(Gender.choices))
        ethnicity = col("ethnicity", "民族", LabelWidget(Ethnicity.choices))
        native_place = col("native_place", "籍贯")
        birth_date = col("birth_date", "出生年月", widgets.DateWidget())
        education = col("education", "学历", LabelWidget(Education.choices))
        id_number = col("id_number", "身份证号码")
        join_date = col("join_date", "入党时间", widgets.DateWidget())
        full_date = col("full_date", "转正时间", widgets.DateWidget())
        work_unit = col("work_unit", "工作单位")
        mobile = col("mobile", "联系电话")
        remarks = col("remarks", "备注")
        member_type = col("member_type", "党员类型", LabelWidget(MemberType.choices))
        household_register = col("household_register", "户籍所在地")

        class Meta:
            model = Member
            fields = (
                "name",
                "gender",
                "ethnicity",
                "native_place",
                "birth_date",
                "education",
                "id_number",
                "join_date",
                "full_date",
                "work_unit",
                "mobile",
                "remarks",
                "member_type",
                "household_register",
            )
            import_id_fields = ("id_number",)
            use_bulk = True
            skip_diff = True
            force_init_instance = True
            batch_size = 1000

        def before_save_instance(self, instance, row, **kwargs):
            instance.organization_id = branch.pk
            instance.org_path = branch.path
            instance.name_initials = initials(instance.name)

    def run():
        dataset = tablib.Dataset().load(io.BytesIO(content), format="xlsx")
        result = MemberResource().import_data(
            dataset, dry_run=False, use_transactions=True, raise_errors=True
        )
        assert not result.has_errors()

    _, seconds = timed("import-export", run)
    assert Member.objects.count() == rows, Member.objects.count()
    return seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--skip-import-export", action="store_true")
    parser.add_argument("--file", help="an .xlsx built by an earlier run (same --rows)")
    parser.add_argument("--only", choices=("update", "process"), help="time only this part")
    args = parser.parse_args()
    path = args.file
    if path is None:
        path = os.path.join(tempfile.mkdtemp(prefix="paicha-bench-roster-"), "roster.xlsx")
        content, build_s = timed("build", lambda: build_file(args.rows))
        with open(path, "wb") as handle:
            handle.write(content)
        print(f"built {path} ({args.rows:,} rows) in {build_s:.1f} s", flush=True)
    if args.database != "both":
        run_one(args.database, path, args.rows, args.skip_import_export, only=args.only or "")
        return
    for kind in ("sqlite", "postgresql"):
        command = [
            sys.executable,
            __file__,
            "--database",
            kind,
            "--rows",
            str(args.rows),
            "--file",
            path,
        ]
        if args.skip_import_export:
            command.append("--skip-import-export")
        if args.only:
            command += ["--only", args.only]
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
