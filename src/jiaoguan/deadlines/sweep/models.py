"""The sweep's own tables: its runs (progress, so a crashed run continues) and its scratch tables.

A run computes, once, what the engine says for every distinct key of the records it sweeps (a key is an
original due date plus the few facts the answer depends on) and writes those answers into
`deadline_sweep_term`; the records are then updated by joining on the key. `deadline_sweep_region`
maps each province to the group of provinces under the same measures. Both scratch tables belong to
one run and are emptied when it ends.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Date, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jiaoguan.kit.db import Base

BigId = BigInteger().with_variant(Integer, "sqlite")
NO_DATE = dt.date(1900, 1, 1)   # the key date of records whose key has none (NULL never joins)


class SweepRun(Base):
    """One sweep as of `on_date`: `running` until every phase is done, then `done` (or `count`)."""

    __tablename__ = "deadline_sweep_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    on_date: Mapped[dt.date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16))
    batch: Mapped[int] = mapped_column(Integer)
    offsets: Mapped[str] = mapped_column(String(40))          # reminder offsets in days, e.g. "30,7,1"
    phase: Mapped[str] = mapped_column(String(16))            # the phase in progress
    next_id: Mapped[int] = mapped_column(BigInteger)          # the first record id of that phase not yet swept
    counts_json: Mapped[str] = mapped_column(Text, default="{}")
    measures: Mapped[str] = mapped_column(Text, default="")  # refs of the measures it judged by
    started_at: Mapped[dt.datetime]
    lease_until: Mapped[dt.datetime | None]                   # a live run renews it every chunk
    finished_at: Mapped[dt.datetime | None]


class SweepTerm(Base):
    """What the engine says on the run's date for one key of one subject in one province group."""

    __tablename__ = "deadline_sweep_term"
    __table_args__ = (Index("ix_deadline_sweep_term_key", "run_id", "subject", "due"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(16))
    grp: Mapped[int] = mapped_column(Integer)
    due: Mapped[dt.date] = mapped_column(Date)                 # the regulation's date as the registry keeps it
    k_text: Mapped[str] = mapped_column(String(80), default="")
    k_date: Mapped[dt.date] = mapped_column(Date, default=NO_DATE)
    effective_due: Mapped[dt.date] = mapped_column(Date)
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)      # past the deadline (逾期)
    consequence: Mapped[bool] = mapped_column(Boolean, default=False)  # cancellation in effect
    missed: Mapped[int] = mapped_column(Integer, default=0)            # vehicles: missed inspection cycles
    remind_offset: Mapped[int | None] = mapped_column(Integer)         # the reminder due today, if any
    days_left: Mapped[int | None] = mapped_column(Integer)
    measures: Mapped[str] = mapped_column(String(400), default="")     # refs of the measures that decided it


class SweepRegion(Base):
    __tablename__ = "deadline_sweep_region"

    run_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    grp: Mapped[int] = mapped_column(Integer)
