"""Shared fixtures: a migrated database (SQLite by default, PostgreSQL when
JIAOGUAN_TEST_DATABASE_URL is set), one rolled-back transaction per test, an API client whose
requests run inside that transaction, and cheap password hashing.

Under pytest-xdist every worker is its own process: it gets its own temporary folder (so its own
SQLite file) and, on PostgreSQL, its own database `<name>_<worker>` next to the one given, because
each worker drops and re-creates its schema at the start.
"""

from __future__ import annotations

import atexit
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from tests.engines import is_postgres_url, reset_postgres_schema, worker_database

_tmp = Path(tempfile.mkdtemp(prefix="jiaoguan-test-"))
atexit.register(shutil.rmtree, _tmp, ignore_errors=True)
os.environ.setdefault("JIAOGUAN_DATA_DIR", str(_tmp))
os.environ.setdefault("JIAOGUAN_SECRET_KEY", "test-secret-" + secrets.token_hex(8))
os.environ["JIAOGUAN_ENV"] = "test"
os.environ["JIAOGUAN_RUN_WORKER_IN_PROCESS"] = "false"
os.environ.setdefault("JIAOGUAN_STATS_CACHE_SECONDS", "0")  # each test's figures are its own
# The commands speak the operator's language; the suite pins English (tests of the choice set LANG themselves).
os.environ["JIAOGUAN_CLI_LOCALE"] = "en"
TEST_DB_URL = os.environ.get("JIAOGUAN_TEST_DATABASE_URL") or f"sqlite:///{_tmp / 'test.db'}"
if is_postgres_url(TEST_DB_URL) and os.environ.get("PYTEST_XDIST_WORKER"):
    TEST_DB_URL = worker_database(TEST_DB_URL, os.environ["PYTEST_XDIST_WORKER"])
os.environ["JIAOGUAN_DATABASE_URL"] = TEST_DB_URL

import httpx  # noqa: E402
from argon2 import PasswordHasher  # noqa: E402
from fastapi import Request  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402
from sqlalchemy import Engine  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from jiaoguan.accounts import service as accounts_service  # noqa: E402
from jiaoguan.accounts.auth import CSRF_COOKIE, SESSION_COOKIE, csrf_token_for  # noqa: E402
from jiaoguan.accounts.models import User  # noqa: E402
from jiaoguan.accounts.roles import Role  # noqa: E402
from jiaoguan.accounts.service import start_session  # noqa: E402
from jiaoguan.kit import db as kitdb  # noqa: E402
from jiaoguan.kit.settings import reset_settings  # noqa: E402
from tests.factories import accounts as account_factory  # noqa: E402

# What production hashes with, kept before the session fixture below swaps it (a test checks its costs).
PRODUCTION_HASHER: PasswordHasher = accounts_service._hasher
# The same argon2id scheme at its cheapest: at production cost (~0.2 s a hash here) every user a test
# makes, and every demo account loaded, costs that much again. Sign-in still verifies a real hash.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)

