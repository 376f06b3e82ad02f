from __future__ import annotations

from alembic import context

from jiaoguan.kit.db import full_metadata, make_engine

target_metadata = full_metadata()
config = context.config


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters tables by copy; batch mode makes one migration serve both engines
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
