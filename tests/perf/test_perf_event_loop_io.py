"""On PostgreSQL a request's statements go out from the event loop (kit.db.get_request_sessionmaker): the sync
service code runs in a greenlet that pauses at each round trip. The rest of the suite overrides the request's
session with the test's own (threads, the plain driver), so this module is where that path is tried as it runs:
a real server on an installation of its own, through HTTP — every page and JSON list of every demo role, many
at once; the audit trail's actor through a page, a device token and an async handler; a request failing after a
write rolled back, a 500, and the server still answering after it; a refused body; four loops at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from jiaoguan.accounts.auth import SESSION_COOKIE, roles_of
from jiaoguan.accounts.roles import Role
from jiaoguan.accounts.service import create_user, issue_api_token, principal_by_username, start_session
from jiaoguan.demo import load_demo
from jiaoguan.kit import db as kitdb
from jiaoguan.kit.audit import AuditRecord
from jiaoguan.kit.db import get_engine, get_request_sessionmaker, unit_of_work
from jiaoguan.kit.settings import reset_settings
from jiaoguan.web.app import api_routes
from tests.installations import Installation
from tests.perf.servers import serve_in_thread

DEMO_USERS = {"citizen": "citizen", "enterprise_agent": "agent", "window_clerk": "clerk", "online_seat": "seat",
              "hotline_agent": "hotline", "checkpoint_officer": "officer", "pass_issuer": "issuer",
              "supervisor": "supervisor", "admin": "admin"}   # role: the demo's user
SKIP = {"/healthz", "/readyz", "/prefs/lang", "/prefs/large-font", "/signin", "/signout"}


@pytest.fixture()
def demo(installations) -> Iterator[tuple[str, dict[str, str], Installation]]:
    """A real server on an installation of its own holding a small demo; a session cookie per demo user."""
    inst = installations()
    if not inst.url.startswith("postgresql"):
        pytest.skip("the request's database I/O is the event loop's on PostgreSQL only (SQLite: worker threads)")
    with unit_of_work() as s:
        load_demo(people=30, seed=5, session=s)
        cookies = {}
        for username in DEMO_USERS.values():
            user = principal_by_username(s, username)
            assert user is not None, username
            cookies[username] = start_session(s, user)
    with serve_in_thread(limit_concurrency=200) as url:
        yield url, cookies, inst


def _gets_of(role: str) -> list[str]:
    """Every GET route without path parameters the role may call: pages, and JSON lists (whose response models
    are validated after the greenlet has ended: a lazy load there would fail only on this path)."""
    paths = []
    for path, route in api_routes():
        if "{" in path or "GET" not in (route.methods or ()) or path in SKIP or path.endswith("/events"):
            continue
        if role in roles_of(route):
            paths.append(path)
    return sorted(set(paths))


def test_request_sessions_are_the_event_loops_on_postgresql_one_pool_per_loop_unless_turned_off(
        demo, monkeypatch) -> None:
    async def maker() -> Any:
        return get_request_sessionmaker()

    async def twice() -> tuple[Any, Any]:
        return get_request_sessionmaker(), get_request_sessionmaker()

    first, again = asyncio.run(twice())
    assert first is again and first.kw["bind"].dialect.is_async
    assert asyncio.run(maker()) is not first     # another loop, another pool: a connection is its loop's
    assert not get_engine().dialect.is_async        # commands, jobs and the worker keep the plain driver
    monkeypatch.setenv("JIAOGUAN_DATABASE_IO_ON_EVENT_LOOP", "false")
    reset_settings()
    try:
        assert asyncio.run(maker()) is kitdb.get_sessionmaker()
    finally:
        monkeypatch.delenv("JIAOGUAN_DATABASE_IO_ON_EVENT_LOOP")
        reset_settings()


def test_four_test_clients_at_once_each_on_its_own_loop_all_answer(demo) -> None:
    """Each TestClient runs the app on an event loop of its own, at the same time (the security tests do): each
    loop has its own pool. With one pool among them, requests waited for ever for a connection."""
    from starlette.testclient import TestClient

    from jiaoguan.web.app import create_app

    _, cookies, _ = demo
    clients = [TestClient(create_app(start_worker=False)) for _ in range(4)]
    for c in clients:
        c.__enter__()
        c.cookies.set(SESSION_COOKIE, cookies["citizen"])
    try:
        with ThreadPoolExecutor(32) as pool:
            statuses = list(pool.map(lambda i: clients[i % 4].get("/my/records").status_code, range(96)))
    finally:
        for c in clients:
            c.__exit__(None, None, None)
    assert statuses == [200] * 96


def test_every_page_and_list_of_every_role_answers_with_many_requests_at_once(demo) -> None:
    url, cookies, _ = demo
    calls = [(username, path) for role, username in DEMO_USERS.items() for path in _gets_of(role)]
    assert len(calls) > 80, calls

    def one(call: tuple[str, str]) -> tuple[str, str, int, str]:
        username, path = call
        with httpx.Client(base_url=url, timeout=60, cookies={SESSION_COOKIE: cookies[username]}) as c:
            r = c.get(path)
            return username, path, r.status_code, r.text[:300]

    with ThreadPoolExecutor(16) as pool:   # more than JIAOGUAN_REQUESTS_IN_FLIGHT: some wait their turn
        results = list(pool.map(one, calls * 2))
    # A page may send elsewhere (303) and a JSON list refuse a call without its required query (422); none may
    # fail on the server, or refuse the role the route admits.
    failed = [(u, p, s, t) for u, p, s, t in results if s not in (200, 301, 303, 307, 422)]
    assert failed == []
    assert sum(1 for *_, s, _ in results if s == 200) > len(results) * 3 // 4


def _last(action: str) -> AuditRecord:
    with kitdb.get_sessionmaker()() as s:
        row = s.execute(select(AuditRecord).where(AuditRecord.action == action).order_by(AuditRecord.id.desc())
                        ).scalars().first()
    assert row is not None, f"no audit record {action}"
    return row


def test_the_audit_trail_names_the_user_of_a_page_a_device_and_an_async_handler(demo) -> None:
    url, cookies, _ = demo
    with httpx.Client(base_url=url, timeout=30, cookies={SESSION_COOKIE: cookies["clerk"]}) as c:
        assert c.get("/registry/search", params={"q": "11010519491231002X"}).status_code == 200
    clerk = _last("registry.search")
    assert (clerk.actor_role, clerk.actor_label) == ("window_clerk", "clerk")

    from jiaoguan.registry.models import Vehicle

    with unit_of_work() as s:
        plate, province = s.execute(select(Vehicle.plate_no, Vehicle.province_code).limit(1)).one()
        officer = create_user(s, username="lane-officer", display_name="刘强", role=Role.checkpoint_officer,
                              province_code=province)
        token = issue_api_token(s, officer, "lane-3 scanner")
    with httpx.Client(base_url=url, timeout=30) as c:
        r = c.get("/api/v1/deadlines/check", params={"plate": plate, "on": "2022-05-01"},
                  headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    device = _last("deadlines.check")
    assert (device.actor_role, device.actor_label) == ("checkpoint_officer", "lane-officer [lane-3 scanner]")

    from jiaoguan.passes.applications.csv_batch import template_csv

    with httpx.Client(base_url=url, timeout=30, cookies={SESSION_COOKIE: cookies["agent"]}) as c:
        c.get("/")   # the CSRF cookie, and the token bound to it and the session
        csrf = _csrf_of(c, cookies["agent"])
        r = c.post("/api/v1/passes/applications/batch", headers={"X-CSRF-Token": csrf},
                   files={"file": ("fleet.csv", template_csv().encode(), "text/csv")})
    assert r.status_code == 200, r.text
    batch = _last("pass.batch.upload")
    assert (batch.actor_role, batch.actor_label) == ("enterprise_agent", "agent")


def _csrf_of(c: httpx.Client, session_token: str) -> str:
    from jiaoguan.accounts.auth import CSRF_COOKIE, csrf_token_for

    return csrf_token_for(c.cookies.get(CSRF_COOKIE), session_token)


def test_a_request_that_fails_after_writing_leaves_nothing_and_the_server_answers_after_it(demo) -> None:
    """A failure after a write, on this path: the write is rolled back in the request's greenlet. A plate search
    writes its audit record, then reads the vehicle's owner (`person`), taken away here for a moment: a 500, and
    no audit record of that search. The citizen's records fail the same way; afterwards every request answers (no
    connection left broken, in a transaction, or taken)."""
    url, cookies, _ = demo
    from jiaoguan.registry.models import Vehicle

    with unit_of_work() as s:
        plate = s.execute(select(Vehicle.plate_no).where(Vehicle.owner_person_id.is_not(None)).limit(1)).scalar_one()
    with httpx.Client(base_url=url, timeout=30, cookies={SESSION_COOKIE: cookies["clerk"]}) as c:
        assert c.get("/registry/search", params={"q": plate}).status_code == 200
    searches = _count_audit("registry.search")
    with get_engine().begin() as conn:
        conn.exec_driver_sql("ALTER TABLE person RENAME TO person_away")
    try:
        with httpx.Client(base_url=url, timeout=30, cookies={SESSION_COOKIE: cookies["clerk"]}) as c:
            assert c.get("/registry/search", params={"q": plate}).status_code == 500
        with httpx.Client(base_url=url, timeout=30, cookies={SESSION_COOKIE: cookies["citizen"]}) as c:
            assert c.get("/my/records").status_code == 500
    finally:
        with get_engine().begin() as conn:
            conn.exec_driver_sql("ALTER TABLE person_away RENAME TO person")
    assert _count_audit("registry.search") == searches
    with httpx.Client(base_url=url, timeout=30, cookies={SESSION_COOKIE: cookies["citizen"]}) as c:
        for _ in range(12):   # more than the pool's connections: none was left broken or checked out
            assert c.get("/my/records").status_code == 200
    with httpx.Client(base_url=url, timeout=30, cookies={SESSION_COOKIE: cookies["clerk"]}) as c:
        assert c.get("/registry/search", params={"q": plate}).status_code == 200
    assert _count_audit("registry.search") == searches + 1


def test_a_refused_body_is_problem_json_and_writes_nothing(demo) -> None:
    url, cookies, _ = demo
    with httpx.Client(base_url=url, timeout=30, cookies={SESSION_COOKIE: cookies["agent"]}) as c:
        c.get("/")
        csrf = _csrf_of(c, cookies["agent"])
        before = _count_applications()
        r = c.post("/api/v1/passes/applications", headers={"X-CSRF-Token": csrf},
                   json={"plate_no": "京A00000", "route": []})
        assert r.status_code == 422, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert _count_applications() == before


def _count_audit(action: str) -> int:
    from sqlalchemy import func

    with kitdb.get_sessionmaker()() as s:
        return int(s.execute(select(func.count()).select_from(AuditRecord).where(AuditRecord.action == action))
                   .scalar_one())


def _count_applications() -> int:
    from sqlalchemy import func

    from jiaoguan.passes.models import PassApplication

    with kitdb.get_sessionmaker()() as s:
        return int(s.execute(select(func.count()).select_from(PassApplication)).scalar_one())
