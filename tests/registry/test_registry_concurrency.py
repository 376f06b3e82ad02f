"""Concurrency claims of the register's effects, tested concurrently on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from jiaoguan.kit.context import Actor
from jiaoguan.registry.changes import EffectRefused, apply
from jiaoguan.registry.models import Person, PreselectedPlate, TemporaryPlate
from tests.factories import registry as f

ON = dt.date(2026, 11, 2)
SEAT = Actor(42, "online_seat", "seat42")


def _race(engine: Engine, work: list) -> tuple[list[object], list[str]]:   # type: ignore[type-arg]
    barrier = threading.Barrier(len(work))
    done: list[object] = []
    refused: list[str] = []

    def run(fn) -> None:   # type: ignore[no-untyped-def]
        barrier.wait()
        try:
            with Session(engine) as session, session.begin():
                done.append(fn(session))
        except EffectRefused as exc:
            refused.append(exc.code)

    threads = [threading.Thread(target=run, args=(fn,)) for fn in work]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done, refused


@pytest.mark.postgres_only("two writers at once are only meaningful on PostgreSQL (SQLite has one writer)")
def test_two_selections_for_one_vin_at_once_keep_exactly_one(engine: Engine) -> None:
    with Session(engine) as s, s.begin():
        ids = [f.person(s).id, f.person(s).id]
    vin = "LSVAB0000000RACE1"
    try:
        done, refused = _race(engine, [
            lambda session, pid=pid, n=n: apply(session, "plate-preselect-new", person_id=pid, vin=vin,
                                                plate_no=f"京N8{n:04d}", actor=SEAT, on=ON)
            for n, pid in enumerate(ids)])
        assert (len(done), refused) == (1, ["registry.vin_already_selected"])
        with Session(engine) as s:
            assert s.scalar(select(func.count()).select_from(PreselectedPlate).where(PreselectedPlate.vin == vin)) == 1
    finally:
        with Session(engine) as s, s.begin():
            s.execute(delete(PreselectedPlate).where(PreselectedPlate.vin == vin))
            s.execute(delete(Person).where(Person.id.in_(ids)))


@pytest.mark.postgres_only("two writers at once are only meaningful on PostgreSQL (SQLite has one writer)")
def test_four_temporary_plates_asked_at_once_give_three(engine: Engine) -> None:
    with Session(engine) as s, s.begin():
        pid = f.person(s).id
    vin = "LSVAB0000000RACE2"
    try:
        done, refused = _race(engine, [
            lambda session: apply(session, "temporary-plate", person_id=pid, vin=vin, actor=SEAT, on=ON, days=10,
                                  insurance_valid_until=dt.date(2027, 11, 1)) for _ in range(4)])
        assert (len(done), refused) == (3, ["registry.temp_plate_limit"])
    finally:
        with Session(engine) as s, s.begin():
            s.execute(delete(TemporaryPlate).where(TemporaryPlate.vin == vin))
            s.execute(delete(Person).where(Person.id == pid))
