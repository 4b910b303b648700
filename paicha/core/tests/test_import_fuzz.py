"""Fuzzing the three imports (roster, dues ledger, historical transfers) with malformed and
oversized files: each ends in a clear Chinese error (or a clean import), in bounded memory,
and a refused file leaves the database as it was."""

import datetime
import io
import re
import tracemalloc

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paicha.core.importing import ImportFileError
from paicha.core.tests import hostile
from paicha.evidence import importing as evidence_importing
from paicha.evidence.models import DuesPayment
from paicha.members import importing as member_importing
from paicha.members.models import Member
from paicha.transfers import importer as transfer_importer
from paicha.transfers.models import Transfer

CJK = re.compile(r"[\u4e00-\u9fff]")
MEMORY_LIMIT = 96 * 2**20


def workbook(rows) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


HEADERS = {
    "members": ["序号", "姓名", "身份证号码", "入党时间", "转正时间"],
    "dues": list(evidence_importing.DUES_COLUMNS),
    "transfers": list(transfer_importer.COLUMNS),
}
cells = st.one_of(
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
    st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31)),
)


@st.composite
def malformed_files(draw, kind: str):
    header = HEADERS[kind]
    shape = draw(
        st.sampled_from(
            [
                "random bytes",
                "mutated xlsx",
                "truncated xlsx",
                "far cell",
                "bomb",
                "long csv field",
                "wide csv",
                "odd csv",
                "junk rows",
            ]
        )
    )
    if shape == "random bytes":
        return draw(st.binary(max_size=4096)), draw(
            st.sampled_from(["a.xlsx", "a.xls", "a.ods", "a.csv"])
        )
    if shape in ("mutated xlsx", "truncated xlsx", "junk rows"):
        rows = [header] + draw(st.lists(st.lists(cells, max_size=len(header) + 3), max_size=8))
        content = bytearray(workbook(rows))
        if shape == "truncated xlsx":
            # positions as fractions: the workbook's length varies with its timestamp
            content = content[: draw(st.integers(0, 2**16)) * len(content) // 2**16]
        elif shape == "mutated xlsx":
            for _ in range(draw(st.integers(1, 20))):
                at = draw(st.integers(0, 2**16 - 1)) * len(content) // 2**16
                content[at] = draw(st.integers(0, 255))
        return bytes(content), "a.xlsx"
    if shape == "far cell":
        column = draw(st.sampled_from(["DA", "ZZ", "AAA", "XFD"]))
        row = draw(st.integers(1, 1_048_576))
        cells_ = [hostile.inline(f"{chr(65 + i)}1", t) for i, t in enumerate(header[:20])]
        return hostile.xlsx(
            hostile.sheet_xml({1: cells_, row + 1: [hostile.inline(f"{column}{row + 1}", "x")]})
        ), "a.xlsx"
    if shape == "bomb":
        return hostile.zip_bomb_xlsx(draw(st.integers(801, 1200))), "a.xlsx"
    if shape == "long csv field":
        size = draw(st.integers(40_000, 1_500_000))
        return (",".join(header) + '\n"' + "x" * size + '"\n').encode(), "a.csv"
    if shape == "wide csv":
        return (",".join(header) + "\n" + "," * draw(st.integers(200, 100_000))).encode(), "a.csv"
    text = draw(st.text(max_size=300))
    encoding = draw(st.sampled_from(["utf-8", "gb18030", "utf-16"]))
    return (",".join(header) + "\n" + text).encode(encoding, errors="replace"), "a.csv"


def bounded(run):
    """Run, returning the exception it ended with; assert the memory it took."""
    tracemalloc.start()
    try:
        run()
        outcome = None
    except (
        ImportFileError,
        member_importing.ImportRejected,
        evidence_importing.ImportRejected,
        transfer_importer.ImportRejected,
    ) as exc:
        outcome = exc
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < MEMORY_LIMIT, f"{peak / 2**20:.0f} MiB"
    return outcome


def clear(exc) -> bool:
    if isinstance(exc, member_importing.ImportRejected):
        return all(CJK.search(e.message) for e in exc.plan.errors) and bool(exc.plan.errors)
    messages = getattr(exc, "errors", None) or [str(exc)]
    return all(CJK.search(m) for m in messages)


FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@pytest.mark.django_db
@FUZZ
@given(file=malformed_files("members"))
def test_roster_import_fuzz(tree, personas, file):
    content, name = file
    before = Member.objects.count()
    exc = bounded(
        lambda: member_importing.import_commit(
            content=content,
            filename=name,
            organization=tree.branch_a1,
            acting_user=personas["worker_a1"],
        )
    )
    if exc is not None:
        assert clear(exc), exc
        assert Member.objects.count() == before


@pytest.mark.django_db
@FUZZ
@given(file=malformed_files("dues"))
def test_dues_import_fuzz(tree, personas, file):
    content, name = file
    upload = io.BytesIO(content)
    upload.name = name
    before = DuesPayment.objects.count()
    exc = bounded(
        lambda: evidence_importing.import_dues(
            upload,
            organization=tree.branch_a1,
            acting_user=personas["worker_a1"],
            as_of=datetime.date(2026, 12, 1),
        )
    )
    if exc is not None:
        assert clear(exc), exc
        assert DuesPayment.objects.count() == before


@pytest.mark.django_db
@FUZZ
@given(file=malformed_files("transfers"))
def test_transfers_import_fuzz(tree, personas, file):
    content, name = file
    upload = io.BytesIO(content)
    upload.name = name
    before = (Transfer.objects.count(), Member.objects.count())
    exc = bounded(
        lambda: transfer_importer.transfers_import(
            file=upload,
            scope_org=tree.college_a,
            as_of=datetime.date(2026, 12, 1),
            acting_user=personas["department"],
        )
    )
    if exc is not None:
        assert clear(exc), exc
        assert (Transfer.objects.count(), Member.objects.count()) == before
