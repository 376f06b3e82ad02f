"""Which files a backup carries, and where each goes back.

Everything under the data folder except the SQLite database itself (the tables are in the backup
already): the secret key file (it decrypts the pass signing keys kept in the tables), uploaded
documents (`documents/`), any other key file. The audit checkpoint key and the checkpoint log are
named by their role, so they return to wherever the restoring installation keeps them (production
may keep them on another volume). A checkpoint log is merged, never overwritten: a restore must not
erase evidence the target already holds.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from jiaoguan.kit.backup.archive import safe_relative
from jiaoguan.kit.errors import Conflict
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.settings import Settings

SQLITE_SIDECARS = ("", "-wal", "-shm", "-journal")


class OtherAuditKey(Conflict):
    code = "backup.other_audit_key"
    message = N_("A different audit checkpoint key already exists at %(path)s. Restore with --force to replace it "
                 "(the old one is kept beside it).")


def _sqlite_files(settings: Settings) -> set[Path]:
    url = settings.effective_database_url
    if not url.startswith("sqlite"):
        return set()
    db = Path(url.split("///", 1)[-1]).resolve()
    return {Path(str(db) + s) for s in SQLITE_SIDECARS}


def checkpoint_files(settings: Settings) -> list[tuple[Path, str]]:
    folder = settings.effective_audit_checkpoint_dir
    found = sorted(p for p in folder.glob("*.jsonl") if p.is_file()) if folder.is_dir() else []
    return [(p, f"audit_checkpoints:{p.name}") for p in found]


def other_files(settings: Settings, skip: set[Path]) -> Iterator[tuple[Path, str]]:
    """The audit key (and every public key beside it), then the rest of the data folder."""
    taken = {p.resolve() for p in skip} | _sqlite_files(settings)
    key = settings.effective_audit_key_file
    if key.is_file():
        taken.add(key.resolve())
        yield key, "audit_key"
    if key.parent.is_dir():
        for pub in sorted(key.parent.glob("*.pub")):
            taken.add(pub.resolve())
            yield pub, f"audit_key_dir:{pub.name}"
    data = settings.data_dir
    checkpoints = settings.effective_audit_checkpoint_dir.resolve()
    for path in sorted(data.rglob("*")) if data.is_dir() else []:
        if path.is_file() and not path.is_symlink() and path.resolve() not in taken \
                and checkpoints not in path.resolve().parents and not path.name.startswith(".jiaoguan-backup-"):
            yield path, f"data:{path.relative_to(data).as_posix()}"


def destination(target: str, settings: Settings) -> Path:
    kind, _, rest = target.partition(":")
    if kind == "audit_key":
        return settings.effective_audit_key_file
    if kind == "audit_key_dir":
        return settings.effective_audit_key_file.parent / safe_relative(rest).name
    if kind == "audit_checkpoints":
        return settings.effective_audit_checkpoint_dir / safe_relative(rest).name
    if kind == "data":
        return settings.data_dir / safe_relative(rest)
    raise ValueError(f"unknown file target {target!r}")


def check_audit_key(incoming: bytes, settings: Settings, force: bool) -> None:
    """Refuse (before anything is written) to replace a different audit key without --force."""
    key = settings.effective_audit_key_file
    if key.is_file() and key.read_bytes() != incoming and not force:
        raise OtherAuditKey(path=str(key))


def put(target: str, data: IO[bytes], settings: Settings) -> Path:
    path = destination(target, settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    if target.startswith("audit_checkpoints:"):
        _merge_lines(path, data.read())
        return path
    if target == "audit_key" and path.is_file():
        incoming = data.read()
        if path.read_bytes() == incoming:
            return path
        # Kept beside it: checkpoints signed with the old key still verify with its public half.
        path.rename(path.with_name(f"{path.name}.replaced-{int(time.time())}"))
        data = _bytes_io(incoming)
    tmp = path.with_name(f".{path.name}.restoring")
    with tmp.open("wb") as out:
        shutil.copyfileobj(data, out)
    if target == "audit_key" or path.name == "secret_key":
        os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return path


def _bytes_io(raw: bytes) -> IO[bytes]:
    import io

    return io.BytesIO(raw)


def _merge_lines(path: Path, incoming: bytes) -> None:
    have = set(path.read_bytes().splitlines()) if path.is_file() else set()
    new = [line for line in incoming.splitlines() if line.strip() and line not in have]
    if new:
        with path.open("ab") as f:
            f.write(b"".join(line + b"\n" for line in new))
