"""The sweep's own tables: its runs (progress, so a crashed run continues) and its scratch tables.

A run computes, once, what the engine says for every distinct key of the records it sweeps (a key is an
original due date plus the few facts the answer depends on) and writes those answers into
`deadline_sweep_term`; the records are then updated by joining on the key. `deadline_sweep_region`
maps each province to the group of provinces under the same measures. Both scratch tables belong to
one run and are emptied when it ends.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Date, Index, Integer, String, Text, UniqueConstraint
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
    waived: Mapped[bool] = mapped_column(Boolean, default=False)       # counting: the measure waives a penalty


class SweepRegion(Base):
    __tablename__ = "deadline_sweep_region"

    run_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    grp: Mapped[int] = mapped_column(Integer)


class MeasureCount(Base):
    """How many deadlines of one kind in one province a measure changes the answer for, as of a day.

    Written by the nightly sweep for its day, after a publish for that day, and by a count a supervisor
    asks for another day (`CountRequest`); `/measures` reads these rows instead of recomputing them.
    """

    __tablename__ = "deadline_measure_count"
    __table_args__ = (UniqueConstraint("on_date", "measure_ref", "kind", "province_code",
                                       name="uq_deadline_measure_count_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    on_date: Mapped[dt.date] = mapped_column(Date)
    measure_ref: Mapped[str] = mapped_column(String(90))      # "ID@VERSION"
    kind: Mapped[str] = mapped_column(String(32))             # a DeadlineKind value
    province_code: Mapped[str] = mapped_column(String(2))
    records: Mapped[int] = mapped_column(Integer)
    # Of those, the records whose penalty the measure waives on the day: past the regulation's own deadline (a fine
    # would be due without the measures) and covered by a provision of the measure that waives it
    # (`Decision.waived_by`). None: counted before 0211 counted them (recount the day to know).
    waived: Mapped[int | None] = mapped_column(Integer)
    request_id: Mapped[int] = mapped_column(Integer)          # the count that wrote it


class WorkerProgress:
    """A count the worker runs while someone waits on a page: `queued` until a worker takes it, `running` with
    progress (`done` of `total` steps, a lease renewed each step), then `done` or `failed`."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    requested_by: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[dt.datetime]
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
    lease_until: Mapped[dt.datetime | None]
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(300))


class CountRequest(WorkerProgress, Base):
    """One count of the measures' reach as of `on_date`."""

    __tablename__ = "deadline_count_request"

    on_date: Mapped[dt.date] = mapped_column(Date, index=True)
    reason: Mapped[str] = mapped_column(String(16))           # sweep | publish | asked


class MeasurePreview(WorkerProgress, Base):
    """What publishing a measure document would change today, counted before it is published (issue 9.8).

    `queued`, then `running` with progress like a count, then `done` with `result_json` (records per measure,
    kind and province), or `failed`; `published` once the administrator confirmed. `basis` is the set of
    measures in force when it was asked: a publish in between makes the preview stale."""

    __tablename__ = "deadline_measure_preview"

    document: Mapped[str] = mapped_column(Text)               # the JSON as the administrator gave it
    refs: Mapped[str] = mapped_column(String(400))            # the versions it would publish, "ID@V, …"
    basis: Mapped[str] = mapped_column(Text, default="")     # the published refs it was counted against
    on_date: Mapped[dt.date] = mapped_column(Date)
    result_json: Mapped[str] = mapped_column(Text, default="[]")
