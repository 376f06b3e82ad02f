"""The hotline room's facts for the figures (the shared event contract), emitted live and recounted from its data.

Each payload is built by one function here, used where the room emits the event (tickets.py, emergency.py) and
by `recount`, which `Room.figures` names: `jiaoguan stats rebuild` replays what the tables say happened and
compares it with what the events counted. A fact's day is the Beijing date of the moment it records (the
ticket opened or closed, the case registered or completed). An emergency case's office is known only once its
applicant is served at a hall, so the opening counts for the province alone and the completion for the office.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.hotline.models import EmergencyCase, HotlineTicket
from jiaoguan.hotline.sla import hours_between
from jiaoguan.hotline.states import CaseStatus, TicketStatus
from jiaoguan.kit.clock import CHINA_TZ, on_china_days

Fact = tuple[str, dict[str, Any]]


def local_day(at: dt.datetime) -> str:
    if at.tzinfo is None:  # SQLite hands back naive UTC
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(CHINA_TZ).date().isoformat()


def _person(out: dict[str, Any], person_id: int | None) -> dict[str, Any]:
    if person_id is not None:
        out["person"] = str(person_id)
    return out


def ticket_opened(t: HotlineTicket) -> dict[str, Any]:
    return _person({"province": t.province_code, "day": local_day(t.opened_at), "ticket": t.id, "type": t.type},
                   t.caller_person_id)


def ticket_closed(t: HotlineTicket) -> dict[str, Any]:
    assert t.closed_at is not None
    return _person({"province": t.province_code, "day": local_day(t.closed_at), "ticket": t.id, "type": t.type,
                    "sla_kept": bool(t.sla_kept)}, t.caller_person_id)


def emergency_opened(case: EmergencyCase) -> dict[str, Any]:
    return _person({"province": case.province_code, "day": local_day(case.registered_at), "case": case.id,
                    "kind": case.kind}, case.applicant_person_id)


def emergency_closed(case: EmergencyCase) -> dict[str, Any]:
    assert case.closed_at is not None
    out = {"province": case.province_code, "day": local_day(case.closed_at), "case": case.id, "kind": case.kind,
           "hours": hours_between(_aware(case.registered_at), _aware(case.closed_at)),
           "sla_kept": _aware(case.closed_at) <= _aware(case.due_at)}
    if case.office_code:
        out["office"] = case.office_code
    return _person(out, case.applicant_person_id)


def _aware(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)


def recount(session: Session, start: dt.date | None = None, end: dt.date | None = None) -> Iterator[Fact]:
    """Every hotline fact whose day falls in [start, end] (Beijing dates; None = unbounded), from the tables."""
    for t in session.scalars(select(HotlineTicket).where(*on_china_days(HotlineTicket.opened_at, start, end))):
        yield "hotline.ticket_opened", ticket_opened(t)
    for t in session.scalars(select(HotlineTicket).where(HotlineTicket.status == TicketStatus.closed.value,
                                                         *on_china_days(HotlineTicket.closed_at, start, end))):
        yield "hotline.ticket_closed", ticket_closed(t)
    for c in session.scalars(select(EmergencyCase).where(*on_china_days(EmergencyCase.registered_at, start, end))):
        yield "hotline.emergency_opened", emergency_opened(c)
    for c in session.scalars(select(EmergencyCase).where(EmergencyCase.status == CaseStatus.completed.value,
                                                         *on_china_days(EmergencyCase.closed_at, start, end))):
        yield "hotline.emergency_closed", emergency_closed(c)
