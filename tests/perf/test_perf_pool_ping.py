"""A pooled connection is pinged only after it sat idle (issue 13): no extra round trip per request, and a
connection that died while idle is still replaced before a request uses it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from jiaoguan.kit import db as kitdb
from tests.conftest import TEST_DB_URL

pytestmark = pytest.mark.postgres_only("the pool of the production engine")


@pytest.fixture()
def engine_and_pings(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Engine, list[int]]]:
    engine = kitdb.make_engine(TEST_DB_URL, pool_size=1, max_overflow=0)
    pings: list[int] = []
    real_ping = engine.dialect.do_ping

    def counted(dbapi_conn: object) -> bool:
        pings.append(1)
        return real_ping(dbapi_conn)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    yield engine, pings
    engine.dispose()


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_connection_used_a_moment_ago_is_not_pinged(engine_and_pings: tuple[Engine, list[int]]) -> None:
    engine, pings = engine_and_pings
    first = _backend_pid(engine)
    pings.clear()
    for _ in range(5):
        assert _backend_pid(engine) == first
    assert pings == []


def test_a_connection_that_died_while_idle_is_replaced_before_use(
        engine_and_pings: tuple[Engine, list[int]], monkeypatch: pytest.MonkeyPatch) -> None:
    engine, pings = engine_and_pings
    first = _backend_pid(engine)
    with kitdb.make_engine(TEST_DB_URL).connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
    monkeypatch.setattr(kitdb, "PING_AFTER_IDLE_SECONDS", 0.0)
    pings.clear()
    second = _backend_pid(engine)   # no error: the ping found it dead and the pool connected anew
    assert second != first
    assert pings, "the idle connection was not pinged"
