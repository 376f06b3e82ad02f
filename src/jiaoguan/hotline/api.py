"""Hotline JSON API, mounted under /api/v1: emergency cases (急事急办) and the hotline desk (专线服务电话)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from jiaoguan.accounts.roles import Role
from jiaoguan.hotline import emergency as cases
from jiaoguan.hotline import evidence
from jiaoguan.hotline.auth import CaseRegistrar, CaseViewer, CaseWorker
from jiaoguan.hotline.schemas import CaseActionIn, CaseOut
from jiaoguan.kit.web import Db, UnitOfWorkRoute

router = APIRouter(prefix="/hotline", route_class=UnitOfWorkRoute, tags=["hotline"])


@router.post("/emergency", status_code=201, response_model=CaseOut,
             summary="Register an emergency case (急事急办) with the unit's letter")
async def register_case(user: CaseRegistrar, db: Db, letter: Annotated[UploadFile, File()],
                        kind: Annotated[str, Form()], unit_name: Annotated[str, Form()],
                        business: Annotated[str, Form()], applicant_name: Annotated[str, Form()],
                        applicant_phone: Annotated[str, Form()], plate_no: Annotated[str, Form()] = "",
                        applicant_id_number: Annotated[str, Form()] = "",
                        office_code: Annotated[str, Form()] = "") -> CaseOut:
    data = await letter.read(evidence.MAX_BYTES + 1)
    raw = cases.CaseInput(kind=kind, unit_name=unit_name, business=business, applicant_name=applicant_name,
                          applicant_phone=applicant_phone, plate_no=plate_no,
                          applicant_id_number=applicant_id_number, office_code=office_code)

    def work() -> CaseOut:
        cases._check(raw)
        stored = evidence.store(data, letter.filename or "letter")
        return CaseOut.of(cases.register(db, user, raw, stored))

    return await run_in_threadpool(work)


@router.get("/emergency", response_model=list[CaseOut], summary="Open cases of my province, or my own cases")
def list_cases(user: CaseViewer, db: Db, all: bool = False) -> list[CaseOut]:  # noqa: A002 - the query's name
    rows = (cases.cases_of_citizen(db, user) if user.role == Role.citizen
            else cases.cases_for_staff(db, user, open_only=not all))
    return [CaseOut.of(c) for c in rows]


@router.get("/emergency/{case_id}", response_model=CaseOut, summary="One emergency case")
def get_case(case_id: int, user: CaseViewer, db: Db) -> CaseOut:
    return CaseOut.of(cases.get_case(db, case_id, user))


@router.get("/emergency/{case_id}/letter", response_class=Response,
            responses={200: {"content": {"application/pdf": {}, "image/png": {}, "image/jpeg": {}}}},
            summary="The unit's letter, as uploaded")
def case_letter(case_id: int, user: CaseViewer, db: Db) -> Response:
    case = cases.get_case(db, case_id, user)
    ext = case.evidence_media_type.rsplit("/", 1)[-1].replace("jpeg", "jpg")
    return Response(evidence.read(case.evidence_sha256, ext), media_type=case.evidence_media_type,
                    headers={"Content-Disposition": f'inline; filename="case-{case.id}.{ext}"',
                             "X-Content-Type-Options": "nosniff"})


@router.post("/emergency/{case_id}/actions", response_model=CaseOut,
             summary="accept, start, complete, refuse or reassign a case")
def act_on_case(case_id: int, body: CaseActionIn, user: CaseWorker, db: Db) -> CaseOut:
    return CaseOut.of(cases.act(db, case_id, user, body.action, expected_version=body.version,
                                 owner_user_id=body.owner_user_id, reason=body.reason))

