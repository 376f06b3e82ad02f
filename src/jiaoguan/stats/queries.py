"""Reading the maintained figures for a period and a region: a handful of GROUP BY queries over
`figure_count` and `figure_person`, whose size grows with days × offices × metrics, never with
transactions."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

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
    for metric in LEVELS:
        last = session.connection().execute(select(func.max(FigureCount.day)).where(
            *scope.where(FigureCount), FigureCount.metric == metric)).scalar_one_or_none()
        if last is None:
            continue
        day_scope = Scope(last, last, scope.province, scope.office)
        for dimension, value in session.connection().execute(
                select(FigureCount.dimension, func.sum(FigureCount.value))
                .where(*day_scope.where(FigureCount), FigureCount.metric == metric)
                .group_by(FigureCount.dimension)):
            found[(metric, dimension)] = int(value or 0)
    return found


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
