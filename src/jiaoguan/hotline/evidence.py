"""The unit's letter behind an emergency case: checked by its content, stored once by its SHA-256.

What a browser says a file is counts for nothing: the first bytes decide (a PDF, a PNG or a JPEG scan of the
letter), and a file that claims one kind but holds another is refused. Files live under the data folder
(`documents/hotline/<2 hex>/<sha256>.<ext>`), where the backup takes them; the same letter uploaded twice is
stored once.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from jiaoguan.kit.errors import InvalidInput
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.settings import get_settings

MAX_BYTES = 10 * 1024 * 1024
MIN_BYTES = 64  # smaller than any real scan or PDF letter
# Magic numbers: what the content must begin with, and the type and extension it then is.
KINDS: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


class EvidenceRefused(InvalidInput):
    code = "hotline.evidence_refused"
    message = N_("The unit's letter must be a PDF, PNG or JPEG file of at most 10 MB.")


class EvidenceMissing(InvalidInput):
    code = "hotline.evidence_missing"
    message = N_("Upload the unit's letter (a PDF, PNG or JPEG scan).")


@dataclass(frozen=True)
class StoredEvidence:
    sha256: str
    media_type: str
    extension: str
    size: int
    filename: str


def sniff(data: bytes) -> tuple[str, str] | None:
    """(media type, extension) read from the content, or None when it is none of the accepted kinds."""
    for magic, media_type, ext in KINDS:
        if data.startswith(magic):
            return media_type, ext
    return None


def folder() -> Path:
    return get_settings().data_dir / "documents" / "hotline"


def path_of(sha256: str, extension: str) -> Path:
    return folder() / sha256[:2] / f"{sha256}.{extension}"


def _clean_name(filename: str) -> str:
    name = os.path.basename(filename.replace("\\", "/")).strip() or "letter"
    return "".join(c for c in name if c.isprintable())[:200]


def store(data: bytes, filename: str) -> StoredEvidence:
    """Check the letter's content and keep it by hash (written atomically; a second copy is not written)."""
    if not data:
        raise EvidenceMissing(field="evidence")
    kind = sniff(data)
    if kind is None or len(data) > MAX_BYTES or len(data) < MIN_BYTES:
        raise EvidenceRefused(field="evidence")
    if kind[0] == "application/pdf" and b"%%EOF" not in data[-1024:]:
        raise EvidenceRefused(field="evidence")  # cut short in transfer, or not a PDF at all
    digest = hashlib.sha256(data).hexdigest()
    target = path_of(digest, kind[1])
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.part")
        tmp.write_bytes(data)
        os.replace(tmp, target)
    return StoredEvidence(digest, kind[0], kind[1], len(data), _clean_name(filename))


def read(sha256: str, extension: str) -> bytes:
    """The stored letter, checked against its hash (a file changed on disk is not served)."""
    data = path_of(sha256, extension).read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise EvidenceRefused(N_("The stored letter does not match its hash."), code="hotline.evidence_corrupt")
    return data


def served(sha256: str, media_type: str, case_id: int) -> tuple[bytes, dict[str, str]]:
    """A case's letter as it is sent (by the page and the API alike): its bytes, checked, and its headers."""
    ext = media_type.rsplit("/", 1)[-1].replace("jpeg", "jpg")
    return read(sha256, ext), {"Content-Disposition": f'inline; filename="case-{case_id}.{ext}"',
                               "X-Content-Type-Options": "nosniff"}
