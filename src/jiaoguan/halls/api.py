"""JSON API of the halls room (/api/v1/halls): offices and slots, bookings, check-in and tickets, the
clerk's window actions, the board (and its live stream), the supervisor's hall, the admin's schedule,
blackouts, and fair allocation."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.orm import Session

from jiaoguan.accounts.auth import Anyone
from jiaoguan.accounts.principal import Principal
from jiaoguan.halls import allocation, booking, offices, queue, slots
from jiaoguan.halls.access import ensure_hall, ensure_ticket, ensure_window
from jiaoguan.halls.auth import Applicant, Booker, Clerk, HallSupervisor, ScheduleAdmin
from jiaoguan.halls.errors import NotFoundHere
from jiaoguan.halls.people import person_by_id_number, who_and_how
from jiaoguan.halls.qr import checkin_svg, code_from_scan
from jiaoguan.halls.schedule import HoursRule, hhmm, parse_hhmm
from jiaoguan.halls.schemas import (
    AllocationOut,
    BlackoutIn,
    BlackoutOut,
    BoardOut,
    BookingIn,
    BookingOut,
    CancelIn,
    CheckInIn,
    ExemptionIn,
    ExemptionOut,
    HallOut,
    HoursIn,
    OfficeOut,
    PlaceRequestIn,
    PlaceRequestOut,
    PlanIn,
    RescheduleIn,
    RulesIn,
    ScheduleIn,
    ScheduleOut,
    SlotOut,
    TicketOut,
    TransferIn,
    WalkInIn,
    WindowOpenIn,
    WindowOut,
)
from jiaoguan.kit.clock import today
from jiaoguan.kit.web import Db, UnitOfWorkRoute, let_go_of_db, request_session, run_blocking

router = APIRouter(route_class=UnitOfWorkRoute, tags=["halls"])
SVG: dict[int | str, dict[str, Any]] = {200: {"content": {"image/svg+xml": {}}, "description": "The check-in QR code"}}
SSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/event-stream": {}}, "description": "Board updates as Server-Sent Events"}}


@router.get("/halls/offices", response_model=list[OfficeOut])
def list_offices(user: Anyone, db: Db, province: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None
                 ) -> list[OfficeOut]:
    return offices.hall_offices(db, province)


@router.get("/halls/offices/{office_id}/slots", response_model=list[SlotOut])
def list_slots(office_id: int, user: Anyone, db: Db, group: str = "vehicle", day: dt.date | None = None
               ) -> list[SlotOut]:
    """Bookable slots of a business group on a day, with the places left."""
    return booking.open_slots(db, office_id=office_id, business_group=group, day=day or today())


@router.post("/halls/bookings", status_code=201, response_model=BookingOut)
def create_booking(body: BookingIn, user: Booker, db: Db) -> BookingOut:
    """Hold (default) or book a slot. The idempotency key makes a retry return the first booking."""
    person_id, channel = who_and_how(db, user, body.id_number, slot_id=body.slot_id,
                                     on_behalf_of=body.on_behalf_of)
    made = booking.book(db, slot_id=body.slot_id, person_id=person_id, actor=user, channel=channel,
                        idempotency_key=body.idempotency_key, hold=body.hold, scarce=body.scarce)
    return _booking_out(db, made)


@router.get("/halls/bookings", response_model=list[BookingOut])
def my_bookings(user: Booker, db: Db) -> list[BookingOut]:
    if user.person_id is None:
        return []
    rows = booking.bookings_of_person(db, user.person_id, booked_by=user.id)
    names = booking.proxy_names(db, rows)
    return [BookingOut.of(b, names.get(b.id, "")) for b in rows]


def _booking_out(db: Session, v: booking.BookingView) -> BookingOut:
    return BookingOut.of(v, booking.proxy_names(db, [v]).get(v.id, ""))


def _mine(db: Db, booking_id: int, user: Principal) -> booking.Booking:
    b = booking.get_booking(db, booking_id)
    booking.ensure_may_see(user, b)
    return b


@router.get("/halls/bookings/{booking_id}", response_model=BookingOut)
def get_booking(booking_id: int, user: Booker, db: Db) -> BookingOut:
    return _booking_out(db, booking.view(_mine(db, booking_id, user)))


@router.get("/halls/bookings/{booking_id}/qr.svg", response_class=Response, responses=SVG)
def booking_qr(booking_id: int, user: Booker, db: Db) -> Response:
    b = _mine(db, booking_id, user)
    return Response(checkin_svg(b.checkin_code), media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


@router.post("/halls/bookings/{booking_id}/confirm", response_model=BookingOut)
def confirm_booking(booking_id: int, user: Booker, db: Db) -> BookingOut:
    return _booking_out(db, booking.confirm(db, booking_id, actor=user))


@router.post("/halls/bookings/{booking_id}/cancel", response_model=BookingOut)
def cancel_booking(booking_id: int, body: CancelIn, user: Booker, db: Db) -> BookingOut:
    return _booking_out(db, booking.cancel(db, booking_id, actor=user, reason=body.reason))


@router.post("/halls/bookings/{booking_id}/reschedule", response_model=BookingOut)
def reschedule_booking(booking_id: int, body: RescheduleIn, user: Booker, db: Db) -> BookingOut:
    _mine(db, booking_id, user)
    moved = booking.reschedule(db, booking_id, new_slot_id=body.slot_id, actor=user,
                               idempotency_key=body.idempotency_key)
    return _booking_out(db, moved)


@router.post("/halls/checkin", response_model=TicketOut)
def check_in(body: CheckInIn, user: Anyone, db: Db) -> TicketOut:
    """The kiosk scans the confirmation's QR code (or the code is typed at the window)."""
    return queue.check_in(db, code=code_from_scan(body.code))


