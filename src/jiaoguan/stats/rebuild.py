"""Recount the figures from the rooms' raw data (`Room.figures`), compare with the maintained ones, and
replace them (`jiaoguan stats rebuild`); the hourly job refreshes level figures the same way.

Only figures whose room declares `figures=` are recounted; the others (a room not installed, or one that
has not declared its recount yet) are left as the events made them and named in the report. People are
rebuilt for a measure only when every room feeding that measure declares its recount.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from jiaoguan.kit import rooms
from jiaoguan.kit.clock import today
from jiaoguan.stats.catalog import FIGURES, Key, PersonKey, tally
from jiaoguan.stats.counters import KEY_COLUMNS, PERSON_COLUMNS, set_levels
from jiaoguan.stats.models import FigureCount, FigurePerson

CHUNK = 5000


@dataclass
class Totals:
    counts: dict[Key, int] = field(default_factory=dict)
    persons: set[PersonKey] = field(default_factory=set)


@dataclass(frozen=True)
class Difference:
    key: Key
    maintained: int
    recounted: int

    def to_json(self) -> dict[str, object]:
        return {**dict(zip(KEY_COLUMNS, (self.key[0].isoformat(), *self.key[1:]), strict=True)),
                "maintained": self.maintained, "recounted": self.recounted}


@dataclass
class Report:
    start: dt.date | None
    end: dt.date | None
    rooms: list[str]
    metrics: list[str]
    not_recounted: list[str]
    counts: int
    persons: int
    differences: list[Difference]
    person_differences: int
    written: bool

    def to_json(self) -> dict[str, object]:
        return {"start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None, "rooms": self.rooms,
                "recounted_metrics": self.metrics, "not_recounted_metrics": self.not_recounted,
                "rows": self.counts, "people_rows": self.persons,
                "differences": [d.to_json() for d in self.differences],
                "people_differences": self.person_differences, "written": self.written}


def recountable() -> tuple[list[str], set[str], set[str]]:
    """(rooms that declare a recount, metrics they cover, measures whose people they fully cover)."""
    declared = dict(rooms.all_figures())
    metrics = {f.metric for f in FIGURES if f.room in declared}
    measures = {f.measure for f in FIGURES} - {f.measure for f in FIGURES if f.room not in declared}
    return sorted(declared), metrics, measures


def recount(session: Session, start: dt.date | None, end: dt.date | None,
            only_rooms: Iterable[str] | None = None, fallback_day: dt.date | None = None) -> Totals:
    """The figures as the rooms' raw data say they are, in memory."""
    totals = Totals()
    wanted = set(only_rooms) if only_rooms is not None else None
    fallback = fallback_day or today()
    for name, ref in rooms.all_figures():
        if wanted is not None and name not in wanted:
            continue
        for event, payload in rooms.resolve(ref)(session, start, end):
            t = tally(event, payload, fallback)
            for key, n in t.counts:
                totals.counts[key] = totals.counts.get(key, 0) + n
            for key, n in t.levels:
                totals.counts[key] = n
            if t.person is not None:
                totals.persons.add(t.person)
    return totals


def _in_range(column: Any, start: dt.date | None, end: dt.date | None) -> list[Any]:
    where = []
    if start is not None:
        where.append(column >= start)
    if end is not None:
        where.append(column <= end)
    return where


def maintained(session: Session, start: dt.date | None, end: dt.date | None, metrics: set[str],
               measures: set[str]) -> Totals:
    totals = Totals()
    rows = session.execute(select(FigureCount).where(FigureCount.metric.in_(metrics),
                                                     *_in_range(FigureCount.day, start, end))).scalars()
    for r in rows:
        totals.counts[(r.day, r.province_code, r.office, r.measure, r.metric, r.dimension)] = int(r.value)
    for p in session.execute(select(FigurePerson).where(FigurePerson.measure.in_(measures),
                                                        *_in_range(FigurePerson.day, start, end))).scalars():
        totals.persons.add((p.measure, p.day, p.province_code, p.office, p.person))
    return totals


def compare(kept: Totals, fresh: Totals) -> tuple[list[Difference], int]:
    diffs = [Difference(k, kept.counts.get(k, 0), fresh.counts.get(k, 0))
             for k in sorted(set(kept.counts) | set(fresh.counts))
             if kept.counts.get(k, 0) != fresh.counts.get(k, 0)]
    return diffs, len(kept.persons ^ fresh.persons)


def _write(session: Session, fresh: Totals, start: dt.date | None, end: dt.date | None, metrics: set[str],
           measures: set[str]) -> None:
    session.execute(delete(FigureCount).where(FigureCount.metric.in_(metrics), *_in_range(FigureCount.day, start, end)))
    session.execute(delete(FigurePerson).where(FigurePerson.measure.in_(measures),
                                               *_in_range(FigurePerson.day, start, end)))
    rows = [{**dict(zip(KEY_COLUMNS, k, strict=True)), "value": v} for k, v in fresh.counts.items() if v]
    for i in range(0, len(rows), CHUNK):
        session.execute(insert(FigureCount), rows[i:i + CHUNK])
    people = [dict(zip(PERSON_COLUMNS, p, strict=True)) for p in fresh.persons if p[0] in measures]
    for i in range(0, len(people), CHUNK):
        session.execute(insert(FigurePerson), people[i:i + CHUNK])
    session.flush()


def rebuild(session: Session, start: dt.date | None = None, end: dt.date | None = None, *,
            write: bool = True) -> Report:
    """Recount [start, end] (None: all time), report every difference, and (with `write`) replace."""
    names, metrics, measures = recountable()
    fresh = recount(session, start, end)
    fresh.counts = {k: v for k, v in fresh.counts.items() if k[4] in metrics}
    kept = maintained(session, start, end, metrics, measures)
    kept.counts = {k: v for k, v in kept.counts.items() if v}
    fresh_nonzero = Totals({k: v for k, v in fresh.counts.items() if v},
                           {p for p in fresh.persons if p[0] in measures})
    diffs, person_diffs = compare(kept, fresh_nonzero)
    if write and (diffs or person_diffs):
        _write(session, fresh_nonzero, start, end, metrics, measures)
    return Report(start, end, names, sorted(metrics), sorted({f.metric for f in FIGURES} - metrics),
                  len(fresh_nonzero.counts), len(fresh_nonzero.persons), diffs, person_diffs,
                  write and bool(diffs or person_diffs))


def refresh_levels(session: Session) -> int:
    """The level figures (the deadlines sweep's stored counts, of any day: a supervisor may ask for a count
    of a day long past) read again; returns rows. They are few: days counted × measures × kinds × provinces."""
    level_rooms = {f.room for f in FIGURES if f.level}
    fresh = recount(session, None, None, only_rooms=level_rooms)
    levels = {f.metric for f in FIGURES if f.level}
    rows = [(k, v) for k, v in fresh.counts.items() if k[4] in levels]
    set_levels(session, rows)
    session.flush()
    return len(rows)
