"""Set-based writes of demo batches: Core executemany on SQLite, COPY on PostgreSQL.

Batches go in parent-before-child table order, so foreign keys hold at every statement.
"""

from __future__ import annotations

import queue
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.orm import Session

from jiaoguan.demo.builder import COLUMNS, TABLES, Batch, Row
from jiaoguan.kit.db import Base, is_postgres
from jiaoguan.registry import models as _registry_models  # noqa: F401  (registers the tables)

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(rows: list[Row]) -> bytes:
    """Rows in PostgreSQL's COPY text format (None as \\N; dates and ints print as COPY reads them)."""
    lines = ["\t".join(["\\N" if v is None else v.translate(_COPY_ESCAPES) if v.__class__ is str else str(v)
                        for v in row]) for row in rows]
    lines.append("")
    return "\n".join(lines).encode()


class RowWriter:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.postgres = is_postgres(session)
        self.written: Counter[str] = Counter()

    def write(self, batch: Batch) -> None:
        if self.postgres:
            self._send(self._encode(batch))
            return
        for table in TABLES:
            rows = batch.rows[table]
            if rows:
                cols = COLUMNS[table]
                self.session.execute(insert(self._table(table)), [dict(zip(cols, r, strict=True)) for r in rows])
                self.written[table] += len(rows)
                rows.clear()

    @contextmanager
    def pipelined(self) -> Iterator[Callable[[Batch], None]]:
        """A `write` that overlaps with the caller's work: on PostgreSQL a thread sends each batch's COPY
        while the caller generates the next one (the server indexes while Python draws). The caller
        must not use the session until the block ends; the first failure is raised at the latest there."""
        if not self.postgres:
            yield self.write
            return
        pending: queue.Queue[list[tuple[str, int, bytes]] | None] = queue.Queue(maxsize=2)
        failures: list[BaseException] = []

        def send_all() -> None:
            while (payload := pending.get()) is not None:
                if not failures:
                    try:
                        self._send(payload)
                    except BaseException as exc:  # handed to the caller's thread below
                        failures.append(exc)

        def submit(batch: Batch) -> None:
            if failures:
                raise failures[0]
            # Encoding is Python work: done here, so the sending thread mostly waits on the network.
            pending.put(self._encode(batch))

        sender = threading.Thread(target=send_all, name="demo-copy", daemon=True)
        sender.start()
        try:
            yield submit
        finally:
            pending.put(None)
            sender.join()
        if failures:
            raise failures[0]

    def _table(self, name: str) -> Table:
        return Base.metadata.tables[name]

    def _encode(self, batch: Batch) -> list[tuple[str, int, bytes]]:
        payload = [(t, len(batch.rows[t]), copy_text(batch.rows[t])) for t in TABLES if batch.rows[t]]
        for t in TABLES:
            batch.rows[t].clear()
        return payload

    def _send(self, payload: list[tuple[str, int, bytes]]) -> None:
        raw = self.session.connection().connection.driver_connection
        assert raw is not None
        for table, count, data in payload:
            with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(COLUMNS[table])}) FROM STDIN") as copy:
                copy.write(data)
            self.written[table] += count

    def next_ids(self) -> dict[str, int]:
        """One past the largest id of each table: demo rows never take an id already in use."""
        return {t: (self.session.execute(select(func.max(self._table(t).c.id))).scalar() or 0) + 1 for t in TABLES}

    def advance_sequences(self) -> None:
        """Ids were given explicitly; PostgreSQL's sequences must move past them for later inserts."""
        if not self.postgres:
            return
        for table in TABLES:
            self.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                f" WHERE EXISTS (SELECT 1 FROM {table})"))