@router.post("/halls/tickets", status_code=201, response_model=TicketOut)
def take_ticket(body: WalkInIn, user: Anyone, db: Db) -> TicketOut:
    """A walk-in ticket from the kiosk (by ID number) or the clerk; the plate finds a key-material pass."""
    person_id = person_by_id_number(db, body.id_number) if body.id_number else None
    source = "clerk" if user is not None and user.role in ("window_clerk", "supervisor", "admin") else "kiosk"
    return queue.walk_in(db, office_id=body.office_id, business_group=body.business_group, source=source,
                                      person_id=person_id, plate_no=body.plate_no, assisted=body.assisted)


@router.get("/halls/tickets/{ticket_id}", response_model=TicketOut)
def get_ticket(ticket_id: int, user: Anyone, db: Db) -> TicketOut:
    """A ticket's place in the queue and its estimated wait."""
    return queue.ticket_view(db, queue.get_ticket(db, ticket_id))


@router.post("/halls/windows/{window_id}/call-next", response_model=TicketOut)
def call_next(window_id: int, user: Clerk, db: Db) -> TicketOut:
    ensure_window(db, user, window_id)
    return queue.call_next(db, window_id)


@router.post("/halls/tickets/{ticket_id}/transfer", response_model=TicketOut)
def transfer(ticket_id: int, body: TransferIn, user: Clerk, db: Db) -> TicketOut:
    ensure_ticket(db, user, ticket_id)
    return queue.transfer(db, ticket_id, body.window_id)


ACTIONS = {"start": queue.start, "complete": queue.complete, "no-show": queue.no_show, "requeue": queue.requeue}


@router.post("/halls/tickets/{ticket_id}/recall", response_model=TicketOut)
def recall(ticket_id: int, user: Clerk, db: Db) -> TicketOut:
    ensure_ticket(db, user, ticket_id)
    return queue.recall(db, ticket_id)


