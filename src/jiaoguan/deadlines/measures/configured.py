"""The measures a command judges by when a database is configured: the published ones.

A database counts as configured when JIAOGUAN_DATABASE_URL is set or the embedded SQLite file exists,
and it is used only when it holds measures; otherwise (no database, not migrated, nothing published)
the caller falls back to the shipped files.
"""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

from jiaoguan.deadlines.measures.model import Measure


def configured_measures() -> list[Measure] | None:
    from jiaoguan.deadlines.measures.store import stored_measures
    from jiaoguan.kit.db import unit_of_work
    from jiaoguan.kit.settings import get_settings

    settings = get_settings()
    if not settings.database_url and not (settings.data_dir / "jiaoguan.db").exists():
        return None
    try:
        with unit_of_work() as session:
            return stored_measures(session) or None
    except SQLAlchemyError:
        return None
