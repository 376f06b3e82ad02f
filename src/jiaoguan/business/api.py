"""JSON API of the business room (/api/v1): the catalogue ("what you need and whether you qualify"), applying,
uploading, tracking and answering a correction; the seats' inbox and actions; the supervisor's SLA board; the
administrator's catalogue editor, export and import; proxies."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import Response

from jiaoguan.accounts.auth import Admin, Anyone, Citizen, Supervisor
from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.service import principal_by_username
from jiaoguan.business import (
    access,
    documents,
    identity,
    inbox,
    proxies,
    service,
    service_request_api,
    service_requests,
)
from jiaoguan.business import catalogue as cat
from jiaoguan.business import catalogue_store as store
from jiaoguan.business.auth import CaseReader, Worker
from jiaoguan.business.eligibility import run_checks, subject_for
from jiaoguan.business.schemas import (
    ActionIn,
    ApplicationIn,
    ApplicationOut,
    AssignIn,
    BusinessIn,
    BusinessOut,
    CheckOut,
    DocumentOut,
    EligibilityOut,
    FaceCheckIn,
    ImportOut,
    InboxOut,
    MaterialOut,
    ProxyIn,
    ProxyOut,
    VersionIn,
)
from jiaoguan.business.service_request_schemas import ServiceRequestOut
from jiaoguan.kit.clock import today
from jiaoguan.kit.errors import NotFound
from jiaoguan.kit.i18n import current_locale
from jiaoguan.kit.web import Db, UnitOfWorkRoute, run_blocking

router = APIRouter(route_class=UnitOfWorkRoute, tags=["business"])
router.include_router(service_request_api.router)
CODE = r"^[a-z][a-z0-9_]{1,39}$"
NO_STORE = {"Cache-Control": "no-store"}


def _out(db: Db, app_id: int) -> ApplicationOut:
    app = access.get_application(db, app_id)
    return ApplicationOut.of(app, access.documents_of(db, app.id))


# --- catalogue ----------------------------------------------------------------------------------

@router.get("/business/catalogue", response_model=list[BusinessOut])
def catalogue(user: Anyone, db: Db) -> list[BusinessOut]:
    """Every business; signed in, whether it is offered online (and 容缺) in your province."""
    province = user.province_code if user else None
    return [BusinessOut.of(s, province) for s in store.all_specs(db)]


@router.get("/business/catalogue/{code}", response_model=BusinessOut)
def business(code: str, user: Anyone, db: Db) -> BusinessOut:
    return BusinessOut.of(store.get_spec(db, code), user.province_code if user else None)


@router.get("/business/catalogue/{code}/eligibility", response_model=EligibilityOut)
def eligibility(code: str, user: Citizen, db: Db, plate: str | None = None) -> EligibilityOut:
    """What you need and whether you qualify: every named check run against your records today."""
    spec = store.get_spec(db, code)
    subject = subject_for(db, spec, user.person_id, plate, user.province_code)
    checks = run_checks(db, spec, subject)
    locale = current_locale()
    return EligibilityOut(business=code, qualifies=all(c.ok for c in checks), checks=[CheckOut.of(c) for c in checks],
                          materials=[MaterialOut(code=m.code, name=m.name(locale), required=m.required,
                                                 original=m.original, later_allowed=m.later_allowed)
                                     for m in spec.materials])


@router.put("/business/catalogue/{code}", response_model=BusinessOut)
def edit_business(code: str, body: BusinessIn, user: Admin, db: Db) -> BusinessOut:
    """Replace one entry; validated like an import (problems listed in `errors`)."""
    return BusinessOut.of(store.update_business(db, code, body.model_dump()))


@router.get("/business/catalogue-export", response_class=Response,
            responses={200: {"description": "The catalogue file (the import's format)", "content": {
                "application/json": {"schema": {"type": "object", "properties": {
                    "format": {"type": "string"}, "businesses": {"type": "array", "items": {"type": "object"}}}}},
                "text/csv": {"schema": {"type": "string"}}}}})
def export(user: Admin, db: Db, fmt: Annotated[str, Query(alias="format", pattern="^(json|csv)$")] = "json",
           ) -> Response:
    specs = store.all_specs(db)
    if fmt == "csv":
        return Response(cat.to_csv(specs), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="business-catalogue.csv"'})
    return Response(cat.to_json(specs), media_type="application/json",
                    headers={"Content-Disposition": 'attachment; filename="business-catalogue.json"'})


@router.post("/business/catalogue-import", response_model=ImportOut)
async def import_catalogue(user: Admin, db: Db, file: Annotated[UploadFile, File()],
                           replace: Annotated[bool, Form()] = False) -> ImportOut:
    """A whole catalogue (JSON or CSV, by the file's name); nothing is saved if any row has a problem."""
    data = await file.read(2 * 1024 * 1024)
    is_csv = (file.filename or "").lower().endswith(".csv")

    def run() -> ImportOut:
        specs = cat.from_csv(data) if is_csv else cat.from_json(data)
        return ImportOut(**store.save_specs(db, specs, replace=replace))

    return await run_blocking(db, run)


# --- the citizen's applications -------------------------------------------------------------------

@router.post("/business/applications", status_code=201, response_model=ApplicationOut)
def create(body: ApplicationIn, user: Citizen, db: Db) -> ApplicationOut:
    """A draft: upload the materials, pass the face check where needed, then submit."""
    app = service.create_application(db, user, body.business, plate=body.plate, answers=body.answers,
                                     later=body.later, emergency=body.emergency,
                                     emergency_reason=body.emergency_reason, on_behalf_of=body.on_behalf_of,
                                     delivery_method=body.delivery_method, delivery_address=body.delivery_address)
    if body.submit:
        service.submit(db, user, app.id, expected_version=app.version)
    return ApplicationOut.of(app, [])  # made in this request: no document can be on it yet


@router.get("/business/applications", response_model=list[ApplicationOut])
def mine(user: Citizen, db: Db) -> list[ApplicationOut]:
    return [ApplicationOut.of(a) for a in access.my_applications(db, user)]


@router.get("/business/applications/{app_id}", response_model=ApplicationOut)
def one(app_id: int, user: CaseReader, db: Db) -> ApplicationOut:
    app = access.get_application(db, app_id)
    access.ensure_may_see(user, app)
    return _out(db, app.id)


@router.post("/business/applications/{app_id}/submit", response_model=ApplicationOut)
def submit(app_id: int, body: VersionIn, user: Citizen, db: Db) -> ApplicationOut:
    service.submit(db, user, app_id, expected_version=body.version)
    return _out(db, app_id)


@router.post("/business/applications/{app_id}/face-check", response_model=ApplicationOut)
def face_check(app_id: int, body: FaceCheckIn, user: Citizen, db: Db) -> ApplicationOut:
    identity.face_check(db, user, app_id, body.evidence)
    return _out(db, app_id)


@router.post("/business/applications/{app_id}/documents", status_code=201, response_model=DocumentOut)
async def upload(app_id: int, user: CaseReader, db: Db, material: Annotated[str, Form(pattern=CODE)],
                 file: Annotated[UploadFile, File()]) -> DocumentOut:
    """A material, checked by content (PDF, PNG or JPEG, at most 5 MB) and stored by its hash."""
    data = await file.read(documents.MAX_BYTES + 1)
    doc = await run_blocking(db, documents.upload, db, user, app_id, material, file.filename or "upload", data)
    return DocumentOut.of(doc)


@router.get("/business/documents/{doc_id}", response_class=Response,
            responses={200: {"content": {"application/pdf": {}, "image/png": {}, "image/jpeg": {}}}})
def document(doc_id: int, user: CaseReader, db: Db) -> Response:
    doc, data = documents.read(db, user, doc_id)
    return Response(data, media_type=doc.media_type, headers=NO_STORE)


@router.post("/business/applications/{app_id}/actions/{action}", response_model=ApplicationOut)
def act(app_id: int, action: str, body: ActionIn, user: CaseReader, db: Db) -> ApplicationOut:
    """Any transition of the application's workflow the caller's role may take from its state."""
    if action == "submit":
        service.submit(db, user, app_id, expected_version=body.version)
    else:
        service.act(db, user, app_id, action, expected_version=body.version, note=body.note, carrier=body.carrier,
                    tracking=body.tracking)
    return _out(db, app_id)


# --- seats and supervisors ----------------------------------------------------------------------

@router.get("/business/inbox", response_model=InboxOut)
def staff_inbox(user: Worker, db: Db, status: str = "", scope: Annotated[str, Query(
        pattern="^(mine|unassigned|all)$")] = "all", business: str = "", q: str = "",
        priority: Annotated[str, Query(pattern="^(|emergency|key_material)$")] = "", overdue: bool = False,
        after: Annotated[str, Query(pattern=r"^(|\d{1,2}\.\d{4}-\d{2}-\d{2}\.\d{1,19})$",
                                    description="The `next` of the page before (keyset pagination).")] = "",
        ) -> InboxOut:
    f = inbox.InboxFilter(status, scope, business, q, priority, overdue, inbox.parse_cursor(after) if after else None)
    found = inbox.inbox(db, user, f, limit=inbox.PAGE + 1)
    items = found[:inbox.PAGE]
    # The batch and door-to-door requests are 特事特办, called after the emergencies (the page shows them there).
    return InboxOut(counts=inbox.counts(db, user, scope if scope != "all" else ""),
                    items=[ApplicationOut.of(a) for a in items],
                    next=inbox.cursor_of(items[-1]) if len(found) > inbox.PAGE else None,
                    service_requests=[ServiceRequestOut.model_validate(r)
                                      for r in service_requests.open_requests(db, user)])


@router.post("/business/applications/{app_id}/claim", response_model=ApplicationOut)
def claim(app_id: int, user: Worker, db: Db) -> ApplicationOut:
    service.claim(db, user, app_id)
    return _out(db, app_id)


@router.post("/business/applications/{app_id}/assign", response_model=ApplicationOut)
def assign(app_id: int, body: AssignIn, user: Supervisor, db: Db) -> ApplicationOut:
    """专人专办: only a supervisor reassigns (a username, or none for the queue)."""
    target: Principal | None = None
    if body.username:
        target = principal_by_username(db, body.username)
        if target is None:
            raise NotFound()
    service.reassign(db, user, app_id, target)
    return _out(db, app_id)


@router.get("/business/board", response_model=list[inbox.BoardRow])  # the board's rows are the answer
def board(user: Supervisor, db: Db, on: dt.date | None = None) -> list[inbox.BoardRow]:
    return inbox.sla_board(db, user, on or today())


# --- proxies ------------------------------------------------------------------------------------

@router.get("/business/proxies", response_model=list[ProxyOut])
def my_proxies(user: Citizen, db: Db) -> list[ProxyOut]:
    """Authorisations you gave and those you hold."""
    given = proxies.given_by(db, user.id)
    held = proxies.held_by(db, user.id)
    return [ProxyOut.of(p) for p in [*given, *held]]


@router.post("/business/proxies", status_code=201, response_model=ProxyOut)
def authorise(body: ProxyIn, user: Citizen, db: Db) -> ProxyOut:
    return ProxyOut.of(proxies.authorise(db, user, proxy_username=body.proxy_username, relation=body.relation,
                                         businesses=body.businesses, expires_on=body.expires_on,
                                         consent=body.consent))


@router.post("/business/proxies/{proxy_id}/revoke", response_model=ProxyOut)
def revoke(proxy_id: int, user: Citizen, db: Db) -> ProxyOut:
    return ProxyOut.of(proxies.revoke(db, user, proxy_id))

