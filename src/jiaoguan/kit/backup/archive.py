"""The backup file: a tar.gz with `manifest.json` first, one JSON-lines file per table, then the files.

    manifest.json            format, version, schema revision, source engine, tables (in dependency
                             order, with columns, row counts, SHA-256) and files (target, size, SHA-256)
    tables/NNN_<table>.jsonl one JSON object per row, values in a portable text form (see `encode`)
    files/NNNNN              a file's bytes; the manifest says where it goes back (`target`)

Both engines read and write the same file, so a SQLite installation can move to PostgreSQL and back.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import json
import tarfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from sqlalchemy.types import TypeEngine

from jiaoguan.kit.errors import JiaoguanError
from jiaoguan.kit.i18n import N_

FORMAT = "jiaoguan-backup"
VERSION = 1
MANIFEST = "manifest.json"


class BackupUnreadable(JiaoguanError):
    code = "backup.unreadable"
    message = N_("%(path)s is not a jiaoguan backup or is damaged (%(reason)s).")


class BackupMissing(JiaoguanError):
    code = "backup.missing"
    message = N_("There is no backup file at %(path)s.")


@dataclass
class TableEntry:
    name: str
    member: str
    columns: list[str]
    rows: int = 0
    sha256: str = ""


@dataclass
class FileEntry:
    member: str
    target: str  # "data:<relative path>", "audit_key", "audit_key_dir:<name>", "audit_checkpoints:<name>"
    size: int
    sha256: str


@dataclass
class Manifest:
    created_at: str
    app_version: str
    schema_revision: str
    source_engine: str
    secret_key: str  # "file" (in the backup) or "environment" (not in it: set the same JIAOGUAN_SECRET_KEY)
    tables: list[TableEntry] = field(default_factory=list)
    files: list[FileEntry] = field(default_factory=list)

    def to_json(self) -> bytes:
        body = {"format": FORMAT, "version": VERSION, "created_at": self.created_at,
                "app_version": self.app_version, "schema_revision": self.schema_revision,
                "source_engine": self.source_engine, "secret_key": self.secret_key,
                "tables": [vars(t) for t in self.tables], "files": [vars(f) for f in self.files]}
        return json.dumps(body, ensure_ascii=False, indent=1).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        body = json.loads(raw)
        if not isinstance(body, dict) or body.get("format") != FORMAT:
            raise ValueError("no jiaoguan backup manifest")
        if body.get("version") != VERSION:
            raise ValueError(f"backup format version {body.get('version')!r} is not supported")
        return cls(str(body["created_at"]), str(body["app_version"]), str(body["schema_revision"]),
                   str(body["source_engine"]), str(body["secret_key"]),
                   [TableEntry(**t) for t in body["tables"]], [FileEntry(**f) for f in body["files"]])


# --- values --------------------------------------------------------------------------------------

def _python_type(type_: TypeEngine[Any]) -> type | None:
    # A TypeDecorator (UTCDateTime) answers `object`; the type it decorates knows.
    impl = getattr(type_, "impl_instance", type_)
    try:
        return impl.python_type
    except NotImplementedError:
        return None


def encode(value: Any) -> Any:
    """A column value as JSON: times in ISO 8601 (with their zone), bytes in base64, decimals as text."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def decode(value: Any, type_: TypeEngine[Any]) -> Any:
    if value is None:
        return None
    kind = _python_type(type_)
    if kind is dt.datetime:
        return dt.datetime.fromisoformat(value)
    if kind is dt.date:
        return dt.date.fromisoformat(value)
    if kind is dt.time:
        return dt.time.fromisoformat(value)
    if kind is bytes:
        return base64.b64decode(value)
    if kind is decimal.Decimal:
        return decimal.Decimal(value)
    return value


# --- members -------------------------------------------------------------------------------------

def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def safe_relative(text: str) -> PurePosixPath:
    """A relative path that stays inside its folder (a crafted manifest must not write elsewhere)."""
    rel = PurePosixPath(text)
    if rel.is_absolute() or not rel.parts or ".." in rel.parts or text.startswith("~"):
        raise ValueError(f"unsafe path in the backup: {text!r}")
    return rel


class Reader:
    """Reads members of a backup, checking each against the manifest's SHA-256."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.is_file():
            raise BackupMissing(path=str(path))
        try:
            self.tar = tarfile.open(path, "r:gz")  # noqa: SIM115 -- held open until close(), member by member
            raw = self._read(MANIFEST)
            self.manifest = Manifest.from_json(raw)
        except BackupUnreadable:
            raise
        except (OSError, EOFError, tarfile.TarError, ValueError, KeyError, TypeError) as exc:
            raise BackupUnreadable(path=str(path), reason=str(exc) or type(exc).__name__) from None

    def _read(self, member: str) -> bytes:
        f = self.tar.extractfile(member)
        if f is None:
            raise ValueError(f"{member} is not a file")
        return f.read()

    def check_all(self) -> None:
        """Read every member once against its checksum, before anything is changed (a damaged file under
        --force must not leave an emptied database behind)."""
        expected = [(t.member, t.sha256) for t in self.manifest.tables]
        expected += [(f.member, f.sha256) for f in self.manifest.files]
        for member, sha256 in expected:
            self.open_checked(member, sha256).close()

    def open_checked(self, member: str, sha256: str) -> IO[bytes]:
        """The member's bytes (spooled in memory or on disk) after its checksum matched."""
        import tempfile

        try:
            src = self.tar.extractfile(member)
            if src is None:
                raise ValueError(f"{member} is not a file")
            out = tempfile.SpooledTemporaryFile(max_size=16 << 20)  # noqa: SIM115 -- returned to the caller
            h = hashlib.sha256()
            for block in iter(lambda: src.read(1 << 20), b""):
                h.update(block)
                out.write(block)
        except (OSError, EOFError, tarfile.TarError, KeyError, ValueError) as exc:
            raise BackupUnreadable(path=str(self.path), reason=str(exc) or type(exc).__name__) from None
        if h.hexdigest() != sha256:
            raise BackupUnreadable(path=str(self.path), reason=f"{member} does not match its checksum")
        out.seek(0)
        return out  # type: ignore[return-value]

    def close(self) -> None:
        self.tar.close()
