"""JSON API of the pass room (/api/v1): applications, review, passes, verification for scanner devices,
the trust bundle for offline checkpoints and the sync of offline scans."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated

from fastapi import APIRouter, File, Path, Query, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from jiaoguan.accounts.auth import Anyone, EnterpriseAgent
from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import Role
from jiaoguan.kit.clock import today
from jiaoguan.kit.web import Db, UnitOfWorkRoute, run_blocking
from jiaoguan.passes import credentials
from jiaoguan.passes.applications import service as apps
from jiaoguan.passes.applications.csv_batch import MAX_BYTES, submit_batch
from jiaoguan.passes.auth import CredentialChecker, CredentialHolder, FigureReader, Issuer, Officer, TrustReader, Viewer
from jiaoguan.passes.checkpoint import offline
from jiaoguan.passes.checkpoint import scans as cp
from jiaoguan.passes.checkpoint.figures import checkpoint_figures
from jiaoguan.passes.issuance import keystore
from jiaoguan.passes.issuance.issue import crew_of
from jiaoguan.passes.issuance.revocation import get_pass, revoke_pass
from jiaoguan.passes.qr.credential import CredentialContent
from jiaoguan.passes.schemas import (
    ApplicationIn,
    ApplicationOut,
    BatchReportOut,
    CredentialCheckOut,
    CredentialContentOut,
    CredentialOut,
    CredentialVerifyIn,
    FiguresOut,
    OfflineTrustOut,
    PassOut,
    RefuseIn,
    ReviewItemOut,
    RevokeIn,
    ScanBatchIn,
    SyncReportOut,
    VerifyIn,
    VerifyOut,
)

router = APIRouter(route_class=UnitOfWorkRoute, tags=["passes"])
PASS_NO = r"^\d{12}$"
NO_STORE = {"Cache-Control": "no-store"}


def _application(db: Session, app_id: int, user: Principal) -> ApplicationOut:
    app = apps.get_application(db, app_id)
    apps.ensure_may_see(db, user, app)
    pass_row = apps.passes_by_application(db, [app.id]).get(app.id)
    return ApplicationOut.of(app, crew_of(db, app.id), pass_row)


@router.post("/passes/applications", status_code=201, response_model=ApplicationOut)
def create_application(body: ApplicationIn, user: EnterpriseAgent, db: Db) -> ApplicationOut:
    """Apply for one pass. Every field problem is listed in `errors`; an overlapping pass gives 409."""
    app = apps.submit_application(db, user, body.to_input())
    return _application(db, app.id, user)


@router.post("/passes/applications/batch", response_model=BatchReportOut,
             responses={422: {"model": BatchReportOut, "description": "No row could be read: the file's problems"}})
async def upload_batch(response: Response, user: EnterpriseAgent, db: Db,
                       file: Annotated[UploadFile, File()]) -> BatchReportOut:
    """CSV batch: good rows become applications, bad rows are reported by line and column."""
    data = await file.read(MAX_BYTES + 1)
    report = await run_blocking(db, submit_batch, db, user, file.filename or "upload.csv", data)
    response.status_code = 200 if report.batch.rows_total else 422
    return BatchReportOut.model_validate(report.to_json())


@router.get("/passes/applications", response_model=list[ApplicationOut])
def list_applications(user: EnterpriseAgent, db: Db) -> list[ApplicationOut]:
    enterprise = apps.enterprise_of_agent(db, user)
    rows = apps.enterprise_applications(db, enterprise.id)
    passes = apps.passes_by_application(db, [a.id for a in rows])
    return [ApplicationOut.of(a, crew_of(db, a.id), passes.get(a.id)) for a in rows]


@router.get("/passes/applications/{app_id}", response_model=ApplicationOut)
def read_application(app_id: int, user: Viewer, db: Db) -> ApplicationOut:
    return _application(db, app_id, user)


@router.post("/passes/applications/{app_id}/withdraw", response_model=ApplicationOut)
def withdraw_application(app_id: int, user: EnterpriseAgent, db: Db) -> ApplicationOut:
    apps.withdraw(db, app_id, user)
    return _application(db, app_id, user)


@router.get("/passes/review-queue", response_model=list[ReviewItemOut])
def review_queue(user: Issuer, db: Db) -> list[ReviewItemOut]:
    return [ReviewItemOut(**ApplicationOut.of(app, crew_of(db, app.id), None).model_dump(),
                          working_days_left=apps.working_days_left(db, app)) for app in apps.review_queue(db, user)]


@router.post("/passes/applications/{app_id}/approve", response_model=PassOut)
def approve_application(app_id: int, user: Issuer, db: Db) -> PassOut:
    return PassOut.of(apps.approve(db, app_id, user))


@router.post("/passes/applications/{app_id}/refuse", response_model=ApplicationOut)
def refuse_application(app_id: int, body: RefuseIn, user: Issuer, db: Db) -> ApplicationOut:
    apps.refuse(db, app_id, user, body.reason, body.note)
    return _application(db, app_id, user)


@router.get("/passes/trust-bundle", response_class=Response, responses={200: {
    "content": {"application/cose": {}}, "description": "The trust bundle, a COSE_Sign1 by the national root "
                                                         "(its kid in X-Root-Kid)"}})
def trust_bundle(_: Anyone, db: Db,
                 max_age_hours: Annotated[int, Query(ge=1, le=336)] = 24) -> Response:
    """The trust bundle (COSE_Sign1 by the national root): signing certificates, revoked keys and passes."""
    data = keystore.trust_bundle(db, max_age=dt.timedelta(hours=max_age_hours))
    root = keystore.require_root(db)
    return Response(data, media_type="application/cose", headers={
        **NO_STORE, "X-Root-Kid": root.kid, "Content-Disposition": 'attachment; filename="jiaoguan-trust-bundle.cose"'})


@router.get("/passes/offline-trust", response_model=OfflineTrustOut)
def offline_trust(response: Response, _: TrustReader, db: Db,
                  max_age_hours: Annotated[int, Query(ge=1, le=336)] = 24) -> OfflineTrustOut:
    """The trust bundle opened for the checkpoint page's offline verifier: signers (kid, SPKI, validity),
    revoked kids and pass hashes, when it was issued and how long it may be relied on."""
    response.headers.update(NO_STORE)
    return OfflineTrustOut.model_validate(offline.offline_trust(db, max_age=dt.timedelta(hours=max_age_hours)))


@router.get("/passes/trust-root", response_class=Response, responses={200: {
    "content": {"application/x-pem-file": {}}, "description": "The national root certificate (PEM)"}})
def trust_root(_: Anyone, db: Db) -> Response:
    """The national root certificate (PEM) that a checkpoint pins to open the trust bundle."""
    return Response(keystore.require_root(db).certificate_pem, media_type="application/x-pem-file")


@router.post("/passes/verify", response_model=VerifyOut)
def verify_pass(body: VerifyIn, user: Officer, db: Db) -> VerifyOut:
    """Online verification for scanner devices: the offline checks plus the issuer's register; logged.

    A request with a device token is answered by the scanner's lane (passes/lane.py) before it reaches this
    route; both run `verify_for_device`."""
    return verify_for_device(db, user, body)


def verify_for_device(db: Session, user: Principal, body: VerifyIn,
                      checkpoint: cp.CheckpointRef | None = None) -> VerifyOut:
    """`checkpoint`: the body's checkpoint, when the caller read it already (the lane, with the device token)."""
    if checkpoint is None:
        checkpoint = cp.checkpoint_ref_for(db, user, body.checkpoint)
    result = cp.verify_online(db, body.qr, checkpoint=checkpoint, lane=body.lane, officer=user, plate=body.plate,
                              check_ms=body.check_ms, scan_uid=body.scan_id, with_application=False)
    return VerifyOut.model_validate(result.to_json())


