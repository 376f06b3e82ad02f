"""No slot is ever overbooked: 200+ concurrent attempts on a capacity of 5 end with exactly 5 bookings, on
SQLite, on PostgreSQL, and on PostgreSQL from two processes at once."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from jiaoguan.kit.clock import FixedClock, get_clock, set_clock
from tests.conftest import TEST_DB_URL
from tests.factories.halls import MONDAY
from tests.halls_db import crowd

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def monday() -> Iterator[None]:
    previous = get_clock()
    set_clock(FixedClock(MONDAY))
    yield
    set_clock(previous)


def test_two_hundred_concurrent_attempts_on_five_places_book_exactly_five(engine: Engine, monday: None) -> None:
    office, slot, people = crowd.setup(engine, 210)
    try:
        booked = crowd.crowd(engine, slot, people)
        assert booked == 5
        assert crowd.bookings_in(engine, slot) == (5, 5)
    finally:
        crowd.cleanup(engine, office, people)


@pytest.mark.postgres_only("two processes writing at once: SQLite's single writer would only queue them")
def test_two_processes_at_once_on_postgresql_book_exactly_five(engine: Engine, monday: None) -> None:
    office, slot, people = crowd.setup(engine, 240)
    mine, theirs = people[:120], people[120:]
    env = {**os.environ, "JIAOGUAN_DATABASE_URL": TEST_DB_URL}
    other = subprocess.Popen([sys.executable, "-m", "tests.halls_db.crowd", TEST_DB_URL, str(slot),
                              ",".join(map(str, theirs))], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        booked_here = crowd.crowd(engine, slot, mine)
        out, _ = other.communicate(timeout=300)
        booked_there = int(out.strip().splitlines()[-1])
        assert booked_here + booked_there == 5
        assert crowd.bookings_in(engine, slot) == (5, 5)
    finally:
        if other.poll() is None:
            other.kill()
        crowd.cleanup(engine, office, people)


def test_the_same_request_retried_concurrently_books_once(engine: Engine, monday: None) -> None:
    office, slot, people = crowd.setup(engine, 1)
    try:
        booked = crowd.crowd(engine, slot, people * 40, workers=8)   # 40 retries of one request, 8 at a time
        assert booked == 40                                          # every retry answers with the booking …
        assert crowd.bookings_in(engine, slot) == (1, 1)             # … and there is one
    finally:
        crowd.cleanup(engine, office, people)
