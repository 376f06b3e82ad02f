"""`kit.prepared.Prepared` and `one_of` on the engine the suite runs on: the same rows as the ORM's query, any number of
values bound as one parameter, column types processed (dates back as dates)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from jiaoguan.kit.db import one_of
from jiaoguan.kit.prepared import Prepared
from jiaoguan.registry.models import Person

BY_NUMBERS = Prepared(select(Person).where(one_of(Person.id_number, "numbers")).order_by(Person.id))
BY_IDS = Prepared(select(Person.id, Person.birth_date).where(one_of(Person.id, "ids")).order_by(Person.id))


def _people(db: Session) -> list[Person]:
    db.execute(insert(Person), [
        {"id_number": f"11010119900101{n:03d}X", "name": f"王{n}", "sex": "M", "birth_date": dt.date(1990, 1, 1 + n),
         "address_division": "110101", "province_code": "11"} for n in range(6)])
    return list(db.scalars(select(Person).where(Person.id_number.like("11010119900101%")).order_by(Person.id)))


def test_one_of_reads_the_rows_the_orm_reads_for_any_number_of_values(db: Session) -> None:
    people = _people(db)
    for wanted in ([], [people[0]], people[1:4], people):
        numbers = [p.id_number for p in wanted] + ["110101199001019999"]   # one that matches nobody
        rows = BY_NUMBERS.objects(db, {"numbers": numbers})
        assert [(r.id, r.name, r.id_number, r.birth_date) for r in rows] == [
            (p.id, p.name, p.id_number, p.birth_date) for p in wanted]


def test_integer_values_and_typed_columns_come_back_as_the_orm_gives_them(db: Session) -> None:
    people = _people(db)
    rows = BY_IDS.rows(db, {"ids": [people[2].id, people[5].id]})
    assert rows == [(people[2].id, dt.date(1990, 1, 3)), (people[5].id, dt.date(1990, 1, 6))]
    assert isinstance(rows[0][1], dt.date)


def test_a_prepared_statements_error_is_sqlalchemys_as_for_its_own_statements(db) -> None:
    """A caller catching SQLAlchemy's errors (`deadlines explain` falls back to the shipped measures when the
    database is not migrated) must catch a `Prepared` statement's too, with the driver's error as `orig`."""
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from jiaoguan.kit.prepared import Prepared

    with pytest.raises(DBAPIError) as caught, db.begin_nested():   # rolled back to the savepoint, then caught
        Prepared(text("SELECT id FROM no_such_table")).rows(db)
    assert type(caught.value).__name__ in ("OperationalError", "ProgrammingError")   # SQLite's, PostgreSQL's
    assert "no_such_table" in str(caught.value.orig)
