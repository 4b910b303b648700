"""Every export of the official forms at scale: .xlsx, .docx and the print view.

Targets: a 3,000-member university in < 5 s per file, 100,000 rows in < 30 s (streamed, for
the background export), a 纪实表 or 附件5 .docx in < 1 s. Usage:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/paicha_perf_bench \\
        .venv/bin/python bench/exports_scale.py [--repeat 3]

Needs the synthetic province of `paicha demo --members 1000000 --orgs 20000` and the cases of
`bench/forms_scale.py --cases 40000`. The synthetic tree has committees of about 1,000 and
20,000 members, so the 支部党员名册 of "3,000 members" and of "100,000 rows" are the form's own
rows of three, and of five, neighbouring committees, rendered as one form (the rows are built by
the form's `rows()` and timed on their own line). Each file is written to a temporary file, as
the background export does. Times are medians of `--repeat` runs; "whole" is rows + render.
The CPU reference, printed first and last, is a fixed pure-Python loop: the ratio of two runs'
references says how much more of a core one of them had.
"""

import argparse
import datetime
import os
import resource
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paicha.settings")

import django

django.setup()

from django.db import connection

from paicha.cases.models import LostContactCase
from paicha.core.documents import get_document, to_docx
from paicha.organizations.models import Organization
from paicha.reports import views
from paicha.reports.declarations import FormResult, get_form, header_grid
from paicha.reports.renderers.docx import write_docx
from paicha.reports.renderers.xlsx import write_xlsx

FILL = datetime.date(2026, 11, 1)


def cpu_reference() -> float:
    """Seconds for a fixed pure-Python loop (best of three): how much of a core the bench
    gets, to compare runs made at different loads."""
    times = []
    for _ in range(3):
        start = time.perf_counter()
        sum(i * i for i in range(3_000_000))
        times.append(time.perf_counter() - start)
    return min(times)


def median_time(fn, repeat: int):
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return value, statistics.median(times)


def to_file(writer, result) -> int:
    with tempfile.TemporaryFile() as out:
        writer(result, out, exported_by="导出：基准测试")
        return out.tell()


def print_page(result) -> int:
    form = result.form
    cells, depth = header_grid(form.columns)
    context = {
        "form": form,
        "result": result,
        "org": result.org,
        "as_of": result.as_of,
        "header_rows": views._header_rows(cells, depth),
        "has_letters": any(c.letter for c in form.columns),
        "exported_by": "导出：基准测试",
        "blank_rows": range(max(0, form.min_rows - len(result.rows))),
        "wide": sum(c.width for c in form.columns) > views.WIDE,
    }
    nowrap = [c.kind in views.NOWRAP_KINDS or c.sensitive for c in form.columns]
    # As the view sends it: one response of the pieces joined.
    return len(b"".join(views.print_page(context, result, nowrap)))


def combined(slug: str, orgs, repeat: int):
    """The form's rows for several organizations, as one form of the first one's parent."""
    form = get_form(slug)

    def rows():
        out = []
        for org in orgs:
            out.extend(form.rows(org=org, as_of=FILL))
        return out

    rows_, seconds = median_time(rows, repeat)
    parent = orgs[0].parent or orgs[0]
    result = FormResult(
        form=form,
        org=parent,
        as_of=FILL,
        rows=rows_,
        header=form.header_values(org=parent, as_of=FILL),
        footer=form.footer_values(org=parent, as_of=FILL),
    )
    return result, seconds


def report(label: str, result, rows_seconds: float, repeat: int) -> None:
    print(
        f"{label}: {len(result.rows):,} rows; rows built in {rows_seconds:.2f} s "
        f"(load {os.getloadavg()[0]:.1f})"
    )
    for fmt, fn in (
        ("xlsx", lambda: to_file(write_xlsx, result)),
        ("docx", lambda: to_file(write_docx, result)),
        ("print", lambda: print_page(result)),
    ):
        size, seconds = median_time(fn, repeat)
        print(
            f"  {fmt:6} render {seconds:6.2f} s   whole {rows_seconds + seconds:6.2f} s   "
            f"{size / 1e6:6.1f} MB   {len(result.rows) / seconds:9,.0f} rows/s"
        )


