"""Periodic jobs of the deadlines room (declared in `deadlines/room.py`), run by `jiaoguan worker`."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from jiaoguan.deadlines.sweep.counts import count_now, process_queued
from jiaoguan.deadlines.sweep.preview import process_previews
from jiaoguan.deadlines.sweep.run import SweepBusy, SweepReport, sweep
from jiaoguan.kit.clock import today

log = logging.getLogger("jiaoguan.deadlines")


def nightly_sweep(session: Session) -> SweepReport | None:
    """Sweep every record as of today (Beijing date), then store today's counts of the measures' reach
    (what `/measures` shows); a run still alive elsewhere is left to finish."""
    day = today()
    try:
        report = sweep(session, day)
    except SweepBusy:
        session.rollback()
        log.info("deadlines.sweep.busy")
        return None
    log.info("deadlines.sweep.done", extra={"run_id": report.run_id, "updates": report.updates,
                                            "messages": report.messages})
    count_now(session, day, reason="sweep", by="nightly sweep")
    return report


def asked_counts(session: Session) -> int:
    """Counts queued by a publish or asked for on `/measures` for another day, with their progress."""
    done = process_queued(session)
    if done:
        log.info("deadlines.counts.done", extra={"counts": done})
    return done


def measure_previews(session: Session) -> int:
    """What a measure an administrator is about to publish would change today (the page polls for it)."""
    done = process_previews(session)
    if done:
        log.info("deadlines.previews.done", extra={"previews": done})
    return done
