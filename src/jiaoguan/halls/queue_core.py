"""The pure calling order of the on-site queue (no database): which waiting ticket a window calls next.

A window calls, among the tickets it may serve, the one with the smallest key (tier, time, id):
0. a ticket transferred to this very window;
1. emergency (急事急办), served by the emergency windows (by any window while none is open);
2. key material (特事特办: a vehicle or enterprise holding an active pass);
3. at an assisted window, the assisted lane's tickets (the elderly, the disabled);
4. appointments whose time has come (within `DUE_EARLY` of it), by appointment time;
5. walk-ins (and late arrivals), longest wait first;
6. appointments checked in early, by appointment time.
A window may serve a ticket of a business group it serves (emergency tickets: any), not one transferred
to another window, and an assisted ticket only if it is an assisted window or none is open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

EMERGENCY, KEY_MATERIAL, ASSISTED, NORMAL = "emergency", "key_material", "assisted", "normal"
APPOINTMENT, WALK_IN = "appointment", "walk_in"
DUE_EARLY = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class QTicket:
    id: int
    lane: str
    kind: str
    group: str
    issued_at: dt.datetime
    appointment_at: dt.datetime | None = None
    for_window: int | None = None


@dataclass(frozen=True)
class QWindow:
    id: int
    lane: str
    groups: frozenset[str]


def may_serve(window: QWindow, ticket: QTicket, open_lanes: Collection[str]) -> bool:
    if ticket.for_window is not None:
        return ticket.for_window == window.id
    if ticket.lane == EMERGENCY:
        return window.lane == EMERGENCY or EMERGENCY not in open_lanes
    if ticket.group not in window.groups:
        return False
    if ticket.lane == ASSISTED:
        return window.lane == ASSISTED or ASSISTED not in open_lanes
    return True


def tier(window: QWindow, ticket: QTicket, now: dt.datetime) -> int:
    if ticket.for_window == window.id:
        return 0
    if ticket.lane == EMERGENCY:
        return 1
    if ticket.lane == KEY_MATERIAL:
        return 2
    if ticket.lane == ASSISTED and window.lane == ASSISTED:
        return 3
    if ticket.kind == APPOINTMENT and ticket.appointment_at is not None:
        return 4 if ticket.appointment_at <= now + DUE_EARLY else 6
    return 5


def key(window: QWindow, ticket: QTicket, now: dt.datetime) -> tuple[int, dt.datetime, int]:
    t = tier(window, ticket, now)
    when = ticket.appointment_at if t in (4, 6) and ticket.appointment_at is not None else ticket.issued_at
    return t, when, ticket.id


def next_ticket(window: QWindow, waiting: Iterable[QTicket], now: dt.datetime,
                open_lanes: Collection[str]) -> QTicket | None:
    """The ticket `window` calls now, or None."""
    eligible = [t for t in waiting if may_serve(window, t, open_lanes)]
    return min(eligible, key=lambda t: key(window, t, now)) if eligible else None


def calling_order(window: QWindow, waiting: Iterable[QTicket], now: dt.datetime,
                  open_lanes: Collection[str]) -> list[QTicket]:
    """Every ticket `window` may serve, in the order it would call them if nothing else arrived."""
    return sorted((t for t in waiting if may_serve(window, t, open_lanes)), key=lambda t: key(window, t, now))


def position(ticket: QTicket, windows: Iterable[QWindow], waiting: Iterable[QTicket], now: dt.datetime,
             open_lanes: Collection[str]) -> tuple[int, int]:
    """(how many are ahead of `ticket` at the best window for it, how many open windows may serve it)."""
    pool = list(waiting)
    best: int | None = None
    serving = 0
    for w in windows:
        if not may_serve(w, ticket, open_lanes):
            continue
        serving += 1
        order = calling_order(w, pool, now, open_lanes)
        ahead = next((i for i, t in enumerate(order) if t.id == ticket.id), len(order))
        best = ahead if best is None else min(best, ahead)
    return (best or 0), serving


def estimated_wait(ahead: int, windows: int, mean_service_seconds: float) -> int:
    """Seconds until the ticket is called: those ahead shared by the windows, at the recent service time."""
    if windows <= 0:
        return 0
    return int(round((ahead / windows) * mean_service_seconds))
