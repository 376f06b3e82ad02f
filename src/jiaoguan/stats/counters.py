"""Adding to the figures: one INSERT … ON CONFLICT per key (race-safe on both engines)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from jiaoguan.kit.db import is_postgres
from jiaoguan.stats.catalog import Key, PersonKey, Tally
from jiaoguan.stats.models import FigureCount, FigurePerson

KEY_COLUMNS = ("day", "province_code", "office", "measure", "metric", "dimension")
PERSON_COLUMNS = ("measure", "day", "province_code", "office", "person")


def _insert(session: Session) -> Any:
    return pg_insert if is_postgres(session) else sqlite_insert


def add_counts(session: Session, counts: list[tuple[Key, int]]) -> None:
    insert = _insert(session)
    for key, n in counts:
        stmt = insert(FigureCount).values(**dict(zip(KEY_COLUMNS, key, strict=True)), value=n)
        session.execute(stmt.on_conflict_do_update(index_elements=list(KEY_COLUMNS),
                                                   set_={"value": FigureCount.value + n}))


def set_levels(session: Session, levels: list[tuple[Key, int]]) -> None:
    insert = _insert(session)
    for key, n in levels:
        stmt = insert(FigureCount).values(**dict(zip(KEY_COLUMNS, key, strict=True)), value=n)
        session.execute(stmt.on_conflict_do_update(index_elements=list(KEY_COLUMNS), set_={"value": n}))


def add_person(session: Session, who: PersonKey) -> None:
    stmt = _insert(session)(FigurePerson).values(dict(zip(PERSON_COLUMNS, who, strict=True)))
    session.execute(stmt.on_conflict_do_nothing(index_elements=list(PERSON_COLUMNS)))


def apply(session: Session, t: Tally) -> None:
    add_counts(session, t.counts)
    set_levels(session, t.levels)
    if t.person is not None:
        add_person(session, t.person)


def value(session: Session, metric: str, province_code: str, day: dt.date) -> int:
    """A metric's total in a province on a day (every office and dimension)."""
    found = session.execute(select(func.sum(FigureCount.value)).where(
        FigureCount.metric == metric, FigureCount.province_code == province_code, FigureCount.day == day,
    )).scalar_one_or_none()
    return int(found or 0)
