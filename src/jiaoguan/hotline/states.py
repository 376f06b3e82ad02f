"""Emergency cases (急事急办) and hotline tickets (专线服务电话) move through the kit's state-machine pattern.

An emergency case is registered with its unit's letter, accepted by the clerk who then owns it from start to
end (专人专办: only that clerk serves and completes it; a supervisor alone may hand it to another), served at
the emergency window and completed, or refused. A hotline ticket is open while the agent works on it,
waiting on the caller (the SLA clock stopped) when the agent needs something from them, and closed.
"""

from __future__ import annotations

from enum import StrEnum

from jiaoguan.accounts.roles import Role
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.states import SYSTEM_ROLES, StateMachine, Transition


class CaseStatus(StrEnum):
    registered = "registered"
    accepted = "accepted"
    in_service = "in_service"
    completed = "completed"
    refused = "refused"


class TicketStatus(StrEnum):
    open = "open"
    waiting_caller = "waiting_caller"
    closed = "closed"


OPEN_CASE_STATUSES = (CaseStatus.registered.value, CaseStatus.accepted.value, CaseStatus.in_service.value)

EMERGENCY = StateMachine("emergency_case", CaseStatus, room="hotline", transitions=[
    Transition("accept", {CaseStatus.registered}, CaseStatus.accepted, {Role.window_clerk, Role.supervisor},
               notify="hotline_emergency_accepted"),
    Transition("start", {CaseStatus.accepted}, CaseStatus.in_service, {Role.window_clerk}),
    Transition("complete", {CaseStatus.in_service}, CaseStatus.completed, {Role.window_clerk},
               event="hotline.emergency_closed", notify="hotline_emergency_completed"),
    Transition("refuse", {CaseStatus.registered, CaseStatus.accepted}, CaseStatus.refused,
               {Role.window_clerk, Role.supervisor}, notify="hotline_emergency_refused"),
], labels={"registered": N_("Registered"), "accepted": N_("Accepted"), "in_service": N_("In service"),
           "completed": N_("Completed"), "refused": N_("Refused")})

# Who may hand an accepted case to another clerk (专人专办 is broken only by a supervisor's decision).
REASSIGNERS = frozenset({Role.supervisor, Role.admin})

TICKET = StateMachine("hotline_ticket", TicketStatus, room="hotline", transitions=[
    Transition("wait", {TicketStatus.open}, TicketStatus.waiting_caller, {Role.hotline_agent}),
    Transition("resume", {TicketStatus.waiting_caller}, TicketStatus.open, {Role.hotline_agent, *SYSTEM_ROLES}),
    Transition("close", {TicketStatus.open, TicketStatus.waiting_caller}, TicketStatus.closed,
               {Role.hotline_agent, Role.supervisor}, event="hotline.ticket_closed", notify="hotline_ticket_closed"),
], labels={"open": N_("Open"), "waiting_caller": N_("Waiting on the caller"), "closed": N_("Closed")})