@router.post("/checkpoint/scans", response_model=SyncReportOut)
def sync_scans(body: ScanBatchIn, user: Officer, db: Db) -> SyncReportOut:
    """Scans made offline, sent later; a scan id already received is counted as a duplicate, not stored twice."""
    report = cp.record_offline_scans(db, user, [
        cp.OfflineScan(scan_uid=s.scan_id, checkpoint=s.checkpoint, lane=s.lane, scanned_at=s.scanned_at,
                       valid=s.valid, reason=s.reason, plate=s.plate, pass_no=s.pass_no, check_ms=s.check_ms)
        for s in body.scans])
    return SyncReportOut.model_validate(report.to_json())


@router.get("/checkpoint/figures", response_model=FiguresOut)
def figures(user: FigureReader, db: Db, checkpoint: str, day: dt.date | None = None) -> FiguresOut:
    row = cp.get_checkpoint(db, checkpoint)
    if user.role == Role.checkpoint_officer and user.province_code and user.province_code != row.province_code:
        raise cp.OtherProvinceCheckpoint()
    return FiguresOut.model_validate(checkpoint_figures(db, row, day or today()).to_json())


@router.get("/passes/{pass_no}", response_model=PassOut)
def read_pass(pass_no: Annotated[str, Path(pattern=PASS_NO)], user: Viewer, db: Db) -> PassOut:
    p = get_pass(db, pass_no)
    apps.ensure_may_see_pass(user, p)
    return PassOut.of(p)


@router.post("/passes/{pass_no}/revoke", response_model=PassOut)
def revoke(pass_no: Annotated[str, Path(pattern=PASS_NO)], body: RevokeIn, user: Issuer, db: Db) -> PassOut:
    return PassOut.of(revoke_pass(db, pass_no, user, body.reason))


def _credential_content(content: CredentialContent | None) -> CredentialContentOut | None:
    return CredentialContentOut(**dataclasses.asdict(content)) if content is not None else None


@router.get("/credentials/{document_id}", response_model=CredentialOut,
            summary="A register document's signed QR (electronic licence, learner-permit proof)")
def get_credential(document_id: Annotated[int, Path(ge=1)], user: CredentialHolder, db: Db) -> CredentialOut:
    found = credentials.credential(db, user, document_id)
    content = _credential_content(found.content)
    assert content is not None
    return CredentialOut(document_id=found.document.id, qr=found.qr_text, content=content)


@router.post("/credentials/verify", response_model=CredentialCheckOut, summary="Check a register credential's QR")
def verify_credential(body: CredentialVerifyIn, user: CredentialChecker, db: Db) -> CredentialCheckOut:
    checked = credentials.check_credential(db, body.qr)
    return CredentialCheckOut(valid=checked.valid, reason=checked.reason, message=checked.message,
                              content=_credential_content(checked.content))
