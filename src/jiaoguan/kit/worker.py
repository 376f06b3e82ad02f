"""The background worker: each tick runs the rooms' pumps (outbox delivery), dispatches domain events
and runs the periodic jobs that are due. `jiaoguan worker` runs it; on the embedded database
`jiaoguan serve` runs one in a thread beside the web app."""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from jiaoguan.kit import events, jobs, rooms
from jiaoguan.kit.db import unit_of_work
from jiaoguan.kit.settings import get_settings

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
    """The one worker `jiaoguan serve` runs beside the web app on the embedded database.

    With several server processes (`serve --workers N`) each starts one, but only the process holding the
    lock file runs it (an advisory `flock` on `<data dir>/worker.lock`, freed by the OS when the process
    ends); the others keep trying, so another takes over if that process dies.
    """

    def __init__(self, interval: float = 2.0, lock_path: Path | None = None) -> None:
        self._stop = threading.Event()
        self._interval = interval
        self._lock_path = lock_path or get_settings().data_dir / "worker.lock"
        self._lock_file: IO[bytes] | None = None
        self._thread = threading.Thread(target=self._run, name="jiaoguan-worker", daemon=True)

    @property
    def leading(self) -> bool:
        """Does this process run the worker (hold the lock)?"""
        return self._lock_file is not None

    def _take_lock(self) -> bool:
        import fcntl

        self._lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self._lock_path, "a+b")  # noqa: SIM115 - held open for the life of the worker
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.truncate(0)
        handle.write(str(os.getpid()).encode())   # who runs it, for the operator
        handle.flush()
        self._lock_file = handle
        return True

    def _run(self) -> None:
        while not self._stop.is_set():
            if self._take_lock():
                log.info("worker.in_process.leading")
                run_forever(self._stop, self._interval)
                return
            self._stop.wait(self._interval)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        if self._lock_file is not None:
            self._lock_file.close()   # closing frees the flock
            self._lock_file = None
