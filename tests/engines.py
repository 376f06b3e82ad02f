"""Which database the suite runs on, and a PostgreSQL database of its own for each pytest-xdist worker."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql


def is_postgres_url(url: str) -> bool:
    return url.startswith("postgresql")


def _libpq(url: str) -> str:
    """The URL as libpq reads it (SQLAlchemy's `postgresql+psycopg://` names a driver libpq does not know)."""
    scheme, rest = url.split("://", 1)
    return "postgresql://" + rest if scheme.startswith("postgresql") else url


def worker_database(url: str, worker: str) -> str:
    """`…/test` → `…/test_gw0` for worker gw0, created when missing (the schema is reset by the engine fixture)."""
    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'postgres'}_{worker}"
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            try:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            except psycopg.errors.InsufficientPrivilege as exc:
                raise RuntimeError(f"pytest-xdist worker {worker} needs its own database {name}: create it, "
                                   "or let the role create databases, or run in one process (XDIST=)") from exc
    return urlunsplit(parts._replace(path="/" + name))


def reset_postgres_schema(url: str) -> None:
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")
