"""Reading the maintained figures for a period and a region: a handful of GROUP BY queries over
`figure_count` and `figure_person`, whose size grows with days × offices × metrics, never with
transactions."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import distinct, func, select, tuple_
from sqlalchemy.orm import Session

from jiaoguan.kit.db import is_postgres
from jiaoguan.stats.catalog import BY_METRIC
from jiaoguan.stats.models import FigureCount, FigurePerson

LEVELS = tuple(m for m, f in BY_METRIC.items() if f.level)


@dataclass(frozen=True)
class Scope:
    """A period (Beijing dates, both ends included) and a region: national, a province, or an office."""

    start: dt.date
    end: dt.date
    province: str | None = None
    office: str | None = None

    def where(self, table: Any) -> list[Any]:
        where = [table.day >= self.start, table.day <= self.end]
        if self.province:
            where.append(table.province_code == self.province)
        if self.office:
            where.append(table.office == self.office)
        return where


def totals(session: Session, scope: Scope) -> dict[tuple[str, str], int]:
    """(metric, dimension) -> value over the scope: flows summed, levels as on the last day counted."""
    found: dict[tuple[str, str], int] = {}
    flows = (select(FigureCount.metric, FigureCount.dimension, func.sum(FigureCount.value))
             .where(*scope.where(FigureCount), FigureCount.metric.not_in(LEVELS))
             .group_by(FigureCount.metric, FigureCount.dimension))
    for metric, dimension, value in session.connection().execute(flows):
        found[(metric, dimension)] = int(value or 0)
    found.update(level_totals(session, scope))
    return found


@dataclass
class Reading:
    """Everything the dashboard reads for a scope (see `read`)."""

    totals: dict[tuple[str, str], int] = field(default_factory=dict)
    by_day: dict[str, dict[dt.date, int]] = field(default_factory=lambda: defaultdict(dict))
    by_region: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    people: dict[str, int] = field(default_factory=dict)


def read(session: Session, scope: Scope) -> Reading:
    """The dashboard's whole reading in three statements: one scan of the scope's counters grouped three ways
    at once (GROUPING SETS on PostgreSQL; SQLite runs the three groupings), the level figures' last days, and
    the people served."""
    if not is_postgres(session):
        return Reading(totals(session, scope), by_day(session, scope), by_region(session, scope),
                       people(session, scope))
    got = Reading(people=people(session, scope))
    region = FigureCount.province_code if not scope.province else FigureCount.office
    fc = FigureCount
    stmt = (select(fc.metric, fc.dimension, fc.day, region, func.sum(fc.value),
                   func.grouping(fc.dimension, fc.day, region))
            .where(*scope.where(fc))
            .group_by(func.grouping_sets(tuple_(fc.metric, fc.dimension), tuple_(fc.metric, fc.day),
                                    tuple_(fc.metric, region))))
    levels = set(LEVELS)
    for metric, dimension, day, place, value, grouping in session.connection().execute(stmt):
        n = int(value or 0)
        if grouping == 0b011:      # (metric, dimension)
            if metric not in levels:
                got.totals[(metric, dimension)] = n
        elif grouping == 0b101:    # (metric, day)
            got.by_day[metric][day] = n
        elif metric not in levels:  # (metric, region)
            got.by_region[metric][place] = n
    got.totals.update(level_totals(session, scope))
    return got


def level_totals(session: Session, scope: Scope) -> dict[tuple[str, str], int]:
    """(metric, dimension) -> value of every level figure on the last day it was counted in the scope."""
    if not LEVELS:
        return {}
    inner = FigureCount.__table__.alias("last")
    last_day = (select(func.max(inner.c.day)).where(inner.c.metric == FigureCount.metric,
                                                    *scope.where(inner.c)).scalar_subquery())
    stmt = (select(FigureCount.metric, FigureCount.dimension, func.sum(FigureCount.value))
            .where(*scope.where(FigureCount), FigureCount.metric.in_(LEVELS), FigureCount.day == last_day)
            .group_by(FigureCount.metric, FigureCount.dimension))
    return {(m, d): int(v or 0) for m, d, v in session.connection().execute(stmt)}


def by_day(session: Session, scope: Scope) -> dict[str, dict[dt.date, int]]:
    """metric -> day -> value (dimensions summed)."""
    out: dict[str, dict[dt.date, int]] = defaultdict(dict)
    for metric, day, value in session.connection().execute(
            select(FigureCount.metric, FigureCount.day, func.sum(FigureCount.value))
            .where(*scope.where(FigureCount)).group_by(FigureCount.metric, FigureCount.day)):
        out[metric][day] = int(value or 0)
    return out


def by_region(session: Session, scope: Scope) -> dict[str, dict[str, int]]:
    """metric -> province (national scope) or office (a province's scope) -> value (flows only)."""
    column = FigureCount.province_code if not scope.province else FigureCount.office
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for metric, region, value in session.connection().execute(
            select(FigureCount.metric, column, func.sum(FigureCount.value))
            .where(*scope.where(FigureCount), FigureCount.metric.not_in(LEVELS))
            .group_by(FigureCount.metric, column)):
        out[metric][region] = int(value or 0)
    return out


def people(session: Session, scope: Scope) -> dict[str, int]:
    """measure -> distinct people served in the scope (each once, whatever the days and offices)."""
    return {m: int(n) for m, n in session.connection().execute(
        select(FigurePerson.measure, func.count(distinct(FigurePerson.person)))
        .where(*scope.where(FigurePerson)).group_by(FigurePerson.measure))}


def offices(session: Session, province: str | None) -> list[str]:
    """The offices that have figures (in a province, or anywhere)."""
    stmt = select(FigureCount.office).distinct().where(FigureCount.office != "")
    if province:
        stmt = stmt.where(FigureCount.province_code == province)
    return sorted(str(o) for o in session.scalars(stmt))


def first_day(session: Session) -> dt.date | None:
    return session.connection().execute(select(func.min(FigureCount.day))).scalar_one_or_none()
