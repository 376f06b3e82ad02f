"""Periodic jobs (nightly sweeps, escalations), declared by the rooms and run by the worker.

Each job runs in its own unit of work, so one failing job neither blocks the others nor leaves
half-written rows. Several `jiaoguan worker` processes may run on PostgreSQL: a job takes a row lock
on its schedule entry (SKIP LOCKED), so only one process runs it at a time and the others move on.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from jiaoguan.kit import rooms
from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.db import Base, is_postgres, unit_of_work

log = logging.getLogger("jiaoguan.jobs")


class JobSchedule(Base):
    __tablename__ = "job_schedule"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    last_run_at: Mapped[dt.datetime | None]
    next_run_at: Mapped[dt.datetime]


def run_due_jobs(only: set[str] | None = None) -> list[str]:
    """Run every declared job whose time has come (or just those named in `only`); return the names run."""
    ran: list[str] = []
    for job in rooms.all_jobs():
        if only is not None and job.name not in only:
            continue
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
                rooms.resolve(job.run)(session)
                row.last_run_at, row.next_run_at = now, now + job.every
                ran.append(job.name)
        except Exception:
            log.exception("worker.job.failed", extra={"job": job.name})
    return ran
