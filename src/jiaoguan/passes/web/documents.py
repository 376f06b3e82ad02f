"""The citizen's "My documents" page: the documents the register issued, and the electronic licence and
learner-permit proof to download, each with its signed QR (`passes.credentials`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from jiaoguan.accounts.auth import Citizen
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.web import Db, UnitOfWorkRoute
from jiaoguan.passes import credentials
from jiaoguan.passes.issuance.issue import qr_svg
from jiaoguan.passes.qr.credential import KINDS
from jiaoguan.passes.web.common import page
from jiaoguan.registry import queries as registry

router = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)

DOCUMENT_KINDS = {
    "licence_card": N_("Driving licence"),
    "e_licence": N_("Electronic driving licence"),
    "learner_permit_proof": N_("Learner permit proof"),
    "plate": N_("Number plates"),
    "vehicle_licence": N_("Vehicle licence (行驶证)"),
    "sticker": N_("Inspection sticker"),
    "e_sticker": N_("Electronic inspection sticker"),
}


@router.get("/my/documents")
def my_documents(request: Request, user: Citizen, db: Db) -> Response:
    docs = registry.documents_of_person(db, user.person_id) if user.person_id is not None else []
    return page(request, user, "passes/my_documents.html", docs=docs, kinds=DOCUMENT_KINDS, signed=KINDS)


@router.get("/my/documents/{document_id}")
def my_document(request: Request, document_id: Annotated[int, Path(ge=1)], user: Citizen, db: Db) -> Response:
    found = credentials.credential(db, user, document_id)
    return page(request, user, "passes/my_document.html", cred=found, kinds=DOCUMENT_KINDS,
                qr=qr_svg(found.qr_text, scale=4))


@router.get("/my/documents/{document_id}/qr.svg")
def my_document_qr(document_id: Annotated[int, Path(ge=1)], user: Citizen, db: Db) -> Response:
    found = credentials.credential(db, user, document_id)
    return Response(qr_svg(found.qr_text, scale=6), media_type="image/svg+xml", headers={
        "Content-Disposition": f'attachment; filename="document-{document_id}.svg"', "Cache-Control": "no-store"})
