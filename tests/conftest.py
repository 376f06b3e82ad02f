"""Shared fixtures: a migrated database (SQLite by default, PostgreSQL when
JIAOGUAN_TEST_DATABASE_URL is set), one rolled-back transaction per test, and an API client whose
requests run inside that transaction.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

_tmp = Path(tempfile.mkdtemp(prefix="jiaoguan-test-"))
os.environ.setdefault("JIAOGUAN_DATA_DIR", str(_tmp))
os.environ.setdefault("JIAOGUAN_SECRET_KEY", "test-secret-" + secrets.token_hex(8))
os.environ["JIAOGUAN_ENV"] = "test"
os.environ["JIAOGUAN_RUN_WORKER_IN_PROCESS"] = "false"
TEST_DB_URL = os.environ.get("JIAOGUAN_TEST_DATABASE_URL") or f"sqlite:///{_tmp / 'test.db'}"
os.environ["JIAOGUAN_DATABASE_URL"] = TEST_DB_URL

from fastapi import Request  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import Engine, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from jiaoguan.accounts.auth import CSRF_COOKIE, SESSION_COOKIE  # noqa: E402
from jiaoguan.accounts.models import User  # noqa: E402
from jiaoguan.accounts.roles import Role  # noqa: E402
from jiaoguan.accounts.service import create_user, start_session  # noqa: E402
from jiaoguan.kit import db as kitdb  # noqa: E402
from jiaoguan.kit.settings import reset_settings  # noqa: E402

SHARED = Path(os.environ.get("JIAOGUAN_SHARED") or Path(__file__).resolve().parents[1].parent / "shared")


def is_postgres_url(url: str) -> bool:
    return url.startswith("postgresql")


def reset_postgres_schema(url: str) -> None:
    engine = kitdb.make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


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
        c.cookies.set(CSRF_COOKIE, "test-csrf-token")
        c.headers["X-CSRF-Token"] = "test-csrf-token"
        yield c


@pytest.fixture()
def make_user(db: Session) -> Callable[..., User]:
    counter = {"n": 0}

    def _make(role: Role | str, **kw: object) -> User:
        counter["n"] += 1
        name = kw.pop("username", None) or f"{Role(role).value}{counter['n']}"
        user = create_user(db, username=str(name), display_name=str(name), role=role,
                           password=str(kw.pop("password", "correct horse battery")), **kw)  # type: ignore[arg-type]
        db.commit()  # a savepoint release: a request that rolls back must not take the user with it
        return user

    return _make


@pytest.fixture()
def sign_in(db: Session) -> Callable[[TestClient, User], TestClient]:
    def _sign_in(c: TestClient, user: User) -> TestClient:
        c.cookies.set(SESSION_COOKIE, start_session(db, user))
        db.commit()
        return c

    return _sign_in