@router.post("/halls/tickets/{ticket_id}/{action}", response_model=TicketOut)
def ticket_action(ticket_id: int, action: Annotated[str, Path(pattern="^(start|complete|no-show|requeue)$")],
                  user: Clerk, db: Db) -> TicketOut:
    if action not in ACTIONS:
        raise NotFoundHere()
    ensure_ticket(db, user, ticket_id)
    return ACTIONS[action](db, ticket_id)


@router.get("/halls/offices/{office_id}/board", response_model=BoardOut)
def get_board(office_id: int, user: Anyone, db: Db) -> BoardOut:
    return queue.board(db, office_id)


def _board_json(session: Session, office_id: int) -> tuple[str, str]:
    """One read of the board in a short transaction of its own (the stream holds no connection between reads)."""
    try:
        state = queue.board(session, office_id)
        return state.stamp, state.model_dump_json()
    finally:
        session.commit()


@router.get("/halls/offices/{office_id}/board/stream", response_class=StreamingResponse, responses=SSE)
async def board_stream(office_id: int, request: Request, user: Anyone, db: Db,
                       max_events: Annotated[int, Query(ge=1, le=10000)] = 10000,
                       seconds: Annotated[int, Query(ge=1, le=600)] = 300) -> StreamingResponse:
    """The board as Server-Sent Events: an event whenever a call or a queue changes (the browser reconnects)."""
    await run_blocking(db, offices.hall_office, db, office_id)
    await let_go_of_db(request)   # the stream lasts minutes: each read below takes a turn at the database of its own

    async def events() -> AsyncIterator[str]:
        last, sent = "", 0
        yield "retry: 2000\n\n"
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while sent < max_events and loop.time() < deadline:
            if await request.is_disconnected():
                return
            async with request_session(request) as session:
                stamp, body = await run_blocking(session, _board_json, session, office_id)
            if stamp != last:
                last, sent = stamp, sent + 1
                yield f"event: board\ndata: {body}\n\n"
            else:
                yield ": keep-alive\n\n"
            await asyncio.sleep(1.0)

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


@router.get("/halls/offices/{office_id}/hall", response_model=HallOut)
def hall_view(office_id: int, user: HallSupervisor, db: Db) -> HallOut:
    ensure_hall(db, user, office_id)
    office = offices.hall_office(db, office_id)
    waiting = queue.ticket_views(db, queue.waiting_tickets(db, office_id))
    return HallOut(office=office, windows=queue.window_states(db, office_id),
                   waiting=waiting, mean_service_seconds=queue.mean_service_seconds(db, office_id),
                   bookings_today=len(booking.office_bookings(db, office_id, today())))


def _schedule(db: Db, office_id: int, made: int) -> ScheduleOut:
    rules = RulesIn(**offices.booking_rules(db, office_id))
    return ScheduleOut(office_id=office_id, slots_made=made, rules=rules, hours=[
        HoursIn(kind=r.kind, weekday=r.weekday, opens=hhmm(r.open_min), closes=hhmm(r.close_min),
                valid_from=r.valid_from, valid_to=r.valid_to) for r in offices.hours_rules(db, office_id)],
        plans=[PlanIn(business_group=p.business_group, slot_minutes=p.slot_minutes, capacity=p.capacity,
                      scarce_capacity=p.scarce_capacity, allocation=p.allocation, request_days=p.request_days)
               for p in offices.plans(db, office_id)])


@router.get("/halls/offices/{office_id}/schedule", response_model=ScheduleOut)
def get_schedule(office_id: int, user: ScheduleAdmin, db: Db) -> ScheduleOut:
    offices.hall_office(db, office_id)
    return _schedule(db, office_id, 0)


