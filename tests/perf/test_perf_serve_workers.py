"""`jiaoguan serve --workers N`: several processes answer, and per-installation work runs in one of them."""

from __future__ import annotations

import fcntl
import json
import os
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from jiaoguan.cli import default_workers
from jiaoguan.kit.worker import InProcessWorker
from tests.perf.servers import serve_process


def _process_of(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=5) as r:
            return int(json.loads(r.read())["process"])
    except OSError:
        return None


def test_serve_with_two_workers_answers_from_two_processes_and_runs_one_in_process_worker(tmp_path: Path) -> None:
    # The embedded database: the case with an in-process worker.
    with serve_process(tmp_path, "--workers", "2", JIAOGUAN_RUN_WORKER_IN_PROCESS="true") as (url, _, proc):
        seen: set[int] = set()
        with ThreadPoolExecutor(8) as pool:
            for _ in range(50):   # the kernel hands connections to whichever process accepts first
                seen |= {p for p in pool.map(lambda _: _process_of(url), range(16)) if p is not None}
                if len(seen) == 2:
                    break
        assert len(seen) == 2 and proc.pid not in seen, seen
        # Both server processes start the embedded worker; the lock file lets exactly one of them run it.
        lock = tmp_path / "worker.lock"
        deadline = time.monotonic() + 30
        while not (lock.exists() and lock.read_text()) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert int(lock.read_text()) in seen
        with open(lock, "rb") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                held = False
            except OSError:
                held = True
        assert held, "no server process holds the worker lock"


def test_only_one_in_process_worker_holds_the_lock_and_another_takes_over_when_it_stops(tmp_path: Path) -> None:
    first = InProcessWorker(interval=0.05, lock_path=tmp_path / "worker.lock")
    second = InProcessWorker(interval=0.05, lock_path=tmp_path / "worker.lock")
    assert first._take_lock()
    assert not second._take_lock()
    first.stop()
    assert second._take_lock() and second.leading
    second.stop()


def test_default_workers_is_one_on_sqlite_and_every_core_on_postgresql() -> None:
    assert default_workers(is_sqlite=True) == 1
    assert default_workers(is_sqlite=False) == len(os.sched_getaffinity(0))
