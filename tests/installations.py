"""Installations of their own (for the audit, backup and CLI tests): what they commit, tamper with or restore must
not touch the shared test database. On SQLite each is a file; on PostgreSQL each is a schema of its own in
the test database (reached through `search_path`), so the tests run on both engines."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from click.testing import Result
from sqlalchemy import Connection, Engine, Table, text
from typer.testing import CliRunner

from jiaoguan.accounts import service as accounts_service
from jiaoguan.cli import app
from jiaoguan.kit import db as kitdb
from jiaoguan.kit.migrate import upgrade
from jiaoguan.kit.settings import reset_settings
from tests.conftest import TEST_DB_URL, is_postgres_url

runner = CliRunner()


@dataclass
class Installation:
    url: str
    data_dir: Path
    schema: str | None = None

    def engine(self) -> Engine:
        return kitdb.make_engine(self.url)


def cli(*args: str) -> Result:
    """Run `jiaoguan ARGS` in this process; whatever happens, never a traceback."""
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


@pytest.fixture()
def installations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Installation]]:
    """`installations(migrate=True)` makes a new installation and points the settings at it."""
    monkeypatch.setattr(accounts_service, "_hasher", PasswordHasher(time_cost=1, memory_cost=256, parallelism=1))
    monkeypatch.setenv("JIAOGUAN_SECRET_KEY", "test-secret-key-for-the-audit-tests")
    schemas: list[str] = []

    def make(*, migrate: bool = True, sqlite: bool = False) -> Installation:
        """`sqlite=True`: a SQLite file whatever engine the suite runs on (for cross-engine restores)."""
        name = f"jg_t_{secrets.token_hex(4)}"
        data_dir = tmp_path / name
        data_dir.mkdir()
        if is_postgres_url(TEST_DB_URL) and not sqlite:
            engine = kitdb.make_engine(TEST_DB_URL)
            with engine.begin() as conn:
                conn.execute(text(f"CREATE SCHEMA {name}"))
            engine.dispose()
            schemas.append(name)
            joiner = "&" if "?" in TEST_DB_URL else "?"
            inst = Installation(f"{TEST_DB_URL}{joiner}options=-csearch_path%3D{name}", data_dir, name)
        else:
            inst = Installation(f"sqlite:///{data_dir / 'jiaoguan.db'}", data_dir)
        use(inst)
        if migrate:
            upgrade(inst.url)
        return inst

    def use(inst: Installation) -> None:
        kitdb.reset_engine()
        monkeypatch.setenv("JIAOGUAN_DATABASE_URL", inst.url)
        monkeypatch.setenv("JIAOGUAN_DATA_DIR", str(inst.data_dir))
        reset_settings()

    make.use = use  # type: ignore[attr-defined]
    try:
        yield make
    finally:
        kitdb.reset_engine()
        monkeypatch.undo()
        reset_settings()
        if schemas:
            engine = kitdb.make_engine(TEST_DB_URL)
            with engine.begin() as conn:
                for name in schemas:
                    conn.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
            engine.dispose()


def _filler(column: Any, now: dt.datetime) -> Any:
    kind = column.type.python_type
    return {int: 1, bool: False, str: "x", dt.date: now.date(), dt.datetime: now}.get(kind, "x")


def insert_row(conn: Connection, table: Table, now: dt.datetime, **given: Any) -> int:
    """For data-migration tests: a row with the given values and a plausible one in every other required column
    (`now` for times and dates); returns its id."""
    row = {c.name: _filler(c, now) for c in table.columns
           if not c.nullable and c.server_default is None and not c.primary_key}
    row.update(given)
    return int(conn.execute(table.insert().values(**row)).inserted_primary_key[0])
