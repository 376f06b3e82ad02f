"""Figures kept as aggregates: one counter per figure, region and day, maintained by event handlers."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from jiaoguan.kit.db import Base


class DailyFigure(Base):
    """How many times `figure` happened in `province_code` on `day` (Beijing date)."""

    __tablename__ = "daily_figure"

    figure: Mapped[str] = mapped_column(String(60), primary_key=True)
    province_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
