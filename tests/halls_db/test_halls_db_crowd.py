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


def test_a_principal_and_their_proxy_booking_at_once_share_one_day_cap(engine: Engine, monday: None) -> None:
    """代办 under concurrency: the principal and the relative they authorised each send bookings for the
    principal at once, to different times of one day, with a day cap of 1: exactly one is booked."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from sqlalchemy import delete, select
    from sqlalchemy.orm import Session

    from jiaoguan.accounts.models import User
    from jiaoguan.accounts.service import principal_of
    from jiaoguan.business import proxies
    from jiaoguan.business.catalogue_store import seed
    from jiaoguan.business.models import BusinessProxy, BusinessType
    from jiaoguan.halls import booking, offices
    from jiaoguan.halls.errors import DailyCapReached
    from jiaoguan.halls.models import Booking, Slot
    from jiaoguan.halls.people import who_and_how
    from tests.factories import accounts

    office, first_slot, people = crowd.setup(engine, 2)
    with Session(engine) as s:                   # the account factory commits as it goes
        seeded = seed(s)["added"] > 0
        offices.configure_office(s, office, person_daily_cap=1)
        day = s.get(Slot, first_slot).day  # type: ignore[union-attr]
        times = list(s.scalars(select(Slot.id).where(Slot.hall_office_id == office, Slot.day == day)
                              .order_by(Slot.start_min)))[:12]
        parent = principal_of(accounts.user(s, "citizen", person_id=people[0], province_code="11"))
        child = principal_of(accounts.user(s, "citizen", person_id=people[1], province_code="11"))
        proxies.authorise(s, parent, proxy_username=child.username, relation="child",
                          businesses=["plate_replacement"], expires_on=day, consent=True)
        s.commit()
    gate = Barrier(len(times))

    def attempt(i: int, slot_id: int) -> bool:
        actor = parent if i % 2 else child
        gate.wait()
        try:
            with Session(engine) as s, s.begin():
                person, channel = who_and_how(s, actor, None, business_group="vehicle",
                                              on_behalf_of=None if actor is parent else parent.id)
                booking.book(s, slot_id=slot_id, person_id=person, actor=actor, channel=channel,
                             idempotency_key=f"pair-{i}")
            return True
        except DailyCapReached:
            return False

    try:
        with ThreadPoolExecutor(len(times)) as pool:
            booked = sum(pool.map(attempt, range(len(times)), times))
        assert booked == 1
        with Session(engine) as s:
            rows = s.scalars(select(Booking).where(Booking.hall_office_id == office)).all()
            assert [b.person_id for b in rows] == [people[0]]
    finally:
        with Session(engine) as s, s.begin():
            s.execute(delete(Booking).where(Booking.hall_office_id == office))
            s.execute(delete(BusinessProxy).where(BusinessProxy.principal_user_id == parent.id))
            s.execute(delete(User).where(User.id.in_([parent.id, child.id])))
            if seeded:                               # leave the catalogue as this database had it
                s.execute(delete(BusinessType))
        crowd.cleanup(engine, office, people)
