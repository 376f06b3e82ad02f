"""Which hall a staff member may act in: a clerk in their own office's hall, a supervisor in their province's
halls, the administrator in every hall. Elsewhere the hall answers like one that does not exist."""

from __future__ import annotations

from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.halls.errors import NotFoundHere
from jiaoguan.halls.models import HallOffice, HallWindow, Ticket


def ensure_hall(session: Session, user: Principal, hall_office_id: int) -> None:
    office = session.get(HallOffice, hall_office_id)
    if office is None or user.role == "admin":
        if office is None:
            raise NotFoundHere()
        return
    if user.role == "window_clerk":
        if user.office_id is None or office.office_id != user.office_id:
            raise NotFoundHere()
    elif user.province_code and office.province_code != user.province_code:
        raise NotFoundHere()


def ensure_window(session: Session, user: Principal, window_id: int) -> None:
    window = session.get(HallWindow, window_id)
    if window is None:
        raise NotFoundHere()
    ensure_hall(session, user, window.hall_office_id)


def ensure_ticket(session: Session, user: Principal, ticket_id: int) -> None:
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise NotFoundHere()
    ensure_hall(session, user, ticket.hall_office_id)
