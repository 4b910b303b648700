"""The fast paths for big batches: COPY on PostgreSQL, INSERTs of many rows on SQLite, lookups
with one parameter.

Django's bulk_create is 6–8× slower here (it builds one parameterized statement per batch and,
on SQLite, caps a batch at 999 parameters). Rows bypass model signals, so callers record one
audit entry for the whole batch.
"""

import datetime
import json
import queue
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from itertools import chain, islice

from django.db import connections


def batched(rows: Iterable, size: int):
    """itertools.batched of Python 3.12, for 3.11."""
    iterator = iter(rows)
    while chunk := tuple(islice(iterator, size)):
        yield chunk


def _sqlite_datetime(value: datetime.datetime | None) -> str | None:
    """As Django stores a datetime in SQLite: naive UTC, ISO with a space."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(datetime.UTC).replace(tzinfo=None)
    return value.isoformat(" ")


def bulk_insert(
    model, fields: Sequence[str], rows: Iterable[Sequence], *, using: str = "default"
) -> int:
    """Insert `rows` (tuples in the order of `fields`) into `model`'s table; returns the count."""
    connection = connections[using]
    connection.ensure_connection()
    with connection.wrap_database_errors:
        return _insert(connection, model, fields, rows)


def _insert(connection, model, fields, rows) -> int:
    # The DB-API connection, not Django's wrapper: BackgroundInsert calls this from its own
    # thread, inside the transaction of the thread that owns the wrapper.
    meta = model._meta
    columns = [meta.get_field(name).column for name in fields]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    column_list = ", ".join(quote(c) for c in columns)
    count = 0
    if connection.vendor == "postgresql":
        # Binary COPY: psycopg dumps each value in C by its column's type, a quarter of the
        # client time of the text format (which matters when checks run beside the write).
        types = [meta.get_field(name).db_type(connection).split("(")[0] for name in fields]
        with connection.connection.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({column_list}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(types)
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count
    # Many rows per statement (INSERT … VALUES (…), (…), …): the sqlite3 module binds each
    # statement's values holding the GIL and runs it without, so a writer thread needs the GIL
    # once per few hundred rows instead of once per row, and the checks run meanwhile.
    raw = connection.connection
    per_statement = max(
        1, min(500, raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // len(columns))
    )
    one = "(" + ", ".join("?" for _ in columns) + ")"
    insert = f"INSERT INTO {table} ({column_list}) VALUES "
    full_sql = insert + ", ".join([one] * per_statement)
    # Django registers sqlite3 adapters for date and Decimal; only aware datetimes need
    # converting (to naive UTC, as Django stores them), so only their columns are touched.
    datetime_at = [
        i
        for i, name in enumerate(fields)
        if meta.get_field(name).get_internal_type() == "DateTimeField"
    ]
    seen: dict = {}  # rows of one batch mostly share their timestamps

    def values(chunk) -> list:
        if not datetime_at:
            return list(chain.from_iterable(chunk))
        flat = []
        for row in chunk:
            row = list(row)
            for i in datetime_at:
                value = row[i]
                try:
                    row[i] = seen[value]
                except KeyError:
                    row[i] = seen[value] = _sqlite_datetime(value)
            flat += row
        if len(seen) > 10_000:
            seen.clear()
        return flat

    cursor = raw.cursor()
    try:
        for chunk in batched(rows, per_statement):
            sql = (
                full_sql if len(chunk) == per_statement else insert + ", ".join([one] * len(chunk))
            )
            cursor.execute(sql, values(chunk))
            count += len(chunk)
    finally:
        cursor.close()
    return count


def bulk_update_rows(
    model, fields: Sequence[str], rows: Iterable[Sequence], *, using: str = "default"
) -> int:
    """Set `fields` of stored rows of `model`: each of `rows` is (primary key, *values in the
    order of `fields`). Returns the count of rows given.

    Django's bulk_update builds one CASE WHEN per row and field, whose statements grow with the
    batch and take minutes for 100,000 rows. Here: on PostgreSQL one UPDATE … FROM (VALUES …)
    per chunk; on SQLite one plain UPDATE run by executemany (prepared once, each row cheap).
    Rows bypass model signals, like bulk_insert's.
    """
    connection = connections[using]
    connection.ensure_connection()
    meta = model._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    key = quote(meta.pk.column)
    columns = [quote(meta.get_field(name).column) for name in fields]
    with connection.wrap_database_errors:
        cursor = connection.connection.cursor()
        try:
            if connection.vendor == "postgresql":
                return _update_postgresql(
                    cursor, connection, meta, table, key, columns, fields, rows
                )
            return _update_sqlite(cursor, meta, table, key, columns, fields, rows)
        finally:
            cursor.close()


def _update_postgresql(cursor, connection, meta, table, key, columns, fields, rows) -> int:
    types = [
        field.db_type(connection).split("(")[0]
        for field in (meta.pk, *(meta.get_field(name) for name in fields))
    ]
    one = "(" + ", ".join(f"%s::{t}" for t in types) + ")"
    names = ", ".join([key, *columns])
    assignments = ", ".join(f"{c} = v.{c}" for c in columns)
    # psycopg binds at most 65,535 parameters per statement.
    per_statement = max(1, min(1000, 60_000 // len(types)))
    count = 0
    for chunk in batched(rows, per_statement):
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM (VALUES "
            + ", ".join([one] * len(chunk))
            + f") AS v({names}) WHERE {table}.{key} = v.{key}",
            list(chain.from_iterable(chunk)),
        )
        count += len(chunk)
    return count


def _update_sqlite(cursor, meta, table, key, columns, fields, rows) -> int:
    # Aware datetimes as Django stores them (naive UTC); dates and Decimals have adapters.
    datetime_at = [
        i + 1
        for i, name in enumerate(fields)
        if meta.get_field(name).get_internal_type() == "DateTimeField"
    ]
    assignments = ", ".join(f"{c} = ?" for c in columns)
    sql = f"UPDATE {table} SET {assignments} WHERE {key} = ?"
    count = 0
    for chunk in batched(rows, 1000):
        params = []
        for row in chunk:
            row = list(row)
            for i in datetime_at:
                row[i] = _sqlite_datetime(row[i])
            params.append((*row[1:], row[0]))
        cursor.executemany(sql, params)
        count += len(chunk)
    return count


_END, _ABORT = object(), object()


class _Aborted(Exception):
    pass


class WriterBusy(RuntimeError):
    """A query was issued while a BackgroundInsert holds the connection."""


class BackgroundInsert:
    """`bulk_insert` fed with rows while the caller is still producing them.

    A second thread writes them — one COPY on PostgreSQL, whose server works in its own
    process; statements of many rows on SQLite, which runs them with the GIL released — while
    Python checks the next rows: on two cores a big import takes about as long as its checks
    instead of checks + write. The rows go into the caller's connection and transaction; the
    caller must not query until `close()` or `abort()` (a query meanwhile raises WriterBusy
    instead of waiting forever for the connection). The thread starts with the first full
    chunk, so queries before the first `add` are fine. An error of the write is raised by
    `close()`.

        writer = BackgroundInsert(Member, FIELDS)
        try:
            for row in rows: writer.add(row)
            count = writer.close()  # waits; raises the writer's error as Django's
        except BaseException:
            writer.abort()
            raise
    """

    def __init__(
        self, model, fields: Sequence[str], *, using: str = "default", chunk_size: int = 2000
    ):
        self._connection = connections[using]
        self._model, self._fields = model, tuple(fields)
        self._chunk_size = chunk_size
        self._chunk: list = []
        self._queue: queue.Queue = queue.Queue(maxsize=16)
        self._thread: threading.Thread | None = None
        self._guard = None
        self._error: BaseException | None = None
        self._aborting = False
        self._drained = False
        self._count = 0

    def add(self, row: Sequence) -> None:
        self._chunk.append(row)
        if len(self._chunk) >= self._chunk_size:
            self._send()

    def _send(self) -> None:
        chunk, self._chunk = self._chunk, []
        if self._thread is None:
            self._start()
        self._queue.put(chunk)

    def close(self) -> int:
        """Write what is left, wait for the thread; the number of rows written."""
        if self._chunk:
            self._send()
        self._finish(_END)
        if self._error is not None:
            with self._connection.wrap_database_errors:
                raise self._error
        return self._count

    def abort(self) -> None:
        """Stop writing and wait; the caller then rolls its transaction back (on PostgreSQL
        the aborted COPY has failed it; on SQLite the rows written so far are still in it)."""
        self._chunk = []
        self._aborting = True
        self._finish(_ABORT)

    def _start(self) -> None:
        self._connection.ensure_connection()
        self._guard = self._connection.execute_wrapper(_refuse_queries)
        self._guard.__enter__()
        self._thread = threading.Thread(target=self._run, name="bulk-insert", daemon=True)
        self._thread.start()

    def _finish(self, marker) -> None:
        if self._thread is None:
            return
        self._queue.put(marker)
        self._thread.join()
        self._thread = None
        self._guard.__exit__(None, None, None)

    def _rows(self):
        while True:
            chunk = self._queue.get()
            if chunk is _END or chunk is _ABORT:
                self._drained = True
                if chunk is _ABORT:
                    raise _Aborted
                return
            yield from chunk

    def _run(self) -> None:
        try:
            self._count = _insert(self._connection, self._model, self._fields, self._rows())
        except BaseException as exc:  # noqa: BLE001 — close() hands it to the caller
            if self._aborting:
                return  # PostgreSQL reports the aborted COPY as an error of its own
            self._error = exc
            # Keep taking chunks up to the end marker, so the producer never blocks on a full
            # queue.
            while not self._drained and self._queue.get() not in (_END, _ABORT):
                pass


def _refuse_queries(execute, sql, params, many, context):
    raise WriterBusy("后台写入进行中，不能同时查询数据库")


def existing_values(model, field: str, values: Sequence, *, using: str = "default") -> set:
    """Which of `values` are stored in `model.field`: one query with one parameter, whatever the
    count (a 100,000-item IN list costs seconds to build and parse; an array or a JSON list
    costs milliseconds)."""
    if not values:
        return set()
    connection = connections[using]
    quote = connection.ops.quote_name
    meta = model._meta
    column = quote(meta.get_field(field).column)
    table = quote(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT {column} FROM {table} WHERE {column} = ANY(%s)", [list(values)])
        else:
            cursor.execute(
                f"SELECT {column} FROM {table} WHERE {column} IN (SELECT value FROM json_each(%s))",
                [json.dumps(list(values), ensure_ascii=False)],
            )
        return {row[0] for row in cursor.fetchall()}
