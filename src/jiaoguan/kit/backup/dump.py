"""`jiaoguan backup FILE`: every table in one consistent snapshot, plus keys and documents.

The checkpoint log is copied *before* the snapshot opens (each line names a chain state committed
before it was written, so the copied tables contain every state the log names: the restored chain
verifies against it); documents are copied *after* it (every document a copied row names exists).
The file is written beside its destination and renamed into place, readable by its owner only: it
holds the secret key and the audit key.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import MetaData, Table, inspect, select, text
from sqlalchemy.orm import Session

from jiaoguan import __version__
from jiaoguan.kit.audit.checkpoints import os_reason
from jiaoguan.kit.backup.archive import MANIFEST, FileEntry, Manifest, TableEntry, encode, sha256_of
from jiaoguan.kit.backup.files import checkpoint_files, other_files
from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.errors import JiaoguanError
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.settings import get_settings
from jiaoguan.kit.snapshot import read_snapshot


class BackupUnwritable(JiaoguanError):
    code = "backup.unwritable"
    message = N_("Cannot write the backup to %(path)s (%(reason)s).")


def tables_in_order(session: Session, metadata: MetaData) -> list[Table]:
    """The database's tables, parents before children (the models' order; any table they lack, last)."""
    present = set(inspect(session.connection()).get_table_names()) - {"alembic_version"}
    ordered = [t for t in metadata.sorted_tables if t.name in present]
    extra = sorted(present - {t.name for t in ordered})
    return ordered + [Table(name, MetaData(), autoload_with=session.connection()) for name in extra]


def _dump_table(session: Session, table: Table, out: Path) -> TableEntry:
    entry = TableEntry(table.name, "", [c.name for c in table.columns])
    order = list(table.primary_key.columns) or list(table.columns)
    result = session.execute(select(table).order_by(*order), execution_options={"yield_per": 2000}).mappings()
    with out.open("w", encoding="utf-8") as f:
        for row in result:
            f.write(json.dumps({k: encode(v) for k, v in row.items()}, ensure_ascii=False, separators=(",", ":")))
            f.write("\n")
            entry.rows += 1
    entry.sha256 = sha256_of(out)
    return entry


def _stage_files(items: Iterable[tuple[Path, str]], staging: Path, manifest: Manifest) -> None:
    for path, target in items:
        member = f"files/{len(manifest.files):05d}"
        try:
            shutil.copyfile(path, staging / member)
        except FileNotFoundError:  # removed while we ran: nothing to keep
            continue
        manifest.files.append(FileEntry(member, target, (staging / member).stat().st_size,
                                        sha256_of(staging / member)))


def _prepare(target: Path) -> Path:
    if target.is_dir():
        raise BackupUnwritable(path=str(target), reason="it is a folder")
    folder = target.parent
    if not folder.is_dir():
        missing = "is a file, not a folder" if folder.exists() else "does not exist"
        raise BackupUnwritable(path=str(target), reason=f"{folder} {missing}")
    try:
        return Path(tempfile.mkdtemp(prefix=".jiaoguan-backup-", dir=folder))
    except OSError as exc:
        raise BackupUnwritable(path=str(target), reason=os_reason(exc)) from None


def write_backup(target: Path, metadata: MetaData, url: str | None = None) -> Manifest:
    settings = get_settings()
    target = target.absolute()
    staging = _prepare(target)
    try:
        (staging / "tables").mkdir()
        (staging / "files").mkdir()
        manifest = Manifest(utc_now().isoformat(), __version__, "", "",
                            "environment" if settings.secret_key else "file")
        _stage_files(checkpoint_files(settings), staging, manifest)
        with read_snapshot(url) as session:
            manifest.source_engine = session.get_bind().dialect.name
            manifest.schema_revision = ",".join(session.execute(text("SELECT version_num FROM alembic_version"))
                                                .scalars().all())
            for number, table in enumerate(tables_in_order(session, metadata)):
                member = f"tables/{number:03d}_{table.name}.jsonl"
                entry = _dump_table(session, table, staging / member)
                entry.member = member
                manifest.tables.append(entry)
        _stage_files(other_files(settings, skip={target}), staging, manifest)
        _write_archive(target, staging, manifest)
        return manifest
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_archive(target: Path, staging: Path, manifest: Manifest) -> None:
    partial = staging.parent / f"{staging.name}.tar.gz"
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
            body = manifest.to_json()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(body), int(utc_now().timestamp()), 0o600
            tar.addfile(info, io.BytesIO(body))
            for member in [t.member for t in manifest.tables] + [f.member for f in manifest.files]:
                tar.add(staging / member, arcname=member, recursive=False)
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise BackupUnwritable(path=str(target), reason=os_reason(exc)) from None
