"""The states of a booking and of a queue ticket (the kit's state-machine pattern).

A booking is `held` for a few minutes, then `confirmed` (or `expired`); it is `cancelled` by its
person, the hotline, a clerk or a blackout; `checked_in` at the hall; `no_show` when its time passed
without a check-in; `served` when its ticket is done.

A ticket `waiting` in its lane is `called` to a window, `serving` while the clerk works, then `done`;
a called ticket that does not come is `no_show` and may be put back (`requeue`); a ticket may be
transferred to another window (back to `waiting`, for that window).
"""

from __future__ import annotations

from enum import StrEnum

from jiaoguan.accounts.roles import Role
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.states import SYSTEM_ROLES, StateMachine, Transition


class BookingStatus(StrEnum):
    held = "held"
    confirmed = "confirmed"
    expired = "expired"
    cancelled = "cancelled"
    checked_in = "checked_in"
    no_show = "no_show"
    served = "served"


# A booking that takes a place in its slot.
TAKING = (BookingStatus.held.value, BookingStatus.confirmed.value, BookingStatus.checked_in.value,
          BookingStatus.served.value)
BOOKERS = {Role.citizen, Role.enterprise_agent, Role.hotline_agent, Role.window_clerk, Role.supervisor, Role.admin,
           *SYSTEM_ROLES}
HALL_STAFF = {Role.window_clerk, Role.supervisor, Role.admin, *SYSTEM_ROLES}

BOOKING = StateMachine("hall_booking", BookingStatus, room="halls", transitions=[
    Transition("confirm", {BookingStatus.held}, BookingStatus.confirmed, BOOKERS),
    Transition("expire", {BookingStatus.held}, BookingStatus.expired, SYSTEM_ROLES),
    Transition("cancel", {BookingStatus.held, BookingStatus.confirmed}, BookingStatus.cancelled, BOOKERS),
    Transition("check_in", {BookingStatus.confirmed}, BookingStatus.checked_in, HALL_STAFF),
    Transition("no_show", {BookingStatus.confirmed}, BookingStatus.no_show, SYSTEM_ROLES, event="halls.no_show"),
    Transition("serve", {BookingStatus.checked_in}, BookingStatus.served, HALL_STAFF),
], labels={"held": N_("Held"), "confirmed": N_("Confirmed"), "expired": N_("Expired"), "cancelled": N_("Cancelled"),
           "checked_in": N_("Checked in"), "no_show": N_("No-show"), "served": N_("Served")})


class TicketStatus(StrEnum):
    waiting = "waiting"
    called = "called"
    serving = "serving"
    done = "done"
    no_show = "no_show"
    cancelled = "cancelled"


CLERKS = {Role.window_clerk, Role.supervisor, Role.admin, *SYSTEM_ROLES}

TICKET = StateMachine("hall_ticket", TicketStatus, room="halls", transitions=[
    Transition("call", {TicketStatus.waiting}, TicketStatus.called, CLERKS),
    Transition("start", {TicketStatus.called}, TicketStatus.serving, CLERKS),
    Transition("complete", {TicketStatus.serving, TicketStatus.called}, TicketStatus.done, CLERKS,
               event="halls.served"),
    Transition("transfer", {TicketStatus.called, TicketStatus.serving}, TicketStatus.waiting, CLERKS),
    Transition("no_show", {TicketStatus.called}, TicketStatus.no_show, CLERKS),
    Transition("requeue", {TicketStatus.no_show}, TicketStatus.waiting, CLERKS),
    Transition("cancel", {TicketStatus.waiting}, TicketStatus.cancelled, CLERKS),
], labels={"waiting": N_("Waiting"), "called": N_("Called"), "serving": N_("Being served"), "done": N_("Done"),
           "no_show": N_("Did not come"), "cancelled": N_("Cancelled")})
