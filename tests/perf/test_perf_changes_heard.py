"""A server process keeps the calendar's overrides and the published measures until it hears of a change
(kit.changes: triggers NOTIFY at commit, one listening connection a process): a change made anywhere is heard and
read; nothing is kept while nobody listens; the process's own change is seen at once; a listener whose connection
is killed comes back."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session
from sqlalchemy.util import greenlet_spawn

from jiaoguan.accounts import kept_sessions
from jiaoguan.accounts.service import create_user, end_session, principal_for_session, sha256, start_session
from jiaoguan.deadlines.measures.store import stored_measures
from jiaoguan.kit import changes
from jiaoguan.kit.calendar_service import load_calendar, set_override
from jiaoguan.kit.clock import utc_now
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


# --- who a session cookie belongs to (accounts.service.principal_for_session) -----------------------------------------

def _signed_in(username: str) -> str:
    """A user and a session of theirs, made as a command would (the plain engine); the cookie's token."""
    with unit_of_work() as s:
        user = create_user(s, username=username, display_name=username, role="window_clerk", password="pw-123456789")
        return start_session(s, user)


def _who(token: str) -> Callable[[Session], Any]:
    return lambda s: principal_for_session(s, token)


@contextlib.contextmanager
def _silenced(table: str) -> Iterator[None]:
    """Changes to `table` made meanwhile are not announced (its trigger is off): only a process's own commit moves
    its count."""
    _elsewhere(f"ALTER TABLE {table} DISABLE TRIGGER {table}_announce_change")
    try:
        yield
    finally:
        _elsewhere(f"ALTER TABLE {table} ENABLE TRIGGER {table}_announce_change")


async def _announced(sql: str) -> None:
    """Another process's change, announced: returns once this process has heard it."""
    before = _heard().generation
    _elsewhere(sql)
    await _until(lambda: _heard().generation != before)


def test_a_session_is_looked_up_once_while_nothing_changes(postgres) -> None:
    token = _signed_in("kept-clerk")

    async def scenario() -> None:
        first = await _in_request(_who(token))
        assert first is not None and first.username == "kept-clerk"
        # Unannounced (the trigger off), a sign-out elsewhere is not heard: the process answers from what it kept.
        revoke = "UPDATE user_session SET revoked = true WHERE user_id = (SELECT id FROM app_user " \
                 "WHERE username = 'kept-clerk')"
        with _silenced("user_session"):
            _elsewhere(revoke)
        assert await _in_request(_who(token)) is first
        # Announced: heard, and the session is read again: ended.
        await _announced(revoke)
        assert await _in_request(_who(token)) is None
    _run(scenario)


def test_a_user_disabled_or_given_another_role_elsewhere_is_read_again(postgres) -> None:
    token = _signed_in("moved-clerk")

    async def scenario() -> None:
        assert (await _in_request(_who(token))).role == "window_clerk"
        await _announced("UPDATE app_user SET role = 'supervisor' WHERE username = 'moved-clerk'")
        assert (await _in_request(_who(token))).role == "supervisor"
        await _announced("UPDATE app_user SET is_active = false WHERE username = 'moved-clerk'")
        assert await _in_request(_who(token)) is None
    _run(scenario)


def test_a_sign_out_in_this_process_ends_the_session_for_its_next_request_at_once(postgres) -> None:
    token = _signed_in("leaving-clerk")

    async def scenario() -> None:
        assert await _in_request(_who(token)) is not None
        # The trigger off: no notification can come, only the commit's own move of this process's count.
        with _silenced("user_session"):
            await _in_request(lambda s: end_session(s, token))
            assert await _in_request(_who(token)) is None
    _run(scenario)


def test_a_kept_session_ends_when_it_expires_and_a_sign_in_elsewhere_does_not_empty_the_cache(postgres) -> None:
    token = _signed_in("expiring-clerk")

    async def scenario() -> None:
        assert await _in_request(_who(token)) is not None
        before = _heard().generation
        _signed_in("another-clerk")   # an INSERT: not announced, nothing kept changes
        await asyncio.sleep(0.3)
        assert _heard().generation == before
        # Expired in the kept entry (as it would be after its time): not answered from the cache.
        kept = kept_sessions._kept[sha256(token)]
        kept_sessions._kept[sha256(token)] = (kept[0], utc_now() - dt.timedelta(seconds=1), kept[2])
        with _silenced("user_session"):
            _elsewhere("UPDATE user_session SET expires_at = now() - interval '1 second' "
                       "WHERE user_id = (SELECT id FROM app_user WHERE username = 'expiring-clerk')")
            assert await _in_request(_who(token)) is None
    _run(scenario)
