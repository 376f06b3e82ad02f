"""The halls room's pages: the citizen's booking flow and appointments, the kiosk, the display board, the
clerk's window console, the supervisor's hall view and the admin's schedule editor."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from jiaoguan.accounts.auth import Anyone
from jiaoguan.accounts.principal import Principal
from jiaoguan.halls import allocation, booking, offices, proxy, queue, rules, slots
from jiaoguan.halls.auth import Booker, Clerk, HallSupervisor, ScheduleAdmin
from jiaoguan.halls.errors import InvalidRules, InvalidSchedule, NotFoundHere
from jiaoguan.halls.offices import HallOfficeView
from jiaoguan.halls.people import person_by_id_number, who_and_how
from jiaoguan.halls.qr import code_from_scan
from jiaoguan.halls.schedule import HOURS_KINDS, HoursRule, hhmm, parse_hhmm
from jiaoguan.halls.states import BOOKING, TICKET
from jiaoguan.halls.vocab import (
    ALLOCATIONS,
    CHANNELS,
    GROUPS,
    HOURS_KIND_NAMES,
    KIOSK_GROUPS,
    LANES,
    WEEKDAYS,
    diversion_hint,
)
from jiaoguan.kit.clock import today
from jiaoguan.kit.errors import JiaoguanError
from jiaoguan.kit.i18n import current_locale, translate
from jiaoguan.kit.web import Db, UnitOfWorkRoute, render, run_blocking

router = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)


def page(request: Request, user: Principal | None, template: str, **ctx: Any) -> Response:
    return render(request, template, {"user": user, "groups": GROUPS, "lanes": LANES, "channels": CHANNELS,
                                      "booking_labels": BOOKING.labels, "ticket_labels": TICKET.labels,
                                      "hint": diversion_hint, "weekdays": WEEKDAYS, "hhmm": hhmm, **ctx})


def _minutes(text: str) -> int:
    try:
        return parse_hhmm(text)
    except ValueError:
        raise InvalidSchedule(problem=text) from None


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        raise InvalidSchedule(problem=text) from None


def _office_for(db: Db, user: Principal, office_id: int | None) -> HallOfficeView | None:
    """The staff member's own hall, or the one chosen (supervisors and admins, within their province)."""
    if office_id is not None:
        chosen = offices.hall_office(db, office_id)
        if user.role in ("window_clerk",) and offices.hall_office_for_staff(db, user.office_id) != chosen:
            raise NotFoundHere()
        if user.province_code and user.role != "admin" and chosen.province_code != user.province_code:
            raise NotFoundHere()
        return chosen
    own = offices.hall_office_for_staff(db, user.office_id)
    if own is not None:
        return own
    found = offices.hall_offices(db, user.province_code if user.role != "admin" else None)
    return found[0] if found else None


# --- the citizen's booking flow -------------------------------------------------------------------------------

@router.get("/halls/book")
def book_page(request: Request, user: Booker, db: Db, office: int | None = None, group: str = "",
              day: dt.date | None = None, error: str = "") -> Response:
    all_offices = offices.hall_offices(db)
    days = [today() + dt.timedelta(days=i) for i in range(0, 15)]
    free = booking.open_slots(db, office_id=office, business_group=group, day=day) if office and group and day else []
    fair = None
    if office and group == "exam" and day:
        try:
            fair = allocation.day_allocation(db, office, group, day)
        except JiaoguanError:
            fair = None
    acting = [a for a in proxy.acting_for(db, user) if group in a.groups] if user.role == "citizen" and group else []
    return page(request, user, "halls/book.html", offices=all_offices, office=office, group=group, day=day,
                acting=acting,
                days=days, slots=free, key=secrets.token_urlsafe(16), error=error, fair=fair,
                chosen=offices.hall_office(db, office) if office else None)


@router.post("/halls/book")
def book_hold(user: Booker, db: Db, slot_id: Annotated[int, Form()], key: Annotated[str, Form()],
              id_number: Annotated[str, Form()] = "", on_behalf_of: Annotated[str, Form()] = "") -> Response:
    person_id, channel = who_and_how(db, user, id_number or None, slot_id=slot_id,
                                     on_behalf_of=int(on_behalf_of) if on_behalf_of.isdigit() else None)
    held = booking.book(db, slot_id=slot_id, person_id=person_id, actor=user, channel=channel, idempotency_key=key,
                        hold=True)
    return RedirectResponse(f"/halls/bookings/{held.id}", status_code=303)


