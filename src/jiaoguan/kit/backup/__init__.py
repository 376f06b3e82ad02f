"""Backup and restore of a whole installation: tables (either engine), keys, checkpoint log, documents.

`write_backup(path, metadata)` and `restore_backup(path, metadata, force=)`; the format is described in
`archive.py`. The caller passes the complete model metadata (after `kit.rooms.load_models()`), so
this package names no room.
"""

from jiaoguan.kit.backup.archive import BackupMissing, BackupUnreadable, Manifest
from jiaoguan.kit.backup.dump import BackupUnwritable, write_backup
from jiaoguan.kit.backup.files import OtherAuditKey
from jiaoguan.kit.backup.load import (
    DatabaseNotEmpty,
    RestoreSummary,
    SchemaMismatch,
    UnknownRevision,
    restore_backup,
)

__all__ = ["BackupMissing", "BackupUnreadable", "BackupUnwritable", "DatabaseNotEmpty", "Manifest", "OtherAuditKey",
           "RestoreSummary", "SchemaMismatch", "UnknownRevision", "restore_backup", "write_backup"]
