"""The on-site queue: check-in, walk-in and emergency tickets, calling, serving, transfer, no-shows, and
each person's position and estimated wait. The calling order itself is the pure `queue_core`.

Ticket numbers count per office, day and lane from a counter row (one conditional UPDATE … RETURNING),
so they are unique and gap-free under concurrency. Two clerks pressing "call next" at once cannot call
the same ticket: the ticket's version makes the second UPDATE fail and that clerk gets the next one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.halls import figures
from jiaoguan.halls import queue_core as core
from jiaoguan.halls.booking import booking_by_code, exemption_of, get_booking
from jiaoguan.halls.errors import CheckInTooEarly, NotFoundHere, NothingToCall, NotToday
from jiaoguan.halls.models import Booking, HallOffice, HallWindow, Ticket, TicketCounter
from jiaoguan.halls.offices import hall_office
from jiaoguan.halls.schedule import hhmm
from jiaoguan.halls.slots import local_start
from jiaoguan.halls.states import BOOKING, TICKET, BookingStatus, TicketStatus
from jiaoguan.halls.vocab import GROUPS, LANE_LETTERS, Lane, diversion_hint
from jiaoguan.kit import audit
from jiaoguan.kit.clock import CHINA_TZ, today, utc_now
from jiaoguan.kit.db import is_postgres
from jiaoguan.kit.states import StaleState
from jiaoguan.passes import service as passes
from jiaoguan.registry.queries import person_of

DEFAULT_SERVICE_SECONDS = 300.0
WAITING = (TicketStatus.waiting.value,)
ACTIVE = (TicketStatus.called.value, TicketStatus.serving.value)


@dataclass(frozen=True)
class TicketView:
    id: int
    number: str
    lane: str
    kind: str
    business_group: str
    status: str
    issued_at: dt.datetime
    appointment_at: dt.datetime | None
    window: str | None
    reference: str
    ahead: int
    wait_seconds: int
    hint: str
    calls: int
    version: int


def _next_number(session: Session, office_id: int, day: dt.date, lane: str) -> tuple[int, str]:
    insert = pg_insert if is_postgres(session) else sqlite_insert
    session.execute(insert(TicketCounter).values(hall_office_id=office_id, day=day, lane=lane, last=0)
                    .on_conflict_do_nothing())
    seq = session.execute(update(TicketCounter).where(
        TicketCounter.hall_office_id == office_id, TicketCounter.day == day, TicketCounter.lane == lane)
        .values(last=TicketCounter.last + 1).returning(TicketCounter.last)
        .execution_options(synchronize_session=False)).scalar_one()
    return seq, f"{LANE_LETTERS[Lane(lane)]}{seq:03d}"


def _issue(session: Session, *, office_id: int, lane: str, kind: str, business_group: str, source: str,
           person_id: int | None = None, booking_id: int | None = None, appointment_at: dt.datetime | None = None,
           reference: str = "") -> Ticket:
    office = session.get(HallOffice, office_id)
    if office is None:
        raise NotFoundHere()
    day = today()
    seq, number = _next_number(session, office_id, day, lane)
    row = Ticket(hall_office_id=office_id, day=day, lane=Lane(lane).value, seq=seq, number=number, kind=kind,
                 business_group=business_group, status=TicketStatus.waiting, booking_id=booking_id,
                 person_id=person_id, source=source, reference=reference[:40], appointment_at=appointment_at,
                 issued_at=utc_now(), calls=0, province_code=office.province_code)
    session.add(row)
    session.flush()
    audit.record(session, "hall_ticket.issue", "hall_ticket", row.id, f"{number} {kind} {business_group} {source}")
    return row


def walk_in(session: Session, *, office_id: int, business_group: str, source: str = "kiosk",
            person_id: int | None = None, plate_no: str = "", enterprise_id: int | None = None,
            assisted: bool = False) -> TicketView:
    """A walk-in ticket; a vehicle or enterprise holding an active pass goes to the key-material lane,
    a person over 70 or marked disabled (or `assisted`) to the assisted lane."""
    if business_group not in GROUPS:
        raise NotFoundHere()
    lane, reference = Lane.normal, ""
    pass_no = passes.active_pass_no_for_vehicle(session, plate_no) if plate_no.strip() else None
    if pass_no:
        lane, reference = Lane.key_material, pass_no
    elif enterprise_id is not None and passes.enterprise_has_active_passes(session, enterprise_id):
        lane, reference = Lane.key_material, (passes.enterprise_active_pass_nos(session, enterprise_id) or [""])[0]
    elif assisted or (person_id is not None and exemption_of(session, person_id, "walk_in") in ("elderly",
                                                                                              "disabled")):
        lane = Lane.assisted
    row = _issue(session, office_id=office_id, lane=lane, kind=core.WALK_IN, business_group=business_group,
                 source=source, person_id=person_id, reference=reference)
    return ticket_view(session, row)


def issue_emergency_ticket(session: Session, *, office_id: int, actor: Principal | None, reference: str,
                           person_id: int | None = None, business_group: str = "vehicle") -> TicketView:
    """A ticket in the emergency lane (急事急办), called before every other; `reference` names the case."""
    row = _issue(session, office_id=office_id, lane=Lane.emergency, kind=core.WALK_IN, business_group=business_group,
                 source="hotline" if actor is not None and actor.role == "hotline_agent" else "clerk",
                 person_id=person_id, reference=reference)
    return ticket_view(session, row)


def check_in(session: Session, *, code: str | None = None, booking_id: int | None = None,
             role: str = "system") -> TicketView:
    """Check in an appointment today: within the early limit → an appointment ticket; after the late limit →
    a walk-in ticket; too early → refused with the time check-in opens."""
    b = booking_by_code(session, code) if code else get_booking(session, booking_id or 0)
    if b is None:
        raise NotFoundHere()
    existing = session.execute(select(Ticket).where(Ticket.booking_id == b.id)).scalar_one_or_none()
    if existing is not None:
        return ticket_view(session, existing)
    if b.day != today():
        raise NotToday()
    office = session.get(HallOffice, b.hall_office_id)
    assert office is not None
    starts = local_start(b.day, b.start_min)
    now = utc_now()
    opens = starts - dt.timedelta(minutes=office.checkin_early_minutes)
    if now < opens:
        raise CheckInTooEarly(minutes=office.checkin_early_minutes, time=opens.astimezone(CHINA_TZ).strftime("%H:%M"))
    late = now > starts + dt.timedelta(minutes=office.checkin_late_minutes)
    BOOKING.apply(session, b, "check_in", role=role, summary="late: walk-in queue" if late else "on time")
    lane = b.lane
    if lane == Lane.normal and exemption_of(session, b.person_id, "walk_in") in ("elderly", "disabled"):
        lane = Lane.assisted
    row = _issue(session, office_id=b.hall_office_id, lane=lane, kind=core.WALK_IN if late else core.APPOINTMENT,
                 business_group=b.business_group, source="checkin", person_id=b.person_id, booking_id=b.id,
                 appointment_at=None if late else starts, reference=b.business_ref)
    return ticket_view(session, row)


def _q(t: Ticket) -> core.QTicket:
    return core.QTicket(t.id, t.lane, t.kind, t.business_group, t.issued_at, t.appointment_at, t.for_window_id)


def _qw(w: HallWindow) -> core.QWindow:
    return core.QWindow(w.id, w.lane, frozenset(w.groups.split()))


def waiting_tickets(session: Session, office_id: int, day: dt.date | None = None) -> list[Ticket]:
    return list(session.execute(select(Ticket).where(
        Ticket.hall_office_id == office_id, Ticket.day == (day or today()), Ticket.status.in_(WAITING))
        .order_by(Ticket.id)).scalars())


def _open_windows(session: Session, office_id: int) -> list[HallWindow]:
    return list(session.execute(select(HallWindow).where(HallWindow.hall_office_id == office_id,
                                                         HallWindow.is_open.is_(True))
                                .order_by(HallWindow.code)).scalars())


def call_next(session: Session, window_id: int, *, role: str | None = None) -> TicketView:
    """The window calls the next ticket by the calling order; a lost race moves on to the next one."""
    window = session.get(HallWindow, window_id)
    if window is None:
        raise NotFoundHere()
    lanes = {w.lane for w in _open_windows(session, window.hall_office_id)} | {window.lane}
    for _ in range(5):
        waiting = {t.id: t for t in waiting_tickets(session, window.hall_office_id)}
        chosen = core.next_ticket(_qw(window), (_q(t) for t in waiting.values()), utc_now(), lanes)
        if chosen is None:
            raise NothingToCall()
        ticket = waiting[chosen.id]
        try:
            with session.begin_nested():
                _call(session, ticket, window, role)
            return ticket_view(session, ticket)
        except StaleState:
            session.expire_all()
    raise NothingToCall()


def _call(session: Session, ticket: Ticket, window: HallWindow, role: str | None) -> None:
    ticket.window_id, ticket.for_window_id = window.id, None
    ticket.called_at, ticket.calls = utc_now(), ticket.calls + 1
    TICKET.apply(session, ticket, "call", role=role, summary=f"{ticket.number} -> window {window.code}")


def get_ticket(session: Session, ticket_id: int) -> Ticket:
    row = session.get(Ticket, ticket_id)
    if row is None:
        raise NotFoundHere()
    return row


def recall(session: Session, ticket_id: int) -> TicketView:
    """Call the called ticket once more (the board shows and speaks it again)."""
    t = get_ticket(session, ticket_id)
    if t.status != TicketStatus.called:
        from jiaoguan.kit.states import TransitionRefused

        raise TransitionRefused(code="halls.transition_refused", state=t.status)
    t.calls, t.called_at = t.calls + 1, utc_now()
    session.flush()
    audit.record(session, "hall_ticket.recall", "hall_ticket", t.id, f"{t.number} call {t.calls}")
    return ticket_view(session, t)


def start(session: Session, ticket_id: int, *, role: str | None = None) -> TicketView:
    t = get_ticket(session, ticket_id)
    t.started_at = utc_now()
    TICKET.apply(session, t, "start", role=role)
    return ticket_view(session, t)


def complete(session: Session, ticket_id: int, *, role: str | None = None) -> TicketView:
    t = get_ticket(session, ticket_id)
    now = utc_now()
    t.done_at = now
    if t.started_at is None:
        t.started_at = t.called_at or now
    facts = figures.served(t, hall_office(session, t.hall_office_id).code, now=now)
    TICKET.apply(session, t, "complete", role=role, province_code=t.province_code, payload=facts)
    if t.booking_id is not None:
        b = session.get(Booking, t.booking_id)
        if b is not None and b.status == BookingStatus.checked_in:
            BOOKING.apply(session, b, "serve", role=role)
    return ticket_view(session, t)


def transfer(session: Session, ticket_id: int, to_window_id: int, *, role: str | None = None) -> TicketView:
    t = get_ticket(session, ticket_id)
    target = session.get(HallWindow, to_window_id)
    if target is None or target.hall_office_id != t.hall_office_id:
        raise NotFoundHere()
    t.for_window_id, t.window_id, t.started_at = target.id, None, None
    TICKET.apply(session, t, "transfer", role=role, summary=f"{t.number} -> window {target.code}")
    return ticket_view(session, t)


def no_show(session: Session, ticket_id: int, *, role: str | None = None) -> TicketView:
    t = get_ticket(session, ticket_id)
    TICKET.apply(session, t, "no_show", role=role)
    return ticket_view(session, t)


def requeue(session: Session, ticket_id: int, *, role: str | None = None) -> TicketView:
    """A ticket that missed its call comes back: it waits again, behind those already waiting."""
    t = get_ticket(session, ticket_id)
    t.kind, t.issued_at, t.appointment_at, t.window_id = core.WALK_IN, utc_now(), None, None
    TICKET.apply(session, t, "requeue", role=role)
    return ticket_view(session, t)


def mean_service_seconds(session: Session, office_id: int, *, last: int = 20) -> float:
    rows = session.execute(select(Ticket.started_at, Ticket.done_at).where(
        Ticket.hall_office_id == office_id, Ticket.status == TicketStatus.done, Ticket.started_at.is_not(None),
        Ticket.done_at.is_not(None)).order_by(Ticket.done_at.desc()).limit(last)).all()
    spans = [(done - began).total_seconds() for began, done in rows if done and began]
    return sum(spans) / len(spans) if spans else DEFAULT_SERVICE_SECONDS


def ticket_view(session: Session, t: Ticket) -> TicketView:
    ahead, wait = 0, 0
    if t.status == TicketStatus.waiting:
        windows = _open_windows(session, t.hall_office_id)
        lanes = {w.lane for w in windows}
        waiting = [_q(x) for x in waiting_tickets(session, t.hall_office_id, t.day)]
        ahead, serving = core.position(_q(t), [_qw(w) for w in windows], waiting, utc_now(), lanes)
        wait = core.estimated_wait(ahead + 1, serving, mean_service_seconds(session, t.hall_office_id))
    window = session.get(HallWindow, t.window_id or t.for_window_id) if (t.window_id or t.for_window_id) else None
    return TicketView(t.id, t.number, t.lane, t.kind, t.business_group, t.status, t.issued_at, t.appointment_at,
                      window.code if window else None, t.reference, ahead, wait, diversion_hint(t.business_group),
                      t.calls, t.version)


@dataclass(frozen=True)
class BoardCall:
    number: str
    window: str
    called_at: dt.datetime
    calls: int
    lane: str


@dataclass(frozen=True)
class Board:
    office: str
    calls: list[BoardCall]
    waiting: dict[str, int]
    stamp: str


def board(session: Session, office_id: int, *, limit: int = 8) -> Board:
    """What the hall's screen shows: the latest calls per window and how many wait per lane."""
    office = hall_office(session, office_id)
    rows = session.execute(select(Ticket, HallWindow.code).join(HallWindow, HallWindow.id == Ticket.window_id).where(
        Ticket.hall_office_id == office_id, Ticket.day == today(), Ticket.called_at.is_not(None),
        Ticket.status.in_(ACTIVE)).order_by(Ticket.called_at.desc()).limit(limit)).all()
    calls = [BoardCall(t.number, code, t.called_at, t.calls, t.lane) for t, code in rows if t.called_at]
    waiting: dict[str, int] = {}
    for t in waiting_tickets(session, office_id):
        waiting[t.lane] = waiting.get(t.lane, 0) + 1
    stamp = ";".join(f"{c.number}@{c.window}#{c.calls}" for c in calls) + "|" + ",".join(
        f"{k}={v}" for k, v in sorted(waiting.items()))
    return Board(office.name, calls, waiting, stamp)


@dataclass(frozen=True)
class WindowState:
    id: int
    code: str
    lane: str
    groups: list[str]
    is_open: bool
    current: TicketView | None


def window_states(session: Session, office_id: int) -> list[WindowState]:
    out = []
    for w in session.execute(select(HallWindow).where(HallWindow.hall_office_id == office_id)
                             .order_by(HallWindow.code)).scalars():
        current = session.execute(select(Ticket).where(Ticket.window_id == w.id, Ticket.status.in_(ACTIVE),
                                                       Ticket.day == today())
                                  .order_by(Ticket.called_at.desc()).limit(1)).scalar_one_or_none()
        out.append(WindowState(w.id, w.code, w.lane, w.groups.split(), w.is_open,
                               ticket_view(session, current) if current else None))
    return out


def describe_time(t: dt.datetime | None) -> str:
    if t is None:
        return ""
    local = t.astimezone(CHINA_TZ)
    return hhmm(local.hour * 60 + local.minute)


def person_name(session: Session, person_id: int | None) -> str:
    p = person_of(session, person_id)
    return p.name if p else ""