@router.post("/halls/place-request")
def place_request(user: Booker, db: Db, office: Annotated[int, Form()], day: Annotated[dt.date, Form()],
                  accepted_on: Annotated[dt.date, Form()]) -> Response:
    person_id, channel = who_and_how(db, user, None, business_group="exam")
    allocation.request_place(db, office_id=office, business_group="exam", day=day, person_id=person_id,
                             accepted_on=accepted_on, actor=user, channel=channel)
    return RedirectResponse(f"/halls/book?office={office}&group=exam&day={day}", status_code=303)


@router.get("/halls/bookings/{booking_id}")
def booking_page(request: Request, booking_id: int, user: Booker, db: Db) -> Response:
    b = booking.get_booking(db, booking_id)
    booking.ensure_may_see(user, b)
    v = booking.view(b)
    return page(request, user, "halls/booking.html", b=v, proxy_name=booking.proxy_names(db, [v]).get(v.id, ""),
                office=offices.hall_office(db, b.hall_office_id))


@router.post("/halls/bookings/{booking_id}/confirm")
def booking_confirm(booking_id: int, user: Booker, db: Db) -> Response:
    booking.confirm(db, booking_id, actor=user)
    return RedirectResponse(f"/halls/bookings/{booking_id}", status_code=303)


@router.post("/halls/bookings/{booking_id}/cancel")
def booking_cancel(booking_id: int, user: Booker, db: Db) -> Response:
    booking.cancel(db, booking_id, actor=user)
    return RedirectResponse("/halls/mine", status_code=303)


@router.get("/halls/mine")
def my_bookings(request: Request, user: Booker, db: Db) -> Response:
    rows = booking.bookings_of_person(db, user.person_id, booked_by=user.id) if user.person_id else []
    names = {o.id: o.name for o in offices.hall_offices(db)}
    return page(request, user, "halls/mine.html", rows=rows, names=names, proxies=booking.proxy_names(db, rows))


# --- the kiosk (自助终端) and the display board -------------------------------------------------------------------

@router.get("/halls/kiosk/{office_id}")
def kiosk(request: Request, office_id: int, user: Anyone, db: Db, error: str = "") -> Response:
    return page(request, user, "halls/kiosk.html", office=offices.hall_office(db, office_id), error=error,
                kiosk_groups=KIOSK_GROUPS)


@router.post("/halls/kiosk/{office_id}/checkin")
def kiosk_checkin(office_id: int, user: Anyone, db: Db, code: Annotated[str, Form()] = "") -> Response:
    ticket = queue.check_in(db, code=code_from_scan(code))
    return RedirectResponse(f"/halls/kiosk/{office_id}/tickets/{ticket.id}", status_code=303)


@router.post("/halls/kiosk/{office_id}/ticket")
def kiosk_ticket(office_id: int, user: Anyone, db: Db, group: Annotated[str, Form()],
                 id_number: Annotated[str, Form()] = "", plate_no: Annotated[str, Form()] = "",
                 assisted: Annotated[str, Form()] = "") -> Response:
    person_id = person_by_id_number(db, id_number) if id_number.strip() else None
    ticket = queue.walk_in(db, office_id=office_id, business_group=group, source="kiosk", person_id=person_id,
                           plate_no=plate_no, assisted=bool(assisted))
    return RedirectResponse(f"/halls/kiosk/{office_id}/tickets/{ticket.id}", status_code=303)


@router.get("/halls/kiosk/{office_id}/tickets/{ticket_id}")
def kiosk_ticket_page(request: Request, office_id: int, ticket_id: int, user: Anyone, db: Db) -> Response:
    t = queue.get_ticket(db, ticket_id)
    if t.hall_office_id != office_id:
        raise NotFoundHere()
    return page(request, user, "halls/ticket.html", office=offices.hall_office(db, office_id),
                t=queue.ticket_view(db, t))


@router.get("/halls/board/{office_id}")
def board_page(request: Request, office_id: int, user: Anyone, db: Db) -> Response:
    names = {code: translate(name) for code, name in LANES.items()}
    return page(request, user, "halls/board.html", office=offices.hall_office(db, office_id),
                board=queue.board(db, office_id), lanes_json=json.dumps(names, ensure_ascii=False))


# --- the clerk's window console -------------------------------------------------------------------------------

