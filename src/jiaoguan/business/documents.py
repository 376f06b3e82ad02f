"""Uploaded materials: checked by content (type by its first bytes, size), stored by SHA-256 under the data
folder behind a small storage interface, shown only to the applicant (or their proxy) and the staff on the case.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Protocol

from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.business.access import ensure_may_see, get_application
from jiaoguan.business.errors import DocumentRefused
from jiaoguan.business.models import BusinessApplication, BusinessDocument
from jiaoguan.business.snapshot import spec_of_application
from jiaoguan.kit import audit
from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.errors import NotFound
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.settings import get_settings

MAX_BYTES = 5 * 1024 * 1024
SIGNATURES = ((b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))
ID_PHOTO = "id_card_photo"  # the fallback when a face check fails


class DocumentStore(Protocol):
    def put(self, data: bytes) -> str: ...
    def get(self, sha256: str) -> bytes: ...


class FileStore:
    """Content-addressed files: `<data>/documents/ab/cdef…` (the backup copies this folder)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or get_settings().data_dir / "documents"

    def _path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:]

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        path = self._path(digest)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        return digest

    def get(self, sha256: str) -> bytes:
        path = self._path(sha256)
        if len(sha256) != 64 or not path.exists():
            raise NotFound()
        return path.read_bytes()


def store() -> DocumentStore:
    return FileStore()


def sniff(data: bytes) -> str:
    """The media type the content says it is, or DocumentRefused."""
    if not data:
        raise DocumentRefused(reason=N_("the file is empty"))
    if len(data) > MAX_BYTES:
        raise DocumentRefused(reason=N_("the file is larger than 5 MB"))
    for magic, media in SIGNATURES:
        if data.startswith(magic):
            return media
    raise DocumentRefused(reason=N_("only PDF, PNG and JPEG files are accepted"))


def upload(session: Session, user: Principal, app_id: int, material_code: str, filename: str,
           data: bytes) -> BusinessDocument:
    app = get_application(session, app_id)
    ensure_may_see(user, app)
    spec = spec_of_application(app)
    if material_code != ID_PHOTO and material_code not in {m.code for m in spec.materials}:
        raise DocumentRefused(reason=N_("this business asks for no such material"))
    media = sniff(data)
    digest = store().put(data)
    doc = BusinessDocument(application_id=app.id, material_code=material_code, sha256=digest, media_type=media,
                           size=len(data), filename=Path(filename or "upload").name[:120],
                           uploaded_by_user_id=user.id, created_at=utc_now())
    session.add(doc)
    if material_code == ID_PHOTO and app.identity_status == "pending":
        app.identity_status = "manual"  # a failed face check falls back to the ID photo and a seat's review
    session.flush()
    if material_code in app.later_materials.split():
        from jiaoguan.business.obligations import material_handed_in

        material_handed_in(session, app, material_code, user)
    audit.record(session, "business_document.upload", "business_application", app.id,
                 f"{material_code} {media} {len(data)} bytes sha256 {digest[:12]}")
    return doc


def read(session: Session, user: Principal, doc_id: int) -> tuple[BusinessDocument, bytes]:
    doc = session.get(BusinessDocument, doc_id)
    if doc is None:
        raise NotFound()
    app: BusinessApplication = get_application(session, doc.application_id)
    ensure_may_see(user, app)
    return doc, store().get(doc.sha256)