# Hypothesis's per-example deadline (200 ms) and its too-slow check measure the machine, not the code: on 2 cores
# shared with other processes, under coverage tracing, a slow example fails a correct test. Counts of
# examples stay as each test sets them.
settings.register_profile("jiaoguan", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("jiaoguan")

ENGINE_MARKERS = {
    "sqlite_only": ("sqlite", "about SQLite only"),
    "postgres_only": ("postgresql", "about PostgreSQL only"),
}


def pytest_runtest_setup(item: pytest.Item) -> None:
    """`@pytest.mark.sqlite_only(reason)` / `postgres_only(reason)`: skipped, with the reason, on the other engine."""
    engine = "postgresql" if is_postgres_url(TEST_DB_URL) else "sqlite"
    for name, (wanted, default) in ENGINE_MARKERS.items():
        marker = item.get_closest_marker(name)
        if marker is not None and engine != wanted:
            reason = marker.args[0] if marker.args else default
            pytest.skip(f"runs on {wanted} only ({engine} here): {reason}")


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(accounts_service, "_hasher", CHEAP_HASHER)
        yield


@pytest.fixture()
def production_hashing(monkeypatch: pytest.MonkeyPatch) -> PasswordHasher:
    """For the one test about production's costs: the accounts service hashes as it does in production."""
    monkeypatch.setattr(accounts_service, "_hasher", PRODUCTION_HASHER)
    return PRODUCTION_HASHER


@pytest.fixture(scope="session")
def engine() -> Iterator[Engine]:
    from jiaoguan.kit.migrate import upgrade

    reset_settings()
    kitdb.reset_engine()
    if is_postgres_url(TEST_DB_URL):
        reset_postgres_schema(TEST_DB_URL)
    upgrade(TEST_DB_URL)
    eng = kitdb.get_engine()
    yield eng
    kitdb.reset_engine()


@pytest.fixture()
def db(engine: Engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test; commits become savepoints."""
    conn = engine.connect()
    outer = conn.begin()
    session = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        conn.close()


@pytest.fixture()
def app(db: Session):
    from jiaoguan.kit.web import get_db
    from jiaoguan.web.app import create_app

    application = create_app(start_worker=False)

    def _test_db(request: Request) -> Iterator[Session]:
        request.state.db = db
        yield db

    application.dependency_overrides[get_db] = _test_db
    return application


@pytest.fixture()
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, base_url="http://testserver") as c:
        yield with_csrf(c)


def with_csrf(c: TestClient) -> TestClient:
    """A client that sends the CSRF token a page would: a `jg_csrf` cookie, and the placeholder header
    "test-csrf-token" turned into the token bound to the cookies each request carries."""
    c.cookies.set(CSRF_COOKIE, "test-csrf-token")
    c.headers["X-CSRF-Token"] = "test-csrf-token"
    if _bind_csrf not in c.event_hooks["request"]:
        c.event_hooks["request"].append(_bind_csrf)
    return c


def _bind_csrf(request: httpx.Request) -> None:
    """The token is bound to the session (accounts.auth): as a page would, send the one for the cookies this very
    request carries (a test signs in and out). A test that removes the header sends none."""
    if request.headers.get("x-csrf-token") == "test-csrf-token":
        jar: SimpleCookie = SimpleCookie(request.headers.get("cookie", ""))
        session = jar[SESSION_COOKIE].value if SESSION_COOKIE in jar else None
        csrf = jar[CSRF_COOKIE].value if CSRF_COOKIE in jar else None
        request.headers["x-csrf-token"] = csrf_token_for(csrf, session)


@pytest.fixture()
def make_user(db: Session) -> Callable[..., User]:
    """`make_user(role, **kw)`: `tests.factories.accounts.user` bound to the test's session."""

    def _make(role: Role | str, **kw: object) -> User:
        return account_factory.user(db, role, **kw)  # type: ignore[arg-type]

    return _make


@pytest.fixture()
def sign_in(db: Session) -> Callable[[TestClient, User], TestClient]:
    def _sign_in(c: TestClient, user: User) -> TestClient:
        c.cookies.set(SESSION_COOKIE, start_session(db, user))
        db.commit()
        return c

    return _sign_in


@pytest.fixture()
def outbox_cleanup(engine: Engine) -> Iterator[None]:
    """For tests that commit for real (races on PostgreSQL): the outbox rows they write — messages and domain
    events — would stay pending for every later test on this database (the event tests and the figures rebuild
    count them); delete those written meanwhile."""
    from sqlalchemy import delete, func, select

    from jiaoguan.kit.outbox import OutboxMessage

    with Session(engine) as s:
        mark = s.scalar(select(func.max(OutboxMessage.id))) or 0
    yield
    with Session(engine) as s, s.begin():
        s.execute(delete(OutboxMessage).where(OutboxMessage.id > mark))