@router.get("/halls/console")
def console(request: Request, user: Clerk, db: Db, office: int | None = None, window: int | None = None,
            notice: str = "") -> Response:
    hall = _office_for(db, user, office)
    states = queue.window_states(db, hall.id) if hall else []
    current = next((w for w in states if w.id == window), None)
    waiting = queue.ticket_views(db, queue.waiting_tickets(db, hall.id)) if hall else []
    return page(request, user, "halls/console.html", hall=hall, windows=states, current=current, waiting=waiting,
                notice=notice)


@router.post("/halls/console/{window_id}/call")
def console_call(window_id: int, user: Clerk, db: Db) -> Response:
    _own_window(db, user, window_id)
    called = queue.call_next(db, window_id)
    return RedirectResponse(f"/halls/console?window={window_id}&notice=called-{called.number}", status_code=303)


@router.post("/halls/console/{window_id}/tickets/{ticket_id}")
def console_action(window_id: int, ticket_id: int, user: Clerk, db: Db, action: Annotated[str, Form()],
                   to_window: Annotated[int | None, Form()] = None) -> Response:
    _own_window(db, user, window_id)
    if action == "transfer" and to_window is not None:
        queue.transfer(db, ticket_id, to_window)
    elif action == "recall":
        queue.recall(db, ticket_id)
    elif action in ("start", "complete", "no_show", "requeue"):
        getattr(queue, action)(db, ticket_id)
    else:
        raise NotFoundHere()
    return RedirectResponse(f"/halls/console?window={window_id}&notice={action}", status_code=303)


def _own_window(db: Db, user: Principal, window_id: int) -> None:
    states = {w.id for o in ([offices.hall_office_for_staff(db, user.office_id)] if user.role == "window_clerk"
                             else offices.hall_offices(db, None if user.role == "admin" else user.province_code))
              if o is not None for w in queue.window_states(db, o.id)}
    if window_id not in states:
        raise NotFoundHere()


@router.post("/halls/console/walk-in")
def console_walk_in(user: Clerk, db: Db, office: Annotated[int, Form()], group: Annotated[str, Form()],
                    id_number: Annotated[str, Form()] = "", plate_no: Annotated[str, Form()] = "",
                    lane: Annotated[str, Form()] = "normal", reference: Annotated[str, Form()] = "") -> Response:
    hall = _office_for(db, user, office)
    if hall is None:
        raise NotFoundHere()
    person_id = person_by_id_number(db, id_number) if id_number.strip() else None
    if lane == "emergency":
        t = queue.issue_emergency_ticket(db, office_id=hall.id, actor=user, reference=reference or "-",
                                         person_id=person_id, business_group=group)
    else:
        t = queue.walk_in(db, office_id=hall.id, business_group=group, source="clerk", person_id=person_id,
                          plate_no=plate_no, assisted=lane == "assisted")
    return RedirectResponse(f"/halls/console?office={hall.id}&notice=issued-{t.number}", status_code=303)


# --- the supervisor's hall view ---------------------------------------------------------------------------------

@router.get("/halls/hall")
def hall_page(request: Request, user: HallSupervisor, db: Db, office: int | None = None) -> Response:
    hall = _office_for(db, user, office)
    choices = offices.hall_offices(db, None if user.role == "admin" else user.province_code)
    if hall is None:
        return page(request, user, "halls/hall.html", hall=None, choices=choices)
    waiting = queue.ticket_views(db, queue.waiting_tickets(db, hall.id))
    by_lane: dict[str, list[queue.TicketView]] = {}
    for t in waiting:
        by_lane.setdefault(t.lane, []).append(t)
    todays = [booking.view(b) for b in booking.office_bookings(db, hall.id, today())]
    return page(request, user, "halls/hall.html", hall=hall, choices=choices, windows=queue.window_states(db, hall.id),
                by_lane=by_lane, mean=queue.mean_service_seconds(db, hall.id), bookings=todays,
                proxies=booking.proxy_names(db, todays))


# --- the admin's schedule editor --------------------------------------------------------------------------------

@router.get("/halls/schedule")
def schedule_page(request: Request, user: ScheduleAdmin, db: Db, office: int | None = None,
                  notice: str = "") -> Response:
    hall = _office_for(db, user, office)
    return _schedule_page(request, user, db, hall, notice=notice)


