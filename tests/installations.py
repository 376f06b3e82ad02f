"""Installations of their own (for the audit, backup and CLI tests): what they commit, tamper with or restore must
not touch the shared test database. On SQLite each is a file; on PostgreSQL each is a schema of its own in
the test database (reached through `search_path`), so the tests run on both engines."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from click.testing import Result
from sqlalchemy import Engine, text
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
