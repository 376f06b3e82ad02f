"""`jiaoguan restore FILE`: into an empty database of either engine, all tables in one transaction.

The database is brought to the backup's schema revision (a fresh one is migrated to it), the rows go
in parent tables first, PostgreSQL's id sequences move past the restored ids, and only then are the
migrations since the backup applied and the files put back. A database that holds rows is refused
unless `--force`, which drops everything in it first.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic.util.exc import CommandError
from sqlalchemy import Column, Connection, Engine, MetaData, Table, inspect, text
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, StatementError

from jiaoguan.kit.backup.archive import BackupUnreadable, Reader, TableEntry, decode
from jiaoguan.kit.backup.files import check_audit_key, put
from jiaoguan.kit.db import make_engine
from jiaoguan.kit.errors import Conflict, JiaoguanError
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.migrate import current_heads, upgrade
from jiaoguan.kit.settings import get_settings

CHUNK = 2000


class DatabaseNotEmpty(Conflict):
    code = "backup.database_not_empty"
    message = N_("The database is not empty (table %(table)s has rows). Restore into an empty database, or add "
                 "--force to replace everything in it.")


class SchemaMismatch(Conflict):
    code = "backup.schema_mismatch"
    message = N_("The backup is at schema revision %(backup)s but this database is at %(here)s. Restore into a new, "
                 "empty database, or add --force to replace everything in it.")


class UnknownRevision(JiaoguanError):
    code = "backup.unknown_revision"
    message = N_("The backup is at schema revision %(backup)s, which this version of jiaoguan does not know.")


@dataclass
class RestoreSummary:
    rows: dict[str, int] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    schema_revision: str = ""
    source_engine: str = ""
    secret_key_in_environment: bool = False


def _table_names(conn: Connection) -> list[str]:
    return [n for n in inspect(conn).get_table_names() if n != "alembic_version"]


def wipe(engine: Engine) -> None:
    """Drop every table (and on PostgreSQL every function the migrations made) in the target schema."""
    with engine.begin() as conn:
        meta = MetaData()
        meta.reflect(conn)
        if conn.dialect.name != "postgresql":
            meta.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
            return
        for name in meta.tables:
            conn.execute(text(f'DROP TABLE IF EXISTS "{name}" CASCADE'))
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        functions = conn.execute(text(
            "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = current_schema() AND NOT EXISTS "
            "(SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')")).scalars().all()
        for signature in functions:
            conn.execute(text(f"DROP FUNCTION IF EXISTS {signature} CASCADE"))


def _first_table_with_rows(engine: Engine) -> str | None:
    with engine.connect() as conn:
        for name in _table_names(conn):
            if conn.execute(text(f'SELECT 1 FROM "{name}" LIMIT 1')).first() is not None:
                return name
    return None


def _target_table(conn: Connection, entry: TableEntry, metadata: MetaData) -> Table:
    """The table as this database has it, typed by the models where they know the column."""
    reflected = Table(entry.name, MetaData(), autoload_with=conn)
    model = metadata.tables.get(entry.name)
    columns = []
    for name in entry.columns:
        if name not in reflected.c:
            raise ValueError(f"column {entry.name}.{name} is not in this database")
        typed = model.c[name].type if model is not None and name in model.c else reflected.c[name].type
        columns.append(Column(name, typed))
    return Table(entry.name, MetaData(), *columns)


def _load_table(conn: Connection, reader: Reader, entry: TableEntry, metadata: MetaData) -> int:
    table = _target_table(conn, entry, metadata)
    types = {c.name: c.type for c in table.columns}
    count, batch = 0, []
    with io.TextIOWrapper(reader.open_checked(entry.member, entry.sha256), encoding="utf-8") as lines:
        for line in lines:
            row: dict[str, Any] = json.loads(line)
            batch.append({name: decode(row.get(name), types[name]) for name in entry.columns})
            if len(batch) >= CHUNK:
                conn.execute(table.insert(), batch)
                count, batch = count + len(batch), []
    if batch:
        conn.execute(table.insert(), batch)
        count += len(batch)
    if count != entry.rows:
        raise ValueError(f"{entry.member} holds {count} rows, the manifest says {entry.rows}")
    return count


def _trigger_maintained(metadata: MetaData, name: str) -> bool:
    """A table the database's triggers fill from other tables (its model says so in `info`): loaded last."""
    table = metadata.tables.get(name)
    return bool(table is not None and table.info.get("trigger_maintained"))


def _reset_sequences(conn: Connection) -> None:
    """Ids were restored as they were; PostgreSQL's sequences must continue after them."""
    owned = conn.execute(text(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND (position('nextval(' in coalesce(column_default, '')) = 1 OR is_identity = 'YES')")).all()
    for table, column in owned:
        conn.execute(text(f'SELECT setval(pg_get_serial_sequence(:t, :c), coalesce(max("{column}"), 0) + 1, false) '
                          f'FROM "{table}"'), {"t": table, "c": column})


def _prepare_schema(url: str, engine: Engine, revision: str, force: bool) -> None:
    if force:
        wipe(engine)
    heads = current_heads(url)
    if not heads:
        try:
            upgrade(url, revision)
        except CommandError:
            raise UnknownRevision(backup=revision) from None
        return
    if heads != {revision}:
        raise SchemaMismatch(backup=revision, here=",".join(sorted(heads)))
    busy = _first_table_with_rows(engine)
    if busy is not None:
        raise DatabaseNotEmpty(table=busy)


def restore_backup(source: Path, metadata: MetaData, *, force: bool = False, url: str | None = None
                   ) -> RestoreSummary:
    settings = get_settings()
    url = url or settings.effective_database_url
    reader = Reader(source)
    reader.check_all()
    manifest = reader.manifest
    summary = RestoreSummary(schema_revision=manifest.schema_revision, source_engine=manifest.source_engine,
                             secret_key_in_environment=manifest.secret_key == "environment")
    engine = make_engine(url)
    try:
        for item in manifest.files:
            if item.target == "audit_key":
                check_audit_key(reader.open_checked(item.member, item.sha256).read(), settings, force)
        _prepare_schema(url, engine, manifest.schema_revision, force)
        try:
            with engine.begin() as conn:
                for entry in sorted(manifest.tables, key=lambda e: _trigger_maintained(metadata, e.name)):
                    if _trigger_maintained(metadata, entry.name):
                        # Written by database triggers while its source rows went in: what they wrote is replaced
                        # by the backup's own rows, so the table is exactly as it was.
                        conn.execute(text(f'DELETE FROM "{entry.name}"'))
                    summary.rows[entry.name] = _load_table(conn, reader, entry, metadata)
                if conn.dialect.name == "postgresql":
                    _reset_sequences(conn)
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:  # json errors are ValueErrors
            raise BackupUnreadable(path=str(source), reason=str(exc)) from None
        except (IntegrityError, DataError) as exc:  # rows that do not fit this schema
            raise BackupUnreadable(path=str(source), reason=str(exc.orig).strip().splitlines()[0]) from None
        except StatementError as exc:
            if isinstance(exc, DBAPIError):  # the database itself failed: not the file's fault
                raise
            raise BackupUnreadable(path=str(source), reason=str(exc.orig or exc)) from None
    finally:
        engine.dispose()
    upgrade(url)
    for item in manifest.files:
        summary.files.append(put(item.target, reader.open_checked(item.member, item.sha256), settings))
    reader.close()
    return summary
