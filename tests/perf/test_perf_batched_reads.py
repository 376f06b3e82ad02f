"""Look-ups planned at once go out as one simple query (`kit.prepared._batched`), their values bound by psycopg on
this side: the same rows as one statement at a time, every value back exactly as sent (quotes, semicolons, percent
signs, backslashes: no value becomes SQL), and a pipeline of prepared statements whenever a statement is not marked
or a BEGIN must go first. PostgreSQL only (the request engine)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Date, String, bindparam, literal_column, select, text
from sqlalchemy.orm import Session

from jiaoguan.kit import prepared as prepared_module
from jiaoguan.kit.calendar_models import CalendarOverride
from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.db import one_of
from jiaoguan.kit.prepared import Prepared, rows_of_each
from tests.perf.test_perf_reads_outside_transactions import IDLE, INTRANS, _status, request_sessions  # noqa: F401

DAY = dt.date(2031, 7, 8)
_ECHO = Prepared(select(bindparam("v", type_=String()).label("v"), bindparam("d", type_=Date()).label("d")),
                 planned_at_once=True)
_DAYS = Prepared(select(CalendarOverride.day, CalendarOverride.name).where(one_of(CalendarOverride.day, "days"))
                 .order_by(CalendarOverride.day), planned_at_once=True)
_NOTHING = Prepared(select(literal_column("1")).where(text("false")), planned_at_once=True)
_UNMARKED = Prepared(select(CalendarOverride.name).where(CalendarOverride.day == bindparam("day")))
HOSTILE = ["x'); DROP TABLE calendar_override; --", "100% \\ 'quoted' \"double\" ; $1 %(v)s", "身份证 110101", "", None]


def _refuse(name: str) -> Any:
    async def refused(*_: object) -> Any:
        raise AssertionError(f"{name} was used")
    return refused


def _work() -> list[tuple[Prepared, dict[str, Any] | None]]:
    return [*((_ECHO, {"v": v, "d": DAY}) for v in HOSTILE), (_DAYS, {"days": [DAY, DAY + dt.timedelta(days=1)]}),
            (_DAYS, {"days": []}), (_NOTHING, None)]


def test_a_batch_gives_what_each_statement_gives_alone_and_every_value_back_as_sent(
        request_sessions, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    _, run = request_sessions

    def compare(session: Session) -> tuple[list[Any], list[Any], int]:
        monkeypatch.setattr(prepared_module, "_pipelined", _refuse("the pipeline"))
        together = rows_of_each(session, _work())
        alone = [p.rows(session, params) for p, params in _work()]
        return together, alone, _status(session)

    together, alone, status = run(compare)
    assert together == alone and status == IDLE
    assert [rows[0][0] for rows in together[:len(HOSTILE)]] == HOSTILE
    assert together[0][0][1] == DAY and together[len(HOSTILE):] == [[], [], []]
    assert run(lambda s: s.execute(text("SELECT count(*) FROM calendar_override")).scalar_one()) is not None


def test_inside_a_transaction_a_batch_sees_the_transactions_writes(
        request_sessions, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    _, run = request_sessions

    def in_transaction(session: Session) -> tuple[list[Any], int]:
        session.add(CalendarOverride(day=DAY, working=False, name="written first", updated_by="t",
                                     updated_at=utc_now()))
        session.flush()
        monkeypatch.setattr(prepared_module, "_pipelined", _refuse("the pipeline"))
        found = rows_of_each(session, [(_DAYS, {"days": [DAY]}), (_NOTHING, None)])
        status = _status(session)
        session.rollback()
        return found, status

    assert run(in_transaction) == ([[(DAY, "written first")], []], INTRANS)


def test_a_write_that_must_begin_a_transaction_takes_the_pipeline(
        request_sessions, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """Outside a pipeline psycopg would send the BEGIN in a round trip of its own."""
    _, run = request_sessions
    insert = Prepared(text("INSERT INTO calendar_override (day, working, name, updated_by, updated_at) "
                           "VALUES (:day, true, 'batched', 't', now())"), planned_at_once=True)
    monkeypatch.setattr(prepared_module, "_batched", _refuse("the batch"))

    def begin_first(session: Session) -> tuple[list[Any], int]:
        found = rows_of_each(session, [(insert, {"day": DAY}), (_DAYS, {"days": [DAY]})])
        status = _status(session)
        session.rollback()
        return found, status

    assert run(begin_first) == ([[], [(DAY, "batched")]], INTRANS)


def test_one_statement_not_planned_at_once_sends_all_in_the_pipeline(
        request_sessions, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    _, run = request_sessions
    monkeypatch.setattr(prepared_module, "_batched", _refuse("the batch"))
    assert run(lambda s: rows_of_each(s, [(_NOTHING, None), (_UNMARKED, {"day": DAY})])) == [[], []]
