"""The owner's authorisation (车辆所有人授权书) attached to an application for a vehicle outside the fleet.

Stored once per content under `<data_dir>/documents/passes/` (named by its SHA-256, so the backup carries
it with the other documents); only PDF, JPEG and PNG, recognised by their first bytes, up to 5 MB.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from jiaoguan.kit.errors import InvalidInput, NotFound
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.settings import get_settings

MAX_BYTES = 5 * 1024 * 1024
KINDS = ((b"%PDF-", "pdf", "application/pdf"), (b"\xff\xd8\xff", "jpg", "image/jpeg"),
         (b"\x89PNG\r\n\x1a\n", "png", "image/png"))
MEDIA = {ext: media for _, ext, media in KINDS}


@dataclass(frozen=True)
class Document:
    filename: str
    data: bytes


def folder() -> Path:
    return get_settings().data_dir / "documents" / "passes"


def store(doc: Document) -> str:
    """Keep the file; returns its stored name (checked: a known kind, not too large)."""
    if len(doc.data) > MAX_BYTES:
        raise InvalidInput(N_("The authorisation may be at most 5 MB."), code="passes.document_too_large",
                           field="authorisation")
    ext = next((e for magic, e, _ in KINDS if doc.data.startswith(magic)), None)
    if ext is None:
        raise InvalidInput(N_("Attach the authorisation as a PDF, JPEG or PNG file."),
                           code="passes.document_kind", field="authorisation")
    name = f"{hashlib.sha256(doc.data).hexdigest()}.{ext}"
    path = folder() / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(doc.data)
        tmp.replace(path)
    return name


def read(name: str) -> tuple[bytes, str]:
    path = folder() / name
    ext = name.rsplit(".", 1)[-1]
    if "/" in name or ext not in MEDIA or not path.is_file():
        raise NotFound(N_("The document is not available."), code="passes.no_document")
    return path.read_bytes(), MEDIA[ext]
