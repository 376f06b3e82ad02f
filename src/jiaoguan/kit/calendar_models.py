"""The administrator-maintained calendar overrides (chinesecalendar's data ends with 2026)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from jiaoguan.kit.db import Base


class CalendarOverride(Base):
    """One day declared working or not, e.g. the 2027 Spring Festival days off and make-up Saturdays."""

    __tablename__ = "calendar_override"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str] = mapped_column(String(60), default="")
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[dt.datetime]
