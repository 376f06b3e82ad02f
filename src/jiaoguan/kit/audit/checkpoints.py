"""Signed checkpoints: what makes the chain survive the administrator of its database.

A hash chain alone only proves that the rows agree with each other: whoever can write the table can
delete the tail and move the head back, or edit a row and recompute every later hash. A checkpoint
says "the chain had `seq` records and ended in `head_hash` at `at`", signed with an Ed25519 key the
database does not hold (a file; in production on another volume), and is appended to a folder of JSON
lines outside the database (and emitted as the domain event `audit.checkpoint`, for any room that
declares a handler). `audit verify` then checks that every exported checkpoint is a prefix of the
current chain: a rewritten or shortened chain no longer matches what was signed before.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.kit.audit.chain import after_commit, chain_pending
from jiaoguan.kit.audit.models import AuditCheckpoint, AuditHead
from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.errors import Conflict, JiaoguanError
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.settings import get_settings

log = logging.getLogger("jiaoguan.audit")


class AuditKeyMissing(JiaoguanError):
    code = "audit.key_missing"
    message = N_("The audit checkpoint key %(path)s does not exist. Create it with `jiaoguan audit keys init` "
                 "or set JIAOGUAN_AUDIT_KEY_FILE.")


class AuditKeyUnusable(JiaoguanError):
    code = "audit.key_unusable"
    message = N_("The audit checkpoint key %(path)s cannot be used (%(reason)s).")


class AuditKeyExists(Conflict):
    code = "audit.key_exists"
    message = N_("An audit checkpoint key already exists at %(path)s. Keep it: the exported checkpoints are "
                 "verified with it.")


class AuditSinkUnwritable(JiaoguanError):
    code = "audit.sink_unwritable"
    message = N_("Cannot write to the audit checkpoint folder %(path)s (%(reason)s).")


def os_reason(exc: OSError) -> str:
    """Why a file could not be written, in words (mkdir's "File exists" for a file in the way confuses)."""
    if isinstance(exc, FileExistsError | NotADirectoryError):
        return "part of the path is a file, not a folder"
    return (exc.strerror or str(exc)).lower()


# --- the key ------------------------------------------------------------------------------------

def key_id_of(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_path(private_path: Path) -> Path:
    return private_path.with_suffix(".pub")


def init_key(path: Path) -> str:
    """Create the signing key (mode 0600) and its public half beside it; return the key id."""
    if path.exists():
        raise AuditKeyExists(path=str(path))
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    pub = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
        public_path(path).write_bytes(pub)
    except OSError as exc:
        raise AuditKeyUnusable(path=str(path), reason=os_reason(exc)) from None
    return key_id_of(key.public_key())


def load_signing_key(path: Path) -> Ed25519PrivateKey:
    if not path.exists():
        raise AuditKeyMissing(path=str(path))
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise AuditKeyUnusable(path=str(path), reason=str(exc) or type(exc).__name__) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise AuditKeyUnusable(path=str(path), reason="not an Ed25519 key")
    return key


def load_verify_keys(path: Path) -> dict[str, Ed25519PublicKey]:
    """Every public key beside the signing key (older ones stay there after a rotation), by key id."""
    keys: dict[str, Ed25519PublicKey] = {}
    if path.exists():
        public = load_signing_key(path).public_key()
        keys[key_id_of(public)] = public
    folder = path.parent
    for pub in sorted(folder.glob("*.pub")) if folder.is_dir() else []:
        try:
            loaded = serialization.load_pem_public_key(pub.read_bytes())
        except (OSError, ValueError) as exc:
            raise AuditKeyUnusable(path=str(pub), reason=str(exc)) from None
        if isinstance(loaded, Ed25519PublicKey):
            keys[key_id_of(loaded)] = loaded
    if not keys:
        raise AuditKeyMissing(path=str(path))
    return keys


# --- checkpoints --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Checkpoint:
    seq: int
    head_hash: str
    at: dt.datetime
    key_id: str
    signature: str = ""

    def payload(self) -> bytes:
        body = {"v": 1, "seq": self.seq, "head_hash": self.head_hash, "key_id": self.key_id,
                "at": self.at.astimezone(dt.UTC).isoformat(timespec="microseconds")}
        return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()

    def line(self) -> str:
        body = json.loads(self.payload())
        body["signature"] = self.signature
        return json.dumps(body, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_line(cls, text: str) -> Checkpoint:
        body = json.loads(text)
        if not isinstance(body, dict) or body.get("v") != 1:
            raise ValueError("not a version-1 checkpoint")
        at = dt.datetime.fromisoformat(str(body["at"]))
        return cls(int(body["seq"]), str(body["head_hash"]), at, str(body["key_id"]), str(body["signature"]))

    @classmethod
    def from_row(cls, row: AuditCheckpoint) -> Checkpoint:
        return cls(row.seq, row.head_hash, row.at, row.key_id, row.signature)


def sign(key: Ed25519PrivateKey, seq: int, head_hash: str, at: dt.datetime) -> Checkpoint:
    unsigned = Checkpoint(seq, head_hash, at, key_id_of(key.public_key()))
    signature = base64.b64encode(key.sign(unsigned.payload())).decode()
    return Checkpoint(seq, head_hash, at, unsigned.key_id, signature)


def signature_problem(cp: Checkpoint, keys: dict[str, Ed25519PublicKey]) -> str | None:
    """None when a known key signed exactly this checkpoint; otherwise why not."""
    public = keys.get(cp.key_id)
    if public is None:
        return "unknown_key"
    try:
        public.verify(base64.b64decode(cp.signature, validate=True), cp.payload())
    except (InvalidSignature, ValueError):
        return "bad_signature"
    return None


# --- the file sink ------------------------------------------------------------------------------

def export(cp: Checkpoint, folder: Path) -> None:
    """Append one checkpoint line (one write of a short line in append mode: concurrent writers do not mix)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"checkpoints-{cp.at.astimezone(dt.UTC):%Y-%m}.jsonl"
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
        try:
            os.write(fd, (cp.line() + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise AuditSinkUnwritable(path=str(folder), reason=os_reason(exc)) from None


def read_sink(folder: Path) -> tuple[list[Checkpoint], list[str]]:
    """Every exported checkpoint, and where a line could not be read (each one is reported by verify)."""
    found: list[Checkpoint] = []
    unreadable: list[str] = []
    for path in sorted(folder.glob("*.jsonl")) if folder.is_dir() else []:
        for number, text in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if not text.strip():
                continue
            try:
                found.append(Checkpoint.from_line(text))
            except (ValueError, KeyError, TypeError):
                unreadable.append(f"{path.name}:{number}")
    return found, unreadable


# --- taking checkpoints -------------------------------------------------------------------------

def _sink_folder() -> Path:
    return get_settings().effective_audit_checkpoint_dir


CHECKPOINT_EVENT = "audit.checkpoint"


def _announce(session: Session, cp: Checkpoint) -> None:
    """The checkpoint as a domain event, in the same transaction: a room that declares a handler for it (an
    exporter to another system, a notice to the auditors) gets it through the outbox; none declared, no row."""
    from jiaoguan.kit import events

    events.emit(session, CHECKPOINT_EVENT, json.loads(cp.line()))


def take_checkpoint(session: Session, key: Ed25519PrivateKey) -> Checkpoint | None:
    """Sign the chain as it stands (if it grew since the last checkpoint); exported once this commits."""
    head = session.execute(select(AuditHead.last_seq, AuditHead.last_hash).where(AuditHead.id == 1)).first()
    if head is None or head.last_seq == 0:
        return None
    last = session.execute(select(AuditCheckpoint.seq).order_by(AuditCheckpoint.id.desc()).limit(1)).scalar()
    if last == head.last_seq:
        return None
    cp = sign(key, head.last_seq, head.last_hash, utc_now())
    session.add(AuditCheckpoint(seq=cp.seq, head_hash=cp.head_hash, at=cp.at, key_id=cp.key_id,
                                signature=cp.signature))
    _announce(session, cp)
    folder = _sink_folder()
    after_commit(session, lambda: export(cp, folder))
    session.flush()
    return cp


def export_missing(session: Session) -> int:
    """Checkpoints the database holds but the folder lacks (a crash between commit and export) go out again."""
    folder = _sink_folder()
    exported = {(c.seq, c.head_hash, c.signature) for c in read_sink(folder)[0]}
    missing = [Checkpoint.from_row(r) for r in session.execute(select(AuditCheckpoint)
                                                                .order_by(AuditCheckpoint.id)).scalars()
               if (r.seq, r.head_hash, r.signature) not in exported]
    for cp in missing:
        after_commit(session, lambda cp=cp: export(cp, folder))  # type: ignore[misc]
    return len(missing)


def checkpoint_job(session: Session) -> Checkpoint | None:
    """The worker's periodic checkpoint, every JIAOGUAN_AUDIT_CHECKPOINT_MINUTES: chain what is pending, then
    sign. Without a key it only warns (the embedded product makes one on first start)."""
    settings = get_settings()
    path = settings.effective_audit_key_file
    if not path.exists():
        log.warning("audit.checkpoint.no_key", extra={"path": str(path)})
        return None
    last = session.execute(select(AuditCheckpoint.at).order_by(AuditCheckpoint.id.desc()).limit(1)).scalar()
    if last is not None and utc_now() - last < dt.timedelta(minutes=settings.audit_checkpoint_minutes):
        return None
    key = load_signing_key(path)
    for _ in range(20):  # bounded: under a flood the next run continues
        if chain_pending(session, 5000) < 5000:
            break
    export_missing(session)
    return take_checkpoint(session, key)
