"""Set-based writes of demo batches: Core executemany on SQLite, COPY on PostgreSQL.

Batches go in parent-before-child table order, so foreign keys hold at every statement.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.orm import Session

from jiaoguan.demo.builder import COLUMNS, TABLES, Batch, Row
from jiaoguan.kit.db import Base, is_postgres
from jiaoguan.registry import models as _registry_models  # noqa: F401  (registers the tables)

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_field(value: object) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, dt.date | int):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    raise TypeError(f"cannot COPY a {type(value).__name__}")


def copy_text(rows: list[Row]) -> bytes:
    """Rows in PostgreSQL's COPY text format."""
    return "".join("\t".join(map(_copy_field, row)) + "\n" for row in rows).encode()


class RowWriter:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.postgres = is_postgres(session)
        self.written: Counter[str] = Counter()

    def write(self, batch: Batch) -> None:
        for table in TABLES:
            rows = batch.rows[table]
            if not rows:
                continue
            if self.postgres:
                self._copy(table, rows)
            else:
                cols = COLUMNS[table]
                self.session.execute(insert(self._table(table)), [dict(zip(cols, r, strict=True)) for r in rows])
            self.written[table] += len(rows)
            rows.clear()

    def _table(self, name: str) -> Table:
        return Base.metadata.tables[name]

    def _copy(self, table: str, rows: list[Row]) -> None:
        raw = self.session.connection().connection.driver_connection
        assert raw is not None
        with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(COLUMNS[table])}) FROM STDIN") as copy:
            copy.write(copy_text(rows))

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
