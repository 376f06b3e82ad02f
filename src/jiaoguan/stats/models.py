"""Figures kept as aggregates, maintained by the rooms' events (and the nightly sweep for level figures).

`figure_count`: how much `metric` (of `measure`, split by `dimension`) happened in a province and office on
a Beijing date. `figure_person`: who was served, once per (measure, day, province, office, person), so a
period's "people served" is a COUNT(DISTINCT person) over days: exact, and far smaller than the raw tables
(one row per person and day, not per transaction). See DECISIONS "Figures".
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from jiaoguan.kit.db import Base


class FigureCount(Base):
    __tablename__ = "figure_count"
    # On SQLite the primary key is the table (no rowid): the dashboard's range scans read no second b-tree.
    __table_args__ = (Index("ix_figure_count_metric_day", "metric", "day"), {"sqlite_with_rowid": False})

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    province_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    office: Mapped[str] = mapped_column(String(20), primary_key=True)       # "" when no office is known
    measure: Mapped[str] = mapped_column(String(2), primary_key=True)       # "1".."6"
    metric: Mapped[str] = mapped_column(String(40), primary_key=True)       # catalog.FIGURES metric
    dimension: Mapped[str] = mapped_column(String(60), primary_key=True)    # "" when not split
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class FigurePerson(Base):
    __tablename__ = "figure_person"
    __table_args__ = (Index("ix_figure_person_day", "measure", "day", "province_code"), {"sqlite_with_rowid": False})

    measure: Mapped[str] = mapped_column(String(2), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    province_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    office: Mapped[str] = mapped_column(String(20), primary_key=True)
    person: Mapped[str] = mapped_column(String(40), primary_key=True)
