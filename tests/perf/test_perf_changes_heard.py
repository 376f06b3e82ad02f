"""A server process keeps the calendar's overrides and the published measures until it hears of a change
(kit.changes: triggers NOTIFY at commit, one listening connection a process): a change made anywhere is heard and
read; nothing is kept while nobody listens; the process's own change is seen at once; a listener whose connection
is killed comes back."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session
from sqlalchemy.util import greenlet_spawn

from jiaoguan.deadlines.measures.store import stored_measures
from jiaoguan.kit import changes
from jiaoguan.kit.calendar_service import load_calendar, set_override
from jiaoguan.kit.db import get_request_sessionmaker, unit_of_work
from jiaoguan.kit.settings import get_settings

DAY = dt.date(2031, 5, 6)   # a Tuesday


@pytest.fixture()
def postgres(installations) -> None:
    inst = installations()
    if not inst.url.startswith("postgresql"):
        pytest.skip("changes are heard on PostgreSQL (LISTEN/NOTIFY); SQLite keeps nothing between requests")


def _in_request(fn: Callable[[Session], Any]) -> Awaitable[Any]:
    def body() -> Any:
        with get_request_sessionmaker()() as session:
            out = fn(session)
            session.commit()
            return out
    return greenlet_spawn(body)


def _elsewhere(sql: str, **params: Any) -> None:
    """Another process's change (the plain engine, as a command would make it)."""
    with unit_of_work() as s:
        s.execute(text(sql), params)


async def _until(check: Callable[[], bool], seconds: float = 5.0) -> None:
    for _ in range(int(seconds / 0.02)):
        if check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("not within the time")


def _heard() -> changes._Count:
    count = changes._count()  # noqa: SLF001 - what the listener of this loop has heard
    assert count is not None
    return count


def _working(session: Session) -> bool:
    return load_calendar(session).is_working_day(DAY)


def _run(scenario: Callable[[], Awaitable[None]]) -> None:
    async def main() -> None:
        task = asyncio.create_task(changes.listen(get_settings().effective_database_url, check_every=0.5,
                                                  retry_after=0.1))
        try:
            await _until(lambda: changes._count() is not None and _heard().listening)  # noqa: SLF001
            await scenario()
        finally:
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
    asyncio.run(main())


def test_a_change_made_elsewhere_is_heard_and_read_and_an_unannounced_one_shows_the_cache_is_used(postgres) -> None:
    async def scenario() -> None:
        assert await _in_request(_working) is True
        # Written with the trigger off: unannounced, so the process keeps what it read (it did not ask again).
        _elsewhere("ALTER TABLE calendar_override DISABLE TRIGGER calendar_override_announce_change")
        _elsewhere("INSERT INTO calendar_override (day, working, name, updated_by, updated_at) "
                   "VALUES (:d, false, 'unannounced', 't', now())", d=DAY)
        _elsewhere("ALTER TABLE calendar_override ENABLE TRIGGER calendar_override_announce_change")
        assert await _in_request(_working) is True
        before = _heard().generation
        _elsewhere("UPDATE calendar_override SET name = 'announced' WHERE day = :d", d=DAY)
        await _until(lambda: _heard().generation != before)
        assert await _in_request(_working) is False
    _run(scenario)


def test_this_processs_own_change_is_seen_by_its_next_request_at_once(postgres) -> None:
    async def scenario() -> None:
        assert await _in_request(_working) is True
        # The trigger off: no notification can come, only the commit's own move of the count.
        _elsewhere("ALTER TABLE calendar_override DISABLE TRIGGER calendar_override_announce_change")
        try:
            await _in_request(lambda s: set_override(s, DAY, working=False, name="ours"))
            assert await _in_request(_working) is False
        finally:
            _elsewhere("ALTER TABLE calendar_override ENABLE TRIGGER calendar_override_announce_change")
    _run(scenario)


def test_a_published_measure_is_heard(postgres) -> None:
    async def scenario() -> None:
        count = len(await _in_request(stored_measures))
        before = _heard().generation
        with unit_of_work() as s:
            from jiaoguan.deadlines.measures.store import publish, shipped_documents
            _, doc = next(iter(shipped_documents()))
            item = dict(doc[0] if isinstance(doc, list) else doc)
            item["id"] = "test-heard"
            assert publish(s, item)[1]
        await _until(lambda: _heard().generation != before)
        assert len(await _in_request(stored_measures)) == count + 1
    _run(scenario)


def test_while_nobody_listens_every_request_reads_and_the_listener_comes_back(postgres) -> None:
    async def scenario() -> None:
        assert await _in_request(_working) is True
        with unit_of_work() as s:   # the listening connection dies
            killed = s.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    "WHERE application_name = :n"), {"n": changes.APPLICATION_NAME}).all()
        assert killed
        await _until(lambda: not _heard().listening)
        _elsewhere("ALTER TABLE calendar_override DISABLE TRIGGER calendar_override_announce_change")
        _elsewhere("INSERT INTO calendar_override (day, working, name, updated_by, updated_at) "
                   "VALUES (:d, false, 'unheard', 't', now())", d=DAY)
        _elsewhere("ALTER TABLE calendar_override ENABLE TRIGGER calendar_override_announce_change")
        if not _heard().listening:  # not back yet: the request reads the database
            assert await _in_request(_working) is False
        await _until(lambda: _heard().listening)
        assert await _in_request(_working) is False   # what changed while nobody listened is read again
    _run(scenario)
