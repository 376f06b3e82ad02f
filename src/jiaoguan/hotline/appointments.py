"""An appointment call books a slot for the caller through the halls room's booking service.

The booking's channel is the hotline. Whether that exempts it from the no-show ban is the office's rule (the halls
room's booking rules, `exempt_hotline`, on by default: the elderly and people without a smartphone are not punished
for being booked by phone); the ticket page says what the chosen office's rule is (`no_show_note`). The ticket's id
and the slot make the idempotency key: a double-clicked or retried request books once.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.halls import booking as halls_booking
from jiaoguan.halls.offices import HallOfficeView, booking_rules, hall_offices
from jiaoguan.halls.slots import SlotView
from jiaoguan.halls.vocab import GROUPS, Channel
from jiaoguan.hotline.models import HotlineTicket
from jiaoguan.hotline.states import TicketStatus
from jiaoguan.hotline.tickets import TicketInvalid, get_ticket
from jiaoguan.kit import audit
from jiaoguan.kit.i18n import N_

BUSINESS_GROUPS = GROUPS


def offices_for(session: Session, actor: Principal) -> list[HallOfficeView]:
    return hall_offices(session, actor.province_code)


def no_show_note(rules: dict[str, int | bool]) -> tuple[str, dict[str, int]]:
    """What an office's rules mean for a booking made by the hotline (msgid, parameters; `%(office)s` is left to
    the page, in the reader's language)."""
    limit, window, ban = (int(rules[k]) for k in ("no_show_limit", "no_show_window_days", "no_show_ban_days"))
    if limit <= 0 or ban <= 0:
        return N_("%(office)s bans nobody for missed appointments."), {}
    if rules["exempt_hotline"]:
        return N_("Booked by the hotline: %(office)s does not count it towards its no-show ban."), {}
    return (N_("Booked by the hotline: %(office)s counts a missed appointment like any other (%(limit)s missed in "
               "%(window)s days: no booking for %(ban)s days)."), {"limit": limit, "window": window, "ban": ban})


def office_no_show_note(session: Session, office_id: int) -> tuple[str, dict[str, int]]:
    return no_show_note(booking_rules(session, office_id))


def slots_for(session: Session, *, office_id: int, business_group: str, day: dt.date) -> list[SlotView]:
    return [s for s in halls_booking.open_slots(session, office_id=office_id, business_group=business_group, day=day)
            if s.remaining > 0]


def book_for_caller(session: Session, ticket_id: int, actor: Principal, slot_id: int
                    ) -> tuple[HotlineTicket, halls_booking.BookingView]:
    """Book the slot for the ticket's caller (confirmed at once); the ticket keeps the booking's reference."""
    t = get_ticket(session, ticket_id, actor)
    if t.type != "appointment":
        raise TicketInvalid(N_("Only an appointment call books a slot."), code="hotline.not_appointment")
    if t.status == TicketStatus.closed.value:
        raise TicketInvalid(N_("The ticket is closed."), code="hotline.ticket_closed")
    if t.caller_person_id is None:
        raise TicketInvalid(N_("Find the caller in the register first: a booking is made for a person."),
                            code="hotline.caller_unknown")
    booked = halls_booking.book(session, slot_id=slot_id, person_id=t.caller_person_id, actor=actor,
                                channel=Channel.hotline, idempotency_key=f"hotline-ticket:{t.id}:{slot_id}")
    if t.booking_ref != str(booked.id):
        t.booking_ref = str(booked.id)
        session.flush()
        audit.record(session, "hotline_ticket.book", "hotline_ticket", t.id,
                     f"booking {booked.id} on {booked.day} {booked.start}")
    return t, booked
