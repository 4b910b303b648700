"""core.importing's plan/commit cycle with a tiny declaration of its own: a sheet of worker
processes (名称, 进程号) written as WorkerHeartbeat rows. The dry run writes nothing, one
refused row leaves the database untouched, progress is reported, and a job runs it."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from paicha.core.importing import ImportRejected, cell_text
from paicha.core.importing.cycle import Column, Importer, import_commit, plan_import
from paicha.core.importing.jobs import check_declared, commit_declared, declaration_class
from paicha.core.importing.readers import CellError
from paicha.core.models import WorkerHeartbeat

STARTED = datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC)


def read_pid(value) -> int:
    text = cell_text(value)
    if not text.isdigit():
        raise CellError("应为正整数")
    return int(text)


class HeartbeatImport(Importer):
    title = "进程表"
    columns = (
        Column("worker", "名称", ("进程名称",), required=True),
        Column("pid", "进程号", (), read_pid, required=True),
        Column("host", "主机"),
    )
    max_rows = 100

    def __init__(self, *, allowed: bool = True):
        self.allowed = allowed
        self.acting_user = None

    def authorize(self) -> None:
        if not self.allowed:
            raise PermissionDenied("不在您的管理范围内")

    def prepare(self, plan, rows) -> None:
        self.stored = set(WorkerHeartbeat.objects.values_list("worker", flat=True))
        self.seen = {}

    def check_row(self, row):
        worker = row.values.get("worker")
        if not worker:
            row.refuse("worker", "不能为空")
        elif worker in self.stored:
            row.refuse("worker", "已经登记过")
        elif worker in self.seen:
            row.refuse("worker", f"与第{self.seen[worker]}行重复")
        else:
            self.seen[worker] = row.number
        if row.refused:
            return None
        return WorkerHeartbeat(
            worker=worker,
            pid=row.values["pid"],
            host=row.values.get("host", ""),
            started_at=STARTED,
            seen_at=STARTED,
        )

    def describe(self, item) -> str:
        return f"{item.worker}（{item.pid}）"

    def write(self, items, progress) -> int:
        WorkerHeartbeat.objects.bulk_create(items)
        return len(items)

    def done_message(self, result) -> str:
        return f"已登记 {result} 个进程"

    def job_params(self) -> dict:
        return {}

    @classmethod
    def from_job(cls, job):
        return cls()


def sheet(*rows, header=("名称", "进程号", "主机")) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["进程登记表"])  # a title line above the header
    book.active.append(list(header))
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = sheet(("w1", 101, "a"), ("w2", "102", "b"), (None, None, None), ("w3", 103, ""))
BAD = sheet(("w1", 101, "a"), ("w2", "x1", "b"), ("w1", 104, ""), ("", 105, ""))


@pytest.mark.django_db
def test_the_dry_run_lists_what_would_be_added_and_writes_nothing():
    plan = plan_import(HeartbeatImport(), content=GOOD, filename="进程.xlsx")
    assert plan.ok and plan.rows_read == 3
    assert [(n, item.worker, item.pid) for n, item in plan.accepted] == [
        (3, "w1", 101),
        (4, "w2", 102),
        (6, "w3", 103),
    ]
    assert plan.preview() == ["第3行：w1（101）", "第4行：w2（102）", "第6行：w3（103）"]
    assert not WorkerHeartbeat.objects.exists()


@pytest.mark.django_db
def test_every_error_names_its_row_and_column_as_the_file_spells_it():
    plan = plan_import(HeartbeatImport(), content=BAD, filename="进程.xlsx")
    assert plan.messages() == [
        "第4行“进程号”（x1）：应为正整数",
        "第5行“名称”（w1）：与第3行重复",
        "第6行“名称”：不能为空",
    ]
    assert (plan.error_count, plan.rows_with_errors, len(plan.accepted)) == (3, 3, 1)


@pytest.mark.django_db
def test_one_refused_row_leaves_the_database_untouched():
    with pytest.raises(ImportRejected) as exc:
        import_commit(HeartbeatImport(), content=BAD, filename="进程.xlsx")
    assert "第4行“进程号”（x1）：应为正整数" in exc.value.errors
    assert exc.value.plan.error_count == 3
    assert not WorkerHeartbeat.objects.exists()


@pytest.mark.django_db
def test_a_clean_file_is_written_and_progress_is_reported():
    calls = []
    plan = import_commit(
        HeartbeatImport(),
        content=GOOD,
        filename="进程.xlsx",
        progress=lambda *args: calls.append(args),
    )
    assert plan.result == 3
    assert sorted(WorkerHeartbeat.objects.values_list("worker", "pid")) == [
        ("w1", 101),
        ("w2", 102),
        ("w3", 103),
    ]
    assert calls == [("check", 0, 3), ("check", 3, 3), ("write", 0, 3), ("write", 3, 3)]


@pytest.mark.django_db
def test_skipping_refused_rows_only_where_the_declaration_allows_it():
    with pytest.raises(ValueError):
        import_commit(HeartbeatImport(), content=BAD, filename="进程.xlsx", skip_refused=True)

    class Lenient(HeartbeatImport):
        may_skip_refused = True

    plan = import_commit(Lenient(), content=BAD, filename="进程.xlsx", skip_refused=True)
    assert plan.result == 1 and list(WorkerHeartbeat.objects.values_list("worker", flat=True)) == [
        "w1"
    ]


@pytest.mark.django_db
def test_a_missing_column_or_a_refused_user_stops_before_any_row():
    with pytest.raises(ImportRejected) as exc:
        import_commit(
            HeartbeatImport(), content=sheet(("w1",), header=("名称", "主机")), filename="进程.xlsx"
        )
    assert exc.value.errors == ["第2行（表头）缺少列：进程号（列标题应为：名称、进程号、主机）"]
    with pytest.raises(PermissionDenied):
        plan_import(HeartbeatImport(allowed=False), content=GOOD, filename="进程.xlsx")


def test_a_job_names_only_declarations_of_the_product():
    assert (
        declaration_class("paicha.core.tests.test_import_cycle.HeartbeatImport") is HeartbeatImport
    )
    with pytest.raises(ValueError):
        declaration_class("os.system")
    with pytest.raises(TypeError):
        declaration_class("paicha.core.models.WorkerHeartbeat")


@pytest.mark.django_db
def test_the_background_job_checks_then_writes(tree, personas, settings, tmp_path):
    from paicha.members import jobs
    from paicha.members.models import ImportState, MemberImport

    settings.MEMBER_IMPORT_IN_BACKGROUND = False
    settings.MEDIA_ROOT = str(tmp_path / "files")
    job = MemberImport.objects.create(
        organization=tree.branch_a1,
        created_by=personas["worker_a1"],
        filename="进程.xlsx",
        content=BAD,
        kind="paicha.core.tests.test_import_cycle.HeartbeatImport",
    )
    jobs.run_import_job(job.pk)
    job.refresh_from_db()
    assert job.state == ImportState.REJECTED and job.summary["errors"] == 3
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (4, "进程号"),
        (5, "名称"),
        (6, "名称"),
    ]

    job = MemberImport.objects.create(
        organization=tree.branch_a1,
        created_by=personas["worker_a1"],
        filename="进程.xlsx",
        content=GOOD,
        kind="paicha.core.tests.test_import_cycle.HeartbeatImport",
    )
    jobs.run_import_job(job.pk)
    job.refresh_from_db()
    assert job.state == ImportState.CHECKED and not WorkerHeartbeat.objects.exists()
    assert [p["name"] for p in job.preview] == ["w1（101）", "w2（102）", "w3（103）"]
    assert jobs.read_progress(job.pk)["stage"] == "检查"
    MemberImport.objects.filter(pk=job.pk).update(state=ImportState.IMPORTING)
    jobs.run_import_job(job.pk)
    job.refresh_from_db()
    assert (job.state, job.message) == (ImportState.DONE, "已登记 3 个进程")
    assert WorkerHeartbeat.objects.count() == 3


@pytest.mark.django_db
def test_the_job_steps_are_the_dry_run_and_the_commit():
    class Job:
        kind = "paicha.core.tests.test_import_cycle.HeartbeatImport"
        content, filename, params = GOOD, "进程.xlsx", {}

    outcome = check_declared(Job, lambda *a: None)
    assert outcome.ok and outcome.stored["summary"]["create"] == 3
    assert not WorkerHeartbeat.objects.exists()
    outcome = commit_declared(Job, lambda *a: None)
    assert outcome.message == "已登记 3 个进程" and WorkerHeartbeat.objects.count() == 3
    assert timezone.is_aware(WorkerHeartbeat.objects.first().seen_at)


class StreamedHeartbeatImport(HeartbeatImport):
    """Rows on host "a" are written as they pass (the stream); the others at the end."""

    def open_stream(self):
        importer = self

        class Stream:
            def add(self, item):
                item.save()
                importer.streamed.append(item.worker)

            def close(self):
                return len(importer.streamed)

            def abort(self):
                importer.aborted = True

        self.streamed, self.aborted = [], False
        return Stream()

    def streams(self, item) -> bool:
        return item.host == "a"

    def write(self, items, progress):
        WorkerHeartbeat.objects.bulk_create(items)
        return [item.worker for item in items]


@pytest.mark.django_db
def test_a_stream_takes_its_rows_as_they_pass_and_write_the_rest():
    importer = StreamedHeartbeatImport()
    calls = []
    plan = import_commit(
        importer,
        content=sheet(("w1", 101, "a"), ("w2", 102, "b"), ("w3", 103, "a")),
        filename="进程.xlsx",
        progress=lambda *args: calls.append(args),
    )
    assert importer.streamed == ["w1", "w3"] and plan.result == ["w2"]
    assert plan.accepted_count == 3 and not importer.aborted
    assert sorted(WorkerHeartbeat.objects.values_list("worker", flat=True)) == ["w1", "w2", "w3"]
    assert calls[-3:] == [("write", 0, 3), ("write", 2, 3), ("write", 3, 3)]


@pytest.mark.django_db
def test_a_row_refused_after_streamed_rows_rolls_them_back():
    importer = StreamedHeartbeatImport()
    with pytest.raises(ImportRejected) as exc:
        import_commit(
            importer,
            content=sheet(("w1", 101, "a"), ("w1", 102, "a"), ("w3", 103, "a")),
            filename="进程.xlsx",
        )
    # w3 passed after the second w1 was refused: it was not handed to the stream.
    assert importer.streamed == ["w1"] and importer.aborted
    assert exc.value.errors == ["第4行“名称”（w1）：与第3行重复"]
    assert not WorkerHeartbeat.objects.exists()


@pytest.mark.django_db
def test_the_dry_run_streams_nothing():
    importer = StreamedHeartbeatImport()
    importer.open_stream()
    plan = plan_import(importer, content=GOOD, filename="进程.xlsx")
    assert importer.streamed == [] and len(plan.accepted) == 3


@pytest.mark.django_db
def test_a_refused_commit_counts_every_row_that_passed_beyond_the_preview(monkeypatch):
    from paicha.core.importing import cycle

    monkeypatch.setattr(cycle, "PREVIEW_ROWS", 2)

    class CheckedAcross(StreamedHeartbeatImport):
        def check_rows(self, plan):  # a check across rows refuses the last row
            plan.refuse_row(7, "worker", "与其他登记冲突", "w5")

    rows = [(f"w{n}", 100 + n, "a") for n in range(1, 6)]
    with pytest.raises(ImportRejected) as exc:
        import_commit(CheckedAcross(), content=sheet(*rows), filename="进程.xlsx")
    plan = exc.value.plan
    # Five rows passed their rule, one was refused across rows: four, though two are listed.
    assert (plan.accepted_count, len(plan.accepted)) == (4, 2)
