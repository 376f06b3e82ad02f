"""The hotline desk's pages (专线服务电话): find the caller, open a ticket, answer, wait on the caller, close,
plan callbacks; the reusable answers; the supervisor's SLA view; the citizen's own calls and cases."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from jiaoguan.hotline import answers, appointments, callers, tickets
from jiaoguan.hotline import emergency as cases
from jiaoguan.hotline.auth import Admin, AnswerReader, Caller, Desk, SlaWatcher
from jiaoguan.hotline.settings import configure, desk_settings
from jiaoguan.hotline.states import TICKET
from jiaoguan.hotline.web.common import page
from jiaoguan.kit.clock import today, utc_now
from jiaoguan.kit.errors import JiaoguanError
from jiaoguan.kit.ids.masking import mask_id_number
from jiaoguan.kit.web import Db, UnitOfWorkRoute

router = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)


def _desk(request: Request, user: Desk, db: Db, *, q: str = "", error: str = "", status_code: int = 200,
          form: dict[str, str] | None = None) -> Response:
    found = callers.find_callers(db, user, q) if q.strip() else []
    rows = tickets.desk_tickets(db, user)
    now = utc_now()
    shown = mask_id_number(q.strip()) if callers.how_asked(q) == "id_number" else q  # never echoed in full
    return page(request, user, "hotline/desk.html", q=shown, found=found, searched=bool(q.strip()), rows=rows,
                sla={i: state.value for i, state in tickets.sla_states(db, rows, now).items()}, error=error,
                form=form or {}, status_code=status_code)


@router.get("/hotline/desk")
def desk(request: Request, user: Desk, db: Db) -> Response:
    return _desk(request, user, db)


@router.post("/hotline/desk")
def desk_search(request: Request, user: Desk, db: Db, q: Annotated[str, Form()] = "") -> Response:
    """Searched by POST: an ID number typed at the desk never lands in a URL (links, logs, history)."""
    return _desk(request, user, db, q=q[:60])


@router.post("/hotline/tickets")
def open_ticket(request: Request, user: Desk, db: Db, type: Annotated[str, Form()],  # noqa: A002
                subject: Annotated[str, Form()] = "", caller_person_id: Annotated[str, Form()] = "",
                caller_name: Annotated[str, Form()] = "", caller_phone: Annotated[str, Form()] = "") -> Response:
    raw = tickets.TicketInput(type=type, subject=subject, caller_name=caller_name, caller_phone=caller_phone,
                              caller_person_id=int(caller_person_id) if caller_person_id.isdigit() else None)
    try:
        t = tickets.open_ticket(db, user, raw)
    except JiaoguanError as exc:
        return _desk(request, user, db, error=exc.text(), status_code=422,
                     form={"type": type, "subject": subject, "caller_name": caller_name, "caller_phone": caller_phone})
    return RedirectResponse(f"/hotline/tickets/{t.id}", status_code=303)


@router.get("/hotline/tickets/{ticket_id}")
def ticket_page(request: Request, ticket_id: int, user: Desk, db: Db, q: str = "", error: str = "",
                office: int | None = None, group: str = "", day: str = "") -> Response:
    t = tickets.get_ticket(db, ticket_id, user)
    found = answers.search(db, q) if q.strip() else []
    person = callers.caller(db, t.caller_person_id) if t.caller_person_id else None
    booking: dict[str, object] = {}
    if t.type == "appointment" and t.status != "closed" and t.caller_person_id is not None:
        try:
            chosen_day = dt.date.fromisoformat(day) if day else today() + dt.timedelta(days=1)
        except ValueError:
            chosen_day = today() + dt.timedelta(days=1)
        halls = appointments.offices_for(db, user)
        chosen = office if office is not None else (halls[0].id if halls else None)
        chosen_group = group if group in appointments.BUSINESS_GROUPS else "licence"
        open_slots = (appointments.slots_for(db, office_id=chosen, business_group=chosen_group, day=chosen_day)
                      if chosen is not None and any(h.id == chosen for h in halls) else [])
        chosen_hall = next((h for h in halls if h.id == chosen), None)
        booking = {"halls": halls, "office": chosen, "group": chosen_group, "day": chosen_day.isoformat(),
                   "slots": open_slots, "groups": appointments.BUSINESS_GROUPS, "chosen": chosen_hall,
                   "no_show": appointments.office_no_show_note(db, chosen_hall.id) if chosen_hall else None}
    return page(request, user, "hotline/ticket.html", t=t, person=person, notes=tickets.notes_of(db, t.id),
                callbacks=tickets.callbacks_of_ticket(db, t.id), sla_state=tickets.sla_state(db, t).value,
                actions=[a.action for a in TICKET.actions(t.status, user.role)], q=q, found=found, error=error,
                booking=booking)


@router.post("/hotline/tickets/{ticket_id}/book")
def book(ticket_id: int, user: Desk, db: Db, slot_id: Annotated[int, Form()]) -> Response:
    t, b = appointments.book_for_caller(db, ticket_id, user, slot_id)
    tickets.answer(db, t.id, user, f"{b.day} {b.start}–{b.end} · #{b.id} · {b.checkin_code}", None)
    return RedirectResponse(f"/hotline/tickets/{ticket_id}", status_code=303)


@router.post("/hotline/tickets/{ticket_id}/answer")
def answer(ticket_id: int, user: Desk, db: Db, body: Annotated[str, Form()] = "",
           answer_key: Annotated[str, Form()] = "") -> Response:
    text = body
    if answer_key and not text.strip():
        known = answers.get(db, answer_key)
        text = known.answer_zh if known is not None else ""
    tickets.answer(db, ticket_id, user, text, answer_key or None)
    return RedirectResponse(f"/hotline/tickets/{ticket_id}", status_code=303)


@router.post("/hotline/tickets/{ticket_id}/wait")
def wait(ticket_id: int, user: Desk, db: Db, version: Annotated[int, Form()],
         reason: Annotated[str, Form()] = "") -> Response:
    tickets.wait_on_caller(db, ticket_id, user, reason, expected_version=version)
    return RedirectResponse(f"/hotline/tickets/{ticket_id}", status_code=303)


@router.post("/hotline/tickets/{ticket_id}/resume")
def resume(ticket_id: int, user: Desk, db: Db, version: Annotated[int, Form()]) -> Response:
    tickets.resume(db, ticket_id, user, expected_version=version)
    return RedirectResponse(f"/hotline/tickets/{ticket_id}", status_code=303)


@router.post("/hotline/tickets/{ticket_id}/close")
def close(ticket_id: int, user: Desk, db: Db, version: Annotated[int, Form()],
          resolution: Annotated[str, Form()] = "") -> Response:
    tickets.close(db, ticket_id, user, resolution, expected_version=version)
    return RedirectResponse(f"/hotline/tickets/{ticket_id}", status_code=303)


@router.post("/hotline/tickets/{ticket_id}/callbacks")
def add_callback(ticket_id: int, user: Desk, db: Db, due: Annotated[str, Form()],
                 note: Annotated[str, Form()] = "") -> Response:
    try:
        when = dt.datetime.fromisoformat(due)
    except ValueError:
        return RedirectResponse(f"/hotline/tickets/{ticket_id}?error=due", status_code=303)
    tickets.add_callback(db, ticket_id, user, when, note)
    return RedirectResponse(f"/hotline/tickets/{ticket_id}", status_code=303)


@router.get("/hotline/callbacks")
def callback_list(request: Request, user: Desk, db: Db) -> Response:
    rows = tickets.callbacks_of(db, user)
    return page(request, user, "hotline/callbacks.html", rows=rows, now=utc_now())


@router.post("/hotline/callbacks/{callback_id}/done")
def callback_done(callback_id: int, user: Desk, db: Db) -> Response:
    tickets.complete_callback(db, callback_id, user)
    return RedirectResponse("/hotline/callbacks", status_code=303)


@router.get("/hotline/answers")
def answer_list(request: Request, user: AnswerReader, db: Db, q: str = "") -> Response:
    return page(request, user, "hotline/answers.html", q=q, rows=answers.search(db, q[:100]))


@router.get("/hotline/sla")
def sla(request: Request, user: SlaWatcher, db: Db, days: int = 30) -> Response:
    days = min(max(days, 1), 366)
    rows = tickets.sla_summary(db, user, since=utc_now() - dt.timedelta(days=days))
    province = user.province_code or tickets.DEFAULT_PROVINCE
    return page(request, user, "hotline/sla.html", rows=rows, days=days, desk=desk_settings(db, province),
                cases=cases.cases_for_staff(db, user, open_only=True))


@router.post("/hotline/settings")
def save_settings(user: Admin, db: Db, province: Annotated[str, Form(pattern=r"^\d{2}$")],
                  opens: Annotated[dt.time, Form()], closes: Annotated[dt.time, Form()],
                  consultation: Annotated[float, Form(gt=0)], help: Annotated[float, Form(gt=0)],  # noqa: A002
                  appointment: Annotated[float, Form(gt=0)], emergency: Annotated[float, Form(gt=0)]) -> Response:
    configure(db, province, opens=opens, closes=closes, emergency_hours=emergency,
              ticket_hours={"consultation": consultation, "help": help, "appointment": appointment})
    return RedirectResponse("/hotline/sla", status_code=303)


@router.get("/hotline/mine")
def mine(request: Request, user: Caller, db: Db) -> Response:
    mine_tickets = tickets.tickets_of_citizen(db, user)
    return page(request, user, "hotline/mine.html", tickets=mine_tickets, cases=cases.cases_of_citizen(db, user))
