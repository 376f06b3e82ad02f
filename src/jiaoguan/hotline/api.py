"""Hotline JSON API, mounted under /api/v1: emergency cases (急事急办) and the hotline desk (专线服务电话)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Query, UploadFile
from fastapi.responses import Response

from jiaoguan.accounts.roles import Role
from jiaoguan.hotline import answers, appointments, callers, evidence, tickets
from jiaoguan.hotline import emergency as cases
from jiaoguan.hotline.auth import (
    Admin,
    AnswerReader,
    Caller,
    CaseRegistrar,
    CaseViewer,
    CaseWorker,
    Desk,
    SlaWatcher,
    TicketViewer,
)
from jiaoguan.hotline.models import HotlineTicket
from jiaoguan.hotline.schemas import (
    AnswerOut,
    BookedOut,
    BookIn,
    CallbackIn,
    CallbackOut,
    CallerOut,
    CaseActionIn,
    CaseOut,
    DeskSettingsIO,
    NoteIn,
    NoteOut,
    OfficeOut,
    OnlineApplicationIn,
    SlaRowOut,
    SlotOut,
    TicketActionIn,
    TicketDetailOut,
    TicketIn,
    TicketOut,
    WindowTicketIn,
)
from jiaoguan.hotline.settings import DeskSettings, configure, desk_settings
from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.web import Db, UnitOfWorkRoute, run_blocking

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

    return await run_blocking(db, work)


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
    body, headers = evidence.served(case.evidence_sha256, case.evidence_media_type, case.id)
    return Response(body, media_type=case.evidence_media_type, headers=headers)


@router.post("/emergency/{case_id}/actions", response_model=CaseOut,
             summary="accept, start, complete, refuse or reassign a case")
def act_on_case(case_id: int, body: CaseActionIn, user: CaseWorker, db: Db) -> CaseOut:
    return CaseOut.of(cases.act(db, case_id, user, body.action, expected_version=body.version,
                                 owner_user_id=body.owner_user_id, reason=body.reason))



# --- the hotline desk (专线服务电话) ---------------------------------------------------------------

def _out(db: Db, t: HotlineTicket) -> TicketOut:
    return TicketOut.of(t, tickets.sla_state(db, t).value)


@router.get("/callers", response_model=list[CallerOut], summary="Find a caller by mobile number, name or ID number")
def find_callers(user: Desk, db: Db, q: Annotated[str, Query(max_length=60)]) -> list[CallerOut]:
    return [CallerOut(**vars(c)) for c in callers.find_callers(db, user, q)]


@router.post("/tickets", status_code=201, response_model=TicketOut, summary="Open a ticket for a caller")
def open_ticket(body: TicketIn, user: Desk, db: Db) -> TicketOut:
    raw = tickets.TicketInput(type=body.type, subject=body.subject, caller_name=body.caller_name,
                              caller_phone=body.caller_phone, caller_person_id=body.caller_person_id)
    return _out(db, tickets.open_ticket(db, user, raw))


@router.get("/tickets", response_model=list[TicketOut], summary="Open tickets of my province, or my own calls")
def list_tickets(user: TicketViewer, db: Db, all: bool = False) -> list[TicketOut]:  # noqa: A002
    rows = (tickets.tickets_of_citizen(db, user) if user.role == Role.citizen
            else tickets.desk_tickets(db, user, open_only=not all))
    states = tickets.sla_states(db, rows)
    return [TicketOut.of(t, states[t.id].value) for t in rows]


@router.get("/tickets/{ticket_id}", response_model=TicketDetailOut, summary="A ticket with its answers and callbacks")
def get_ticket(ticket_id: int, user: TicketViewer, db: Db) -> TicketDetailOut:
    t = tickets.get_ticket(db, ticket_id, user)
    staff = user.role != Role.citizen
    return TicketDetailOut(ticket=_out(db, t), notes=[NoteOut.of(n) for n in tickets.notes_of(db, t.id)],
                           callbacks=[CallbackOut.of(c) for c in tickets.callbacks_of_ticket(db, t.id)] if staff
                           else [])


@router.post("/tickets/{ticket_id}/answers", status_code=201, response_model=NoteOut,
             summary="Record what the caller was told")
def answer_ticket(ticket_id: int, body: NoteIn, user: Desk, db: Db) -> NoteOut:
    return NoteOut.of(tickets.answer(db, ticket_id, user, body.body, body.answer_key))


@router.post("/tickets/{ticket_id}/actions", response_model=TicketOut,
             summary="wait on the caller (the clock stops), resume, or close")
def act_on_ticket(ticket_id: int, body: TicketActionIn, user: Desk, db: Db) -> TicketOut:
    if body.action == "wait":
        t = tickets.wait_on_caller(db, ticket_id, user, body.reason, expected_version=body.version)
    elif body.action == "resume":
        t = tickets.resume(db, ticket_id, user, expected_version=body.version)
    else:
        t = tickets.close(db, ticket_id, user, body.resolution, expected_version=body.version)
    return _out(db, t)


@router.post("/tickets/{ticket_id}/callbacks", status_code=201, response_model=CallbackOut,
             summary="Plan a callback to the caller")
def add_callback(ticket_id: int, body: CallbackIn, user: Desk, db: Db) -> CallbackOut:
    return CallbackOut.of(tickets.add_callback(db, ticket_id, user, body.due_at, body.note))


@router.get("/callbacks", response_model=list[CallbackOut], summary="My callbacks still to make")
def my_callbacks(user: Desk, db: Db) -> list[CallbackOut]:
    return [CallbackOut.of(c) for c in tickets.callbacks_of(db, user)]


@router.post("/callbacks/{callback_id}/done", response_model=CallbackOut, summary="Mark a callback made")
def callback_done(callback_id: int, user: Desk, db: Db) -> CallbackOut:
    return CallbackOut.of(tickets.complete_callback(db, callback_id, user))


@router.get("/answers", response_model=list[AnswerOut], summary="Search the reusable answers")
def search_answers(user: AnswerReader, db: Db, q: Annotated[str, Query(max_length=100)] = "") -> list[AnswerOut]:
    return [AnswerOut.of(a) for a in answers.search(db, q)]


@router.get("/sla", response_model=list[SlaRowOut], summary="SLA kept per kind of call (supervisors)")
def sla(user: SlaWatcher, db: Db, days: Annotated[int, Query(ge=1, le=366)] = 30) -> list[SlaRowOut]:
    since = utc_now() - dt.timedelta(days=days)
    return [SlaRowOut(type=r.type, closed=r.closed, kept=r.kept, kept_share=r.kept_share,
                      open_by_state=r.open_by_state) for r in tickets.sla_summary(db, user, since=since)]


# --- appointments: a slot booked for the caller through the halls room --------------------------

@router.get("/offices", response_model=list[OfficeOut], summary="The halls of my province, to book in")
def offices(user: Desk, db: Db) -> list[OfficeOut]:
    return [OfficeOut(id=o.id, code=o.code, name=o.name, name_en=o.name_en, address=o.address, phone=o.phone)
            for o in appointments.offices_for(db, user)]


@router.get("/slots", response_model=list[SlotOut], summary="Slots with places left on a day")
def slots(user: Desk, db: Db, office_id: int, business_group: Annotated[str, Query(max_length=20)],
          day: dt.date) -> list[SlotOut]:
    return [SlotOut(id=s.id, day=s.day, start=s.start, end=s.end, remaining=s.remaining, extended=s.extended,
                    weekend=s.weekend)
            for s in appointments.slots_for(db, office_id=office_id, business_group=business_group, day=day)]


@router.post("/tickets/{ticket_id}/booking", response_model=BookedOut,
             summary="Book a slot for the caller of an appointment ticket (the office's rules say whether a hotline "
                     "booking is exempt from the no-show ban)")
def book_for_caller(ticket_id: int, body: BookIn, user: Desk, db: Db) -> BookedOut:
    t, b = appointments.book_for_caller(db, ticket_id, user, body.slot_id)
    return BookedOut(ticket=_out(db, t), booking_id=b.id, hall_office_id=b.hall_office_id, day=b.day,
                     start=b.start, end=b.end, status=b.status, channel=b.channel, checkin_code=b.checkin_code)


@router.post("/emergency/{case_id}/window-ticket", response_model=CaseOut,
             summary="Give the applicant a ticket for the emergency window at a hall (halls room)")
def case_window_ticket(case_id: int, body: WindowTicketIn, user: CaseWorker, db: Db) -> CaseOut:
    return CaseOut.of(cases.issue_window_ticket(db, case_id, user, body.hall_office_id))


def _settings_out(s: DeskSettings) -> DeskSettingsIO:
    return DeskSettingsIO(province_code=s.province_code, opens=s.hours.opens, closes=s.hours.closes,
                          consultation_hours=s.ticket_hours["consultation"], help_hours=s.ticket_hours["help"],
                          appointment_hours=s.ticket_hours["appointment"], emergency_hours=s.emergency_hours)


PROVINCE = Annotated[str, Path(pattern=r"^\d{2}$")]


@router.get("/settings/{province_code}", response_model=DeskSettingsIO,
            summary="A province's desk hours and limits")
def get_settings(province_code: PROVINCE, user: SlaWatcher, db: Db) -> DeskSettingsIO:
    return _settings_out(desk_settings(db, province_code))


@router.put("/settings/{province_code}", response_model=DeskSettingsIO,
            summary="Set a province's desk hours and limits")
def put_settings(province_code: PROVINCE, body: DeskSettingsIO, user: Admin, db: Db) -> DeskSettingsIO:
    return _settings_out(configure(db, province_code, opens=body.opens, closes=body.closes, ticket_hours={
        "consultation": body.consultation_hours, "help": body.help_hours, "appointment": body.appointment_hours},
        emergency_hours=body.emergency_hours))


@router.post("/emergency/{case_id}/online-application", response_model=CaseOut,
             summary="The applicant applies online for the case's business, flagged emergency (business room)")
def case_online_application(case_id: int, body: OnlineApplicationIn, user: Caller, db: Db) -> CaseOut:
    return CaseOut.of(cases.apply_online(db, case_id, user, body.business_code))
