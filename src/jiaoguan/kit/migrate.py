"""Alembic, driven from code: `jiaoguan db upgrade` and the first start of `jiaoguan serve`."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from jiaoguan.kit.settings import get_settings


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "jiaoguan:migrations")
    cfg.set_main_option("sqlalchemy.url", (url or get_settings().effective_database_url).replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def current_heads(url: str | None = None) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    from jiaoguan.kit.db import make_engine

    engine = make_engine(url or get_settings().effective_database_url)
    try:
        with engine.connect() as conn:
            return set(MigrationContext.configure(conn).get_current_heads())
    finally:
        engine.dispose()
