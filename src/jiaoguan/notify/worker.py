"""The background worker: delivers the outbox and runs periodic jobs (nightly sweeps, escalations).

Jobs register themselves with `periodic(name, every)`; each runs in its own unit of work, so one
failing job neither blocks the others nor leaves half-written rows. Several `jiaoguan worker`
processes may run on PostgreSQL: outbox rows are claimed with SKIP LOCKED, and a periodic job takes
a row lock on its schedule entry, so only one process runs it at a time.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.db import Base, is_postgres, unit_of_work
from jiaoguan.kit.plugins import import_optional
from jiaoguan.kit.settings import get_settings
from jiaoguan.notify.delivery import deliver_due

log = logging.getLogger("jiaoguan.worker")


class JobSchedule(Base):
    __tablename__ = "job_schedule"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    last_run_at: Mapped[dt.datetime | None]
    next_run_at: Mapped[dt.datetime]


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: dt.timedelta
    run: Callable[[Session], object]


JOBS: dict[str, PeriodicJob] = {}


def periodic(name: str, every: dt.timedelta) -> Callable[[Callable[[Session], object]], Callable[[Session], object]]:
    def register(fn: Callable[[Session], object]) -> Callable[[Session], object]:
        JOBS[name] = PeriodicJob(name, every, fn)
        return fn

    return register


def run_due_jobs() -> list[str]:
    """Run every periodic job whose time has come; return the names run."""
    ran: list[str] = []
    for job in list(JOBS.values()):
        try:
            with unit_of_work() as session:
                q = select(JobSchedule).where(JobSchedule.name == job.name)
                if is_postgres(session):
                    q = q.with_for_update(skip_locked=True)
                row = session.execute(q).scalar_one_or_none()
                now = utc_now()
                if row is None:
                    row = JobSchedule(name=job.name, last_run_at=None, next_run_at=now)
                    session.add(row)
                    session.flush()
                if row.next_run_at > now:
                    continue
                job.run(session)
                row.last_run_at, row.next_run_at = now, now + job.every
                ran.append(job.name)
        except Exception:
            log.exception("worker.job.failed", extra={"job": job.name})
    return ran


def deliver_once(limit: int = 200) -> int:
    with unit_of_work() as session:
        return deliver_due(session, limit=limit, cap_per_hour=get_settings().sms_cap_per_hour)


def load_jobs() -> None:
    """Import the rooms that register periodic jobs (they live above notify, so they are found by name)."""
    for module in ("jiaoguan.deadlines.jobs", "jiaoguan.passes.jobs", "jiaoguan.business.jobs", "jiaoguan.halls.jobs"):
        import_optional(module)


def run_forever(stop: threading.Event, interval: float = 2.0) -> None:
    load_jobs()
    while not stop.is_set():
        try:
            deliver_once()
            run_due_jobs()
        except Exception:
            log.exception("worker.loop.failed")
        stop.wait(interval)


class InProcessWorker:
    """The one worker `jiaoguan serve` runs beside the web app on the embedded database."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=run_forever, args=(self._stop,), name="jiaoguan-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
