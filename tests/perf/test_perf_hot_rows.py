"""No hot rows (issue 13.2): 32 scanners sharing one device token never wait on its row.

A real server (uvicorn in a thread) on an installation of its own, 32 concurrent requests with one token.
While another transaction holds the token's row locked (as a request writing "last used" would), every
request still answers: none of them waits for that row. Outside the minute's turn none of them writes it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import Engine, func, select, text, update

from jiaoguan.accounts.auth import SESSION_COOKIE
from jiaoguan.accounts.models import ApiToken
from jiaoguan.accounts.roles import Role
from jiaoguan.accounts.service import create_user, issue_api_token, start_session
from jiaoguan.kit.audit import AuditRecord
from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.db import get_engine, unit_of_work
from tests.installations import Installation
from tests.perf.servers import serve_in_thread

CLIENTS = 32


@pytest.fixture()
def server(installations) -> Iterator[tuple[str, str, Installation]]:
    """A real server on an installation of its own, a checkpoint officer's device token (URL, token, installation)."""
    inst = installations()
    if not inst.url.startswith("postgresql"):
        pytest.skip("row locks and concurrent writers: PostgreSQL (SQLite has one writer at a time)")
    with unit_of_work() as s:
        officer = create_user(s, username="scanner-officer", display_name="刘强", role=Role.checkpoint_officer,
                              province_code="11")
        token = issue_api_token(s, officer, "shared scanner")
    with serve_in_thread(limit_concurrency=200) as url:
        yield url, token, inst


def _burst(url: str, token: str, timeout: float) -> list[int]:
    def one(_: int) -> int:
        with httpx.Client(timeout=timeout) as c:
            return c.get(url + "/api/v1/accounts/me", headers={"Authorization": f"Bearer {token}"}).status_code

    with ThreadPoolExecutor(CLIENTS) as pool:
        return list(pool.map(one, range(CLIENTS)))


def _waiting_on_locks(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                     "AND wait_event_type = 'Lock'")).scalar_one())


def _token_row() -> tuple[int, dt.datetime | None, str]:
    with get_engine().connect() as conn:
        row = conn.execute(select(ApiToken.id, ApiToken.last_used_at, text("xmin::text"))).one()
        return int(row[0]), row[1], str(row[2])


def test_32_requests_on_one_token_answer_while_its_row_is_locked(server) -> None:
    url, token, _ = server
    token_id, _, _ = _token_row()
    with get_engine().begin() as conn:   # "last used" is stale: every request of the burst would like to write it
        conn.execute(update(ApiToken).values(last_used_at=utc_now() - dt.timedelta(minutes=5)))
    holder = get_engine().connect()
    tx = holder.begin()
    holder.execute(select(ApiToken.id).where(ApiToken.id == token_id).with_for_update())
    try:
        # Had any request waited for the locked row, it would still be waiting when its client gives up.
        statuses = _burst(url, token, timeout=20)
    finally:
        tx.rollback()
        holder.close()
    assert statuses == [200] * CLIENTS


def test_32_requests_within_the_minute_write_the_token_row_at_most_once(server) -> None:
    url, token, _ = server
    assert _burst(url, token, timeout=60) == [200] * CLIENTS
    _, used, version = _token_row()
    assert used is not None and utc_now() - used < dt.timedelta(minutes=1)
    assert _burst(url, token, timeout=60) == [200] * CLIENTS
    assert _token_row()[2] == version   # no request of the second burst wrote the row (its xmin is unchanged)


def test_32_audited_requests_at_once_do_not_exhaust_the_connection_pool(server) -> None:
    # Every clerk search leaves an audit record, chained after commit. A chainer that took a second pooled
    # connection while the request still held its first one left 30 requests (the pool's size) each waiting
    # for a 31st connection until the pool's 30 s timeout.
    url, _, inst = server
    with unit_of_work() as s:
        clerk = create_user(s, username="window-clerk", display_name="王芳", role=Role.window_clerk,
                            province_code="11")
        cookie = start_session(s, clerk)

    def one(_: int) -> int:
        with httpx.Client(timeout=25, cookies={SESSION_COOKIE: cookie}) as c:
            return c.get(url + "/registry/search", params={"q": "京A12345"}).status_code

    # Hold every request before its commit (its audit INSERT waits for the table lock), so that as many as the
    # pool holds commit, and chain, at the same moment.
    outside = inst.engine()   # a pool of its own: the server's is what is under test
    holder = outside.connect()
    tx = holder.begin()
    holder.execute(text("LOCK TABLE audit_record IN SHARE MODE"))
    with ThreadPoolExecutor(CLIENTS) as pool:
        try:
            answers = pool.map(one, range(CLIENTS))
            deadline = time.monotonic() + 20
            while _waiting_on_locks(outside) < 25 and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            tx.rollback()
            holder.close()
            outside.dispose()
        assert list(answers) == [200] * CLIENTS
    with get_engine().connect() as conn:
        searches = conn.execute(select(func.count()).select_from(AuditRecord)
                                .where(AuditRecord.action == "registry.search")).scalar_one()
    assert searches == CLIENTS