def list_xlsx(label: str, title: str, columns, querysets, repeat: int) -> None:
    """A working list as its .xlsx export writes it: the view's queryset, streamed by chunks,
    openpyxl's write-only workbook (query and render together: they interleave)."""
    from itertools import chain

    from paicha.core.listexport import render_list_xlsx

    def run():
        rows = chain.from_iterable(q.iterator(chunk_size=2000) for q in querysets)
        return len(
            render_list_xlsx(
                title=title,
                subtitle="",
                columns=columns,
                rows=rows,
                exported_by="导出：基准测试",
                show_identity=False,
            )
        )

    count = sum(q.count() for q in querysets)
    size, seconds = median_time(run, repeat)
    print(
        f"{label}: {count:,} rows, whole {seconds:6.2f} s   {size / 1e6:6.1f} MB   "
        f"{count / seconds:9,.0f} rows/s   (load {os.getloadavg()[0]:.1f})"
    )


def dues_rows(org):
    from paicha.evidence import selectors as evidence
    from paicha.evidence.views import DUES_FIELDS
    from paicha.members.models import ON_ROSTER, Member

    return (
        evidence.annotate_dues_arrears(
            Member.objects.in_subtree(org)
            .filter(status__in=ON_ROSTER)
            .select_related("organization"),
            as_of=FILL,
        )
        .only(*DUES_FIELDS)
        .order_by("org_path", "name", "id")
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    root = (
        Organization.objects.filter(name__startswith="合成测试省委组织部").order_by("path").first()
    )
    if root is None:
        sys.exit("先运行 paicha demo --members 1000000 --orgs 20000 建立合成数据")
    print(
        f"database: {connection.vendor}; load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} cores; median of {args.repeat}"
    )
    print(f"CPU reference (3,000,000 squares summed in Python): {cpu_reference():.2f} s")
    counties = list(root.children.order_by("path")[:5])
    colleges = list(counties[0].children.order_by("path")[:3])

    result, seconds = combined("branch-roster", colleges, args.repeat)
    report("支部党员名册, a university (three committees)", result, seconds, args.repeat)
    result, seconds = combined("branch-roster", counties, 1)
    report("支部党员名册, 100,000 rows (five counties)", result, seconds, 1)
    del result

    from paicha.evidence.selectors import lost_members
    from paicha.evidence.views import DUES_COLUMNS, LOST_COLUMNS, LOST_FIELDS, _with_open_case
    from paicha.members.models import Member

    list_xlsx(
        "党费交纳情况 .xlsx, a university (three committees)",
        "党费交纳情况",
        DUES_COLUMNS,
        [dues_rows(org) for org in colleges],
        args.repeat,
    )
    list_xlsx(
        "党费交纳情况 .xlsx, 100,000 rows (five counties)",
        "党费交纳情况",
        DUES_COLUMNS,
        [dues_rows(org) for org in counties],
        1,
    )
    list_xlsx(
        "失联党员名单 .xlsx, the province",
        "失联党员名单",
        LOST_COLUMNS,
        [
            _with_open_case(lost_members(Member.objects.in_subtree(root), as_of=FILL))
            .select_related("organization")
            .only(*LOST_FIELDS)
            .order_by("org_path", "lost_since", "name", "id")
        ],
        args.repeat,
    )

    form = get_form("lost-roster")
    result, seconds = median_time(lambda: form.build(org=root, as_of=FILL), args.repeat)
    report("失联党员名册, the province", result, seconds, args.repeat)

    form = get_form("attachment5")
    result, seconds = median_time(lambda: form.build(org=counties[0], as_of=FILL), args.repeat)
    _, render = median_time(lambda: to_file(write_docx, result), args.repeat)
    print(
        f"附件5 .docx, a county: built in {seconds:.2f} s, rendered in {render:.2f} s, "
        f"whole {seconds + render:.2f} s"
    )

    case = LostContactCase.objects.in_subtree(root).order_by("id").first()
    if case is not None:
        jishi = get_document("case-jishi")

        def one_jishi():
            return len(
                to_docx(
                    jishi.build(LostContactCase.objects.get(pk=case.pk), as_of=FILL, mask=False)
                )
            )

        size, seconds = median_time(one_jishi, args.repeat)
        print(
            f"纪实表 .docx of one case (built and rendered): {seconds:.2f} s, {size / 1e3:.0f} kB"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"process max RSS {peak:,.0f} MiB; load average {os.getloadavg()[0]:.1f} at the end; "
        f"CPU reference {cpu_reference():.2f} s"
    )


if __name__ == "__main__":
    main()