def _schedule_page(request: Request, user: Principal, db: Db, hall: HallOfficeView | None, *, notice: str = "",
                   typed: dict[str, Any] | None = None, errors: dict[str, str] | None = None) -> Response:
    response = page(request, user, "halls/schedule.html", hall=hall, choices=offices.hall_offices(db), notice=notice,
                    hours=offices.hours_rules(db, hall.id) if hall else [],
                    plans=offices.plans(db, hall.id) if hall else [],
                    kinds=HOURS_KINDS, kind_names=HOURS_KIND_NAMES, allocations=ALLOCATIONS, today=today(),
                    rule_specs=rules.RULES, switches=rules.SWITCHES, errors=errors or {},
                    rule_values=typed or (offices.booking_rules(db, hall.id) if hall else {}))
    if errors:
        response.status_code = 422
    return response


@router.post("/halls/schedule/{office_id}/rules")
async def schedule_rules(request: Request, office_id: int, user: ScheduleAdmin, db: Db) -> Response:
    """The booking rules form: every problem shown beside its rule, the typed values kept; "every office" sets
    the same rules for all of them (each office's row, so a later change to one office overrides it there)."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    typed, problems = rules.parse_form(form)
    targets = [o.id for o in offices.hall_offices(db)] if form.get("all_offices") else [office_id]

    def save() -> Response:
        hall = offices.hall_office(db, office_id)
        try:
            if problems:
                raise InvalidRules(problems)
            with db.begin_nested():
                for target in targets:
                    offices.configure_office(db, target, **typed)
        except InvalidRules as refused:
            return _schedule_page(request, user, db, hall, typed=typed, errors=refused.by_rule(current_locale()))
        return RedirectResponse(f"/halls/schedule?office={office_id}&notice=rules-{len(targets)}", status_code=303)

    return await run_blocking(db, save)


@router.post("/halls/schedule/{office_id}/hours")
async def schedule_hours(request: Request, office_id: int, user: ScheduleAdmin, db: Db) -> Response:
    form = await request.form()
    rules: list[HoursRule] = []
    rows = str(form.get("rows", "0"))
    for i in range(min(int(rows), 200) if rows.isdigit() else 0):
        opens, closes = str(form.get(f"opens_{i}", "")).strip(), str(form.get(f"closes_{i}", "")).strip()
        if not opens or not closes or form.get(f"delete_{i}"):
            continue
        start, end = str(form.get(f"from_{i}", "")).strip(), str(form.get(f"to_{i}", "")).strip()
        weekday = str(form.get(f"weekday_{i}", "0"))
        rules.append(HoursRule(str(form.get(f"kind_{i}", "regular")), int(weekday) if weekday.isdigit() else -1,
                               _minutes(opens), _minutes(closes),
                               _date(start), _date(end)))
    def save() -> int:
        offices.set_hours(db, office_id, rules)
        return slots.generate(db, office_id, today(), today() + dt.timedelta(days=14))

    made = await run_blocking(db, save)
    return RedirectResponse(f"/halls/schedule?office={office_id}&notice=saved-{made}", status_code=303)


@router.post("/halls/schedule/{office_id}/plan")
def schedule_plan(office_id: int, user: ScheduleAdmin, db: Db, group: Annotated[str, Form()],
                  slot_minutes: Annotated[int, Form()], capacity: Annotated[int, Form()],
                  allocation_rule: Annotated[str, Form()] = "first_come",
                  scarce_capacity: Annotated[str, Form()] = "", request_days: Annotated[int, Form()] = 10) -> Response:
    offices.set_plan(db, office_id, group, slot_minutes=slot_minutes, capacity=capacity,
                     scarce_capacity=int(scarce_capacity) if scarce_capacity.strip() else None,
                     allocation=allocation_rule, request_days=request_days)
    made = slots.generate(db, office_id, today(), today() + dt.timedelta(days=14))
    return RedirectResponse(f"/halls/schedule?office={office_id}&notice=saved-{made}", status_code=303)


@router.post("/halls/schedule/{office_id}/blackout")
def schedule_blackout(office_id: int, user: ScheduleAdmin, db: Db, day: Annotated[dt.date, Form()],
                      start: Annotated[str, Form()], end: Annotated[str, Form()],
                      reason: Annotated[str, Form()]) -> Response:
    row = slots.blackout(db, office_id, day, _minutes(start), _minutes(end), reason)
    return RedirectResponse(f"/halls/schedule?office={office_id}&notice=blackout-{row.moved}-{row.cancelled}",
                            status_code=303)
