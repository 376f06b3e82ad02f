"""Periodic jobs of the deadlines room (declared in `deadlines/room.py`), run by `jiaoguan worker`."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from jiaoguan.deadlines.sweep.run import SweepBusy, SweepReport, sweep
from jiaoguan.kit.clock import today

log = logging.getLogger("jiaoguan.deadlines")


def nightly_sweep(session: Session) -> SweepReport | None:
    """Sweep every record as of today (Beijing date); a run still alive elsewhere is left to finish."""
    try:
        report = sweep(session, today())
    except SweepBusy:
        session.rollback()
        log.info("deadlines.sweep.busy")
        return None
    log.info("deadlines.sweep.done", extra={"run_id": report.run_id, "updates": report.updates,
                                            "messages": report.messages})
    return report
