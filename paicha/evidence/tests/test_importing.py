"""The dues ledger import on core.importing's cycle: random bad cells anywhere in a ledger
end in errors that name their row and column — never a crash, never part of the file
written."""

import datetime
import io
import re

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paicha.conftest import make_member
from paicha.core.importing import ImportRejected
from paicha.evidence import importing
from paicha.evidence.models import DuesPayment

AS_OF = datetime.date(2026, 12, 1)
HEADER = ["姓名", "身份证号码", "交纳日期", "交纳起始月份", "交纳截止月份", "金额（元）", "备注"]
ROW_ERROR = re.compile(r"^第(\d+)行（[^）]*）“(" + "|".join(map(re.escape, HEADER)) + r")”")


def ledger(rows) -> io.BytesIO:
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "台账.xlsx"
    return out


def good_rows(members):
    return [
        [m.name, m.id_number, "2026-11-05", "2026年10月", "2026年11月", "12.50", "现金"]
        for m in members
    ]


bad_cells = st.one_of(
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=300),
    st.sampled_from(
        [
            "",
            "  ",
            "abc",
            "2026年13月",
            "2027-01-01",
            "-5",
            "0",
            "1e30",
            "NaN",
            "12.345",
            "99999999",
            "2026.02",
            "张三",
            "11010519491231002X",
        ]
    ),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.datetimes(datetime.datetime(1900, 1, 1), datetime.datetime(2100, 12, 31)),
    st.none(),
)
spoils = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, len(HEADER) - 1), bad_cells), min_size=1, max_size=6
)


@pytest.fixture
def roster(tree):
    return [make_member(tree.branch_a1, name) for name in ("王一", "李二", "赵三")]


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spoiled=spoils)
def test_random_bad_cells_are_named_by_row_and_column_and_nothing_is_written(
    tree, personas, roster, spoiled
):
    rows = good_rows(roster)
    for row, column, value in spoiled:
        rows[row][column] = value
    before = DuesPayment.objects.count()
    try:
        written = importing.import_dues(
            ledger(rows),
            organization=tree.branch_a1,
            acting_user=personas["worker_a1"],
            as_of=AS_OF,
        )
    except ImportRejected as exc:
        assert DuesPayment.objects.count() == before
        assert exc.errors
        if exc.plan is not None and exc.plan.rows_read:
            for error, message in zip(exc.plan.errors, exc.errors):
                assert 2 <= error.row <= 4 and error.column in HEADER, message
                assert ROW_ERROR.match(message) or message.startswith(f"第{error.row}行“"), message
        return
    assert DuesPayment.objects.count() == before + written


@pytest.mark.django_db
def test_the_dry_run_lists_every_payment_and_every_error_and_writes_nothing(tree, personas, roster):
    rows = good_rows(roster)
    rows[1][5] = "12.345"
    rows[2][3] = "2026年13月"
    plan = importing.check_dues_ledger(
        ledger(rows), organization=tree.branch_a1, acting_user=personas["worker_a1"], as_of=AS_OF
    )
    assert plan.preview() == ["第2行：王一　2026年11月5日交纳2026年10月至2026年11月党费12.50元"]
    assert plan.messages() == [
        "第3行（李二）“金额（元）”（12.345）：金额最多两位小数",
        "第4行（赵三）“交纳起始月份”：月份超出范围：2026年13月",
    ]
    assert not DuesPayment.objects.exists()
