"""Loading the demo into the database: sign-ins for every role, determinism, idempotency, all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from jiaoguan.accounts import service as accounts_service
from jiaoguan.accounts.models import Office, User
from jiaoguan.accounts.roles import Role
from jiaoguan.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_loaded, load_demo
from jiaoguan.demo import load as demo_load_module
from jiaoguan.demo.builder import COLUMNS
from jiaoguan.kit.db import unit_of_work
from jiaoguan.kit.ids import check_id_number
from jiaoguan.registry.models import Person

ON = dt.date(2026, 11, 26)


def dump(db: Session) -> dict[str, list[tuple]]:
    out = {t: [tuple(r) for r in db.execute(text(f"SELECT {', '.join(cols)} FROM {t} ORDER BY id"))]
           for t, cols in COLUMNS.items()}
    out["office"] = [tuple(r) for r in db.execute(select(Office.code, Office.name, Office.province_code)
                                                  .order_by(Office.code))]
    out["app_user"] = [tuple(r) for r in db.execute(select(User.username, User.role, User.person_id,
                                                           User.enterprise_id, User.phone).order_by(User.username))]
    return out


def test_an_empty_database_has_no_demo(db: Session) -> None:
    assert demo_loaded(db) is False


def test_the_demo_has_a_sign_in_for_every_role_with_the_documented_password(db: Session) -> None:
    summary = load_demo(people=30, seed=5, session=db, on=ON)
    assert demo_loaded(db) is True
    users = {u.username: u for u in db.scalars(select(User).where(
        User.username.in_([a.username for a in DEMO_ACCOUNTS])))}
    assert {Role(u.role) for u in users.values()} == set(Role)
    for account in DEMO_ACCOUNTS:
        assert accounts_service.authenticate_password(db, account.username, DEMO_PASSWORD).id == users[
            account.username].id
    citizen = users["citizen"]
    person = db.get(Person, citizen.person_id)
    assert person is not None and citizen.phone == person.phone and check_id_number(person.id_number, on=ON).ok
    assert users["agent"].enterprise_id is not None
    assert all(users[n].office_id is not None for n in ("clerk", "seat", "hotline", "officer", "issuer"))
    assert summary.counts["office"] == 12 and summary.counts["app_user"] == 10
    assert {o.province_code for o in db.scalars(select(Office))} >= {"11", "31", "44", "51", "14", "42"}


def test_loading_the_demo_twice_changes_nothing_the_second_time(db: Session) -> None:
    load_demo(people=20, seed=5, session=db, on=ON)
    before = dump(db)
    again = load_demo(people=20, seed=5, session=db, on=ON)
    assert again.skipped and "already loaded" in again.describe("en") and "已载入" in again.describe("zh_Hans")
    assert dump(db) == before


def test_the_same_seed_on_the_same_day_stores_the_same_rows(db: Session) -> None:
    runs = []
    for _ in range(2):
        savepoint = db.begin_nested()
        summary = load_demo(people=60, seed=11, session=db, on=ON)
        runs.append((dump(db), summary.counts))
        savepoint.rollback()
    assert runs[0] == runs[1]
    featured_people = len(set(summary.featured.values()))
    assert runs[0][1]["person"] == 60 + featured_people


def test_a_record_added_after_the_demo_gets_a_fresh_id(db: Session) -> None:
    load_demo(people=10, seed=5, session=db, on=ON)
    highest = db.scalar(select(func.max(Person.id)))
    person = Person(id_number="11010519491231002X", name="新来的", sex="F", birth_date=dt.date(1949, 12, 31),
                    address_division="110105", province_code="11")
    db.add(person)
    db.flush()
    assert highest is not None and person.id > highest


def test_a_load_that_fails_part_way_leaves_nothing_behind(engine, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_part(session: Session, world: object) -> dict[str, int]:
        raise RuntimeError("a room's demo part failed")

    monkeypatch.setattr(demo_load_module, "_load_parts", broken_part)
    with unit_of_work() as session:
        people_before = session.scalar(select(func.count()).select_from(Person))
    with pytest.raises(RuntimeError):
        load_demo(people=25, seed=5, on=ON)
    with unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Person)) == people_before
        assert not demo_loaded(session)


def test_copy_text_escapes_what_postgresql_would_misread() -> None:
    from jiaoguan.demo.writer import copy_text

    assert copy_text([(1, "a\tb\\c\nd", None, dt.date(2026, 1, 2))]) == b"1\ta\\tb\\\\c\\nd\t\\N\t2026-01-02\n"


def test_a_batch_the_database_refuses_is_reported_to_the_loader(db: Session) -> None:
    import psycopg
    from sqlalchemy.exc import DBAPIError

    from jiaoguan.demo.builder import Batch
    from jiaoguan.demo.writer import RowWriter

    orphan = Batch()
    orphan.add("learner_permit", (10**9, 10**9, "C1", ON, ON, "valid", "11"))   # no such person
    savepoint = db.begin_nested()
    # SQLite raises through SQLAlchemy; PostgreSQL's COPY runs on the driver connection and raises psycopg's error.
    with pytest.raises((DBAPIError, psycopg.Error)), RowWriter(db).pipelined() as write:
        write(orphan)
        db.flush()
    savepoint.rollback()