@router.put("/halls/offices/{office_id}/schedule", response_model=ScheduleOut)
def put_schedule(office_id: int, body: ScheduleIn, user: ScheduleAdmin, db: Db) -> ScheduleOut:
    """Replace the opening hours, set the slot plans and booking rules, and make the slots of the next days."""
    if body.rules is not None:
        rules = {k: v for k, v in body.rules.model_dump().items() if v is not None}
        if rules:
            offices.configure_office(db, office_id, **rules)
    offices.set_hours(db, office_id, [HoursRule(h.kind, h.weekday, parse_hhmm(h.opens), parse_hhmm(h.closes),
                                                h.valid_from, h.valid_to) for h in body.hours])
    for p in body.plans:
        offices.set_plan(db, office_id, p.business_group, slot_minutes=p.slot_minutes, capacity=p.capacity,
                         scarce_capacity=p.scarce_capacity, allocation=p.allocation, request_days=p.request_days)
    made = slots.generate(db, office_id, today(), today() + dt.timedelta(days=body.generate_days))
    return _schedule(db, office_id, made)


@router.post("/halls/offices/{office_id}/blackouts", status_code=201, response_model=BlackoutOut)
def add_blackout(office_id: int, body: BlackoutIn, user: HallSupervisor, db: Db) -> BlackoutOut:
    """Close part of a day: its bookings move to the next free time or are cancelled; each person is told."""
    ensure_hall(db, user, office_id)
    row = slots.blackout(db, office_id, body.day, parse_hhmm(body.start), parse_hhmm(body.end), body.reason)
    return BlackoutOut(id=row.id, day=row.day, moved=row.moved, cancelled=row.cancelled)


@router.post("/halls/place-requests", status_code=201, response_model=PlaceRequestOut)
def request_place(body: PlaceRequestIn, user: Applicant, db: Db) -> PlaceRequestOut:
    person_id, channel = who_and_how(db, user, body.id_number, business_group=body.business_group,
                                     on_behalf_of=body.on_behalf_of)
    row = allocation.request_place(db, office_id=body.office_id, business_group=body.business_group, day=body.day,
                                   person_id=person_id, accepted_on=body.accepted_on, actor=user, channel=channel)
    return PlaceRequestOut(id=row.id, day=row.day, status=row.status, position=row.position)


@router.get("/halls/offices/{office_id}/allocation", response_model=AllocationOut)
def get_allocation(office_id: int, user: Anyone, db: Db, day: dt.date, group: str = "exam") -> AllocationOut:
    """The published capacity, rule, seed and every applicant's position (no names)."""
    return AllocationOut.of(allocation.day_allocation(db, office_id, group, day), user.person_id if user else None)



@router.post("/halls/offices/{office_id}/allocation/run", response_model=AllocationOut)
def run_allocation(office_id: int, user: HallSupervisor, db: Db, day: dt.date, group: str = "exam") -> AllocationOut:
    """Allocate a day now (the job does it once the request window closed); a second run is refused."""
    ensure_hall(db, user, office_id)
    allocation.allocate(db, office_id=office_id, business_group=group, day=day, actor=user)
    return AllocationOut.of(allocation.day_allocation(db, office_id, group, day), None)


@router.post("/halls/windows/{window_id}/open", response_model=WindowOut)
def open_window(window_id: int, body: WindowOpenIn, user: Clerk, db: Db) -> WindowOut:
    """Open or close a window (a closed window is not called to, and its lane's tickets go elsewhere)."""
    ensure_window(db, user, window_id)
    row = offices.set_window_open(db, window_id, body.is_open, clerk_user_id=user.id if body.is_open else None)
    return next(w for w in queue.window_states(db, row.hall_office_id) if w.id == window_id)


@router.post("/halls/exemptions", status_code=201, response_model=ExemptionOut)
def add_exemption(body: ExemptionIn, user: Clerk, db: Db) -> ExemptionOut:
    """Record that the no-show ban does not apply to a person (disabled, or another reason noted)."""
    row = booking.add_exemption(db, person_by_id_number(db, body.id_number), body.reason, body.note)
    return ExemptionOut(person_id=row.person_id, reason=row.reason, note=row.note)
