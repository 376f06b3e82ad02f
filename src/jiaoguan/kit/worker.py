"""The background worker: each tick runs the rooms' pumps (outbox delivery), dispatches domain events
and runs the periodic jobs that are due. `jiaoguan worker` runs it; on the embedded database
`jiaoguan serve` runs one in a thread beside the web app."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from jiaoguan.kit import events, jobs, rooms
from jiaoguan.kit.db import unit_of_work

log = logging.getLogger("jiaoguan.worker")


@dataclass
class TickReport:
    pumped: dict[str, int] = field(default_factory=dict)
    events: int = 0
    jobs: list[str] = field(default_factory=list)


def tick(*, run_jobs: bool = True) -> TickReport:
    report = TickReport()
    for room in rooms.installed():
        for pump in room.pumps:
            try:
                report.pumped[pump] = int(rooms.resolve(pump)() or 0)
            except Exception:
                log.exception("worker.pump.failed", extra={"pump": pump})
    try:
        with unit_of_work() as session:
            report.events = events.dispatch_due(session)
    except Exception:
        log.exception("worker.events.failed")
    if run_jobs:
        report.jobs = jobs.run_due_jobs()
    return report


def run_forever(stop: threading.Event, interval: float = 2.0) -> None:
    while not stop.is_set():
        try:
            tick()
        except Exception:
            log.exception("worker.loop.failed")
        stop.wait(interval)


class InProcessWorker:
    """The one worker `jiaoguan serve` runs beside the web app on the embedded database."""

    def __init__(self, interval: float = 2.0) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=run_forever, args=(self._stop, interval), name="jiaoguan-worker",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
