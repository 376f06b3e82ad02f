"""Adding to a figure: one conditional UPDATE, or an INSERT when the day's row does not exist yet."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jiaoguan.stats.models import DailyFigure


def add(session: Session, figure: str, province_code: str, day: dt.date, n: int = 1) -> None:
    done = session.execute(update(DailyFigure).where(
        DailyFigure.figure == figure, DailyFigure.province_code == province_code, DailyFigure.day == day,
    ).values(value=DailyFigure.value + n))
    if done.rowcount == 0:  # type: ignore[attr-defined]
        session.add(DailyFigure(figure=figure, province_code=province_code, day=day, value=n))
        session.flush()


def value(session: Session, figure: str, province_code: str, day: dt.date) -> int:
    found = session.execute(select(DailyFigure.value).where(
        DailyFigure.figure == figure, DailyFigure.province_code == province_code, DailyFigure.day == day,
    )).scalar_one_or_none()
    return int(found or 0)
