"""Temporary measures as stored versions: each row is one published version, never edited afterwards."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jiaoguan.kit.db import Base


class MeasureVersion(Base):
    """One version of a temporary measure (临时措施), as the JSON document it was published with."""

    __tablename__ = "measure_version"
    __table_args__ = (UniqueConstraint("measure_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    measure_id: Mapped[str] = mapped_column(String(80), index=True)
    version: Mapped[int] = mapped_column(Integer)
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(300))
    announced: Mapped[dt.date] = mapped_column(Date)
    effective_from: Mapped[dt.date] = mapped_column(Date)
    effective_to: Mapped[dt.date | None] = mapped_column(Date)
    region: Mapped[str] = mapped_column(String(200))  # "national" or comma-separated province codes
    document: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[dt.datetime]
    loaded_by: Mapped[str] = mapped_column(String(64))

