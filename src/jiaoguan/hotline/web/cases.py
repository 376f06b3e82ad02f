"""The emergency-case pages (急事急办): the staff's list, registration with the unit's letter, one case with the
actions its state and the viewer's role allow, the supervisor's reassignment."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from jiaoguan.accounts.roles import Role
from jiaoguan.halls.offices import hall_offices
from jiaoguan.hotline import emergency as cases
from jiaoguan.hotline import evidence
from jiaoguan.hotline.auth import Caller, CaseRegistrar, CaseViewer, CaseWorker
from jiaoguan.hotline.states import EMERGENCY, REASSIGNERS
from jiaoguan.hotline.web.common import page
from jiaoguan.kit.errors import JiaoguanError
from jiaoguan.kit.web import Db, UnitOfWorkRoute, run_blocking

router = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
FIELDS = ("kind", "unit_name", "business", "plate_no", "applicant_name", "applicant_phone", "applicant_id_number",
          "office_code")


@router.get("/hotline/emergency")
def case_list(request: Request, user: CaseViewer, db: Db, all: bool = False) -> Response:  # noqa: A002
    if user.role == Role.citizen:
        return RedirectResponse("/hotline/mine", status_code=303)
    rows = cases.cases_for_staff(db, user, open_only=not all)
    return page(request, user, "hotline/cases.html", rows=rows, show_all=all)


def _form_page(request: Request, user: CaseRegistrar, values: dict[str, str], error: str = "",
               field: str | None = None, status_code: int = 200) -> Response:
    return page(request, user, "hotline/case_new.html", values=values, error=error, field=field,
                status_code=status_code)


@router.get("/hotline/emergency/new")
def case_form(request: Request, user: CaseRegistrar) -> Response:
    values = dict.fromkeys(FIELDS, "")
    if user.role == Role.citizen:
        values |= {"applicant_name": user.display_name, "applicant_phone": user.phone or ""}
    return _form_page(request, user, values)


@router.post("/hotline/emergency/new")
async def case_register(request: Request, user: CaseRegistrar, db: Db,
                        letter: Annotated[UploadFile | None, File()] = None) -> Response:
    form = await request.form()
    values = {k: str(form.get(k, "")) for k in FIELDS}
    data = await letter.read(evidence.MAX_BYTES + 1) if letter is not None else b""
    filename = letter.filename if letter is not None and letter.filename else "letter"

    def work() -> Response:
        raw = cases.CaseInput(**values)
        try:
            cases._check(raw)
            case = cases.register(db, user, raw, evidence.store(data, filename))
        except JiaoguanError as exc:
            return _form_page(request, user, values, exc.text(), exc.field, 422)
        return RedirectResponse(f"/hotline/emergency/{case.id}?notice=registered", status_code=303)

    return await run_blocking(db, work)


@router.get("/hotline/emergency/{case_id}")
def case_detail(request: Request, case_id: int, user: CaseViewer, db: Db, notice: str = "") -> Response:
    case = cases.get_case(db, case_id, user)
    actions = [t.action for t in EMERGENCY.actions(case.status, user.role)]
    if user.role == Role.window_clerk and case.owner_user_id not in (None, user.id):
        actions = []  # 专人专办: another clerk's case is read-only here
    staff = cases.clerks(db, case.province_code) if user.role != Role.citizen else []
    names = {c.id: c.display_name for c in staff}
    may_reassign = user.role in REASSIGNERS and case.status in ("accepted", "in_service")
    may_ticket = case.status in ("accepted", "in_service") and (
        user.role == Role.supervisor or (user.role == Role.window_clerk and case.owner_user_id == user.id))
    halls = hall_offices(db, case.province_code) if may_ticket else []
    online = (cases.online_businesses(db, case.province_code)
              if user.role == Role.citizen and case.applicant_user_id == user.id and not case.business_ref
              and case.status in ("registered", "accepted", "in_service") else [])
    return page(request, user, "hotline/case.html", case=case, actions=actions, clerks=staff, names=names,
                may_reassign=may_reassign, notice=notice, halls=halls, online=online,
                window_ticket=cases.window_ticket_number(case))


@router.post("/hotline/emergency/{case_id}/window-ticket")
def case_window_ticket(case_id: int, user: CaseWorker, db: Db, office: Annotated[int, Form()]) -> Response:
    cases.issue_window_ticket(db, case_id, user, office)
    return RedirectResponse(f"/hotline/emergency/{case_id}?notice=ticket", status_code=303)


@router.get("/hotline/emergency/{case_id}/letter")
def case_letter(case_id: int, user: CaseViewer, db: Db) -> Response:
    case = cases.get_case(db, case_id, user)
    body, headers = evidence.served(case.evidence_sha256, case.evidence_media_type, case.id)
    return Response(body, media_type=case.evidence_media_type, headers=headers)


@router.post("/hotline/emergency/{case_id}/online-application")
def case_online_application(case_id: int, user: Caller, db: Db, business: Annotated[str, Form()]) -> Response:
    case = cases.apply_online(db, case_id, user, business)
    return RedirectResponse(f"/business/applications/{case.business_ref}", status_code=303)


# Last: the named routes above must match before this one takes any action's name.
@router.post("/hotline/emergency/{case_id}/{action}")
def case_action(case_id: int, action: str, user: CaseWorker, db: Db, version: Annotated[int, Form()],
                owner: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = "") -> Response:
    cases.act(db, case_id, user, action, expected_version=version,
              owner_user_id=int(owner) if owner.isdigit() else None, reason=reason)
    return RedirectResponse(f"/hotline/emergency/{case_id}?notice={action}", status_code=303)
