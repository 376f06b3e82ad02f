"""专线服务电话: tickets the hotline desk opens for callers, their SLA in working hours, answers and callbacks.

A ticket's budget (working hours per type, per province) runs only while the desk is open on working days and
stops while the ticket waits on the caller; its due time is recomputed when the clock starts again. Use cases
flush, audit and emit in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import Role
from jiaoguan.hotline import figures
from jiaoguan.hotline.callers import caller
from jiaoguan.hotline.models import CallbackTask, HotlineTicket, TicketNote, TicketPause
from jiaoguan.hotline.settings import DeskSettings, desk_settings
from jiaoguan.hotline.sla import Pause, SlaState, due_at, ticket_state, working_seconds
from jiaoguan.hotline.states import TICKET, TicketStatus
from jiaoguan.hotline.vocab import TICKET_TYPES
from jiaoguan.kit import audit, events
from jiaoguan.kit.calendar_service import load_calendar
from jiaoguan.kit.clock import CHINA_TZ, utc_now
from jiaoguan.kit.errors import InvalidInput, NotFound
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.ids.text import compact
from jiaoguan.kit.outbox import enqueue
from jiaoguan.kit.states import RoleRefused, StaleState, TransitionRefused

DEFAULT_PROVINCE = "11"
REMIND_AHEAD = dt.timedelta(minutes=15)  # a callback is brought to its agent this long before it is due


class TicketNotFound(NotFound):
    code = "hotline.ticket_not_found"
    message = N_("There is no such hotline ticket.")


class CallbackNotFound(NotFound):
    code = "hotline.callback_not_found"
    message = N_("There is no such callback task.")


class TicketInvalid(InvalidInput):
    code = "hotline.ticket_invalid"
    message = N_("The ticket is not complete.")


@dataclass(frozen=True)
class TicketInput:
    type: str
    subject: str
    caller_name: str = ""
    caller_phone: str = ""
    caller_person_id: int | None = None


def pauses_of(session: Session, ticket_id: int) -> list[Pause]:
    rows = session.scalars(select(TicketPause).where(TicketPause.ticket_id == ticket_id).order_by(TicketPause.id))
    return [(r.started_at, r.ended_at) for r in rows]


def _recompute_due(session: Session, t: HotlineTicket, settings: DeskSettings | None = None) -> None:
    s = settings or desk_settings(session, t.province_code)
    cal = load_calendar(session)
    t.due_at = due_at(t.opened_at, t.budget_hours, s.hours, cal.is_working_day, pauses_of(session, t.id))


def open_ticket(session: Session, actor: Principal, raw: TicketInput) -> HotlineTicket:
    """Record a call; the SLA budget of its type starts now (in desk hours)."""
    if raw.type not in TICKET_TYPES:
        raise TicketInvalid(N_("Choose the kind of call."), field="type")
    if not raw.subject.strip():
        raise TicketInvalid(N_("Say what the caller asks."), field="subject")
    name, phone = raw.caller_name.strip(), compact(raw.caller_phone)
    if raw.caller_person_id is not None:
        known = caller(session, raw.caller_person_id)
        if known is None:
            raise TicketInvalid(N_("There is no such caller."), code="hotline.caller_not_found", field="caller")
        name, phone = name or known.name, phone or (known.phone or "")
    if not name or not (phone.isdigit() and 7 <= len(phone) <= 15):
        raise TicketInvalid(N_("Give the caller's name and a telephone number to call back."),
                            code="hotline.caller_required", field="caller_phone")
    province = actor.province_code or DEFAULT_PROVINCE
    settings = desk_settings(session, province)
    now = utc_now()
    t = HotlineTicket(province_code=province, type=raw.type, status=TicketStatus.open.value,
                      caller_person_id=raw.caller_person_id, caller_name=name, caller_phone=phone,
                      subject=raw.subject.strip(), agent_user_id=actor.id,
                      budget_hours=settings.ticket_hours[raw.type], opened_at=now)
    t.due_at = due_at(now, t.budget_hours, settings.hours, load_calendar(session).is_working_day)
    session.add(t)
    session.flush()
    audit.record(session, "hotline_ticket.open", "hotline_ticket", t.id, f"{t.type}")
    events.emit(session, "hotline.ticket_opened", figures.ticket_opened(t), province_code=province)
    enqueue(session, "sms", phone, "hotline_ticket_opened", {"ticket": t.id, "hours": f"{t.budget_hours:g}"},
            province_code=province)
    return t


def may_see(actor: Principal, t: HotlineTicket) -> bool:
    if actor.role == Role.citizen:
        return actor.person_id is not None and t.caller_person_id == actor.person_id
    return actor.role == Role.admin or actor.province_code in (None, t.province_code)


def get_ticket(session: Session, ticket_id: int, actor: Principal) -> HotlineTicket:
    t = session.get(HotlineTicket, ticket_id)
    if t is None or not may_see(actor, t):
        raise TicketNotFound()
    return t


def _fresh(t: HotlineTicket, expected_version: int | None) -> None:
    if expected_version is not None and t.version != expected_version:
        raise StaleState(code="hotline.stale")


def answer(session: Session, ticket_id: int, actor: Principal, body: str, answer_key: str | None = None
           ) -> TicketNote:
    """What the agent told the caller (a reusable answer's key when one was used)."""
    t = get_ticket(session, ticket_id, actor)
    if not body.strip():
        raise TicketInvalid(N_("Write the answer."), code="hotline.answer_empty", field="body")
    if t.status == TicketStatus.closed.value:
        raise TicketInvalid(N_("The ticket is closed."), code="hotline.ticket_closed")
    note = TicketNote(ticket_id=t.id, author_user_id=actor.id, at=utc_now(), body=body.strip(),
                      answer_key=answer_key or None)
    session.add(note)
    session.flush()
    audit.record(session, "hotline_ticket.answer", "hotline_ticket", t.id, answer_key or "note")
    return note


def wait_on_caller(session: Session, ticket_id: int, actor: Principal, reason: str = "", *,
                   expected_version: int | None = None) -> HotlineTicket:
    """Stop the clock: the desk waits for something from the caller."""
    t = get_ticket(session, ticket_id, actor)
    _fresh(t, expected_version)
    _may(t, "wait", actor)
    session.add(TicketPause(ticket_id=t.id, started_at=utc_now(), ended_at=None, reason=reason.strip()[:200]))
    t.due_at = None
    TICKET.apply(session, t, "wait", role=actor.role, summary=f"waiting: {reason.strip()}"[:200])
    return t


def resume(session: Session, ticket_id: int, actor: Principal, *, expected_version: int | None = None
           ) -> HotlineTicket:
    """The caller answered: the clock runs again and the due time moves by the desk time spent waiting."""
    t = get_ticket(session, ticket_id, actor)
    _fresh(t, expected_version)
    _may(t, "resume", actor)
    _end_pause(session, t)
    _recompute_due(session, t)
    TICKET.apply(session, t, "resume", role=actor.role)
    return t


def _may(t: HotlineTicket, action: str, actor: Principal) -> None:
    """Refuse a wrong state or role before anything is written (the machine checks both again)."""
    if t.status not in TICKET.transition(action).source:
        raise TransitionRefused(code="hotline.transition_refused", state=t.status)
    if actor.role not in TICKET.transition(action).roles:
        raise RoleRefused(code="hotline.role_refused")


def _end_pause(session: Session, t: HotlineTicket) -> None:
    for p in session.scalars(select(TicketPause).where(TicketPause.ticket_id == t.id,
                                                       TicketPause.ended_at.is_(None))):
        p.ended_at = utc_now()
    session.flush()


def close(session: Session, ticket_id: int, actor: Principal, resolution: str, *,
          expected_version: int | None = None) -> HotlineTicket:
    """Close the ticket; the SLA is kept when the desk time used, pauses left out, fits the budget."""
    t = get_ticket(session, ticket_id, actor)
    _fresh(t, expected_version)
    _may(t, "close", actor)
    if not resolution.strip():
        raise TicketInvalid(N_("Say how the call was resolved."), code="hotline.resolution_required",
                            field="resolution")
    if t.status == TicketStatus.waiting_caller.value:
        _end_pause(session, t)
    now = utc_now()
    s = desk_settings(session, t.province_code)
    working_day, pauses = load_calendar(session).is_working_day, pauses_of(session, t.id)
    used = working_seconds(t.opened_at, now, s.hours, working_day, pauses)
    t.closed_at, t.resolution = now, resolution.strip()
    t.sla_kept = used <= t.budget_hours * 3600
    t.due_at = due_at(t.opened_at, t.budget_hours, s.hours, working_day, pauses)
    TICKET.apply(session, t, "close", role=actor.role, payload=figures.ticket_closed(t),
                 recipients=[("sms", t.caller_phone)], params={"ticket": t.id}, province_code=t.province_code,
                 summary=f"closed, {used // 60} desk minutes used of {t.budget_hours:g} h")
    return t


def sla_state(session: Session, t: HotlineTicket, now: dt.datetime | None = None) -> SlaState:
    return sla_states(session, [t], now)[t.id]


def sla_states(session: Session, rows: list[HotlineTicket], now: dt.datetime | None = None) -> dict[int, SlaState]:
    """Each ticket's SLA state, the calendar and each province's settings read once for the lot."""
    at, working_day = now or utc_now(), load_calendar(session).is_working_day
    settings: dict[str, DeskSettings] = {}
    out: dict[int, SlaState] = {}
    for t in rows:
        s = settings.get(t.province_code) or settings.setdefault(t.province_code,
                                                                 desk_settings(session, t.province_code))
        out[t.id] = ticket_state(now=at, due=t.due_at, budget_hours=t.budget_hours, closed_at=t.closed_at,
                                 waiting=t.status == TicketStatus.waiting_caller.value, hours=s.hours,
                                 is_working_day=working_day)
    return out


def desk_tickets(session: Session, actor: Principal, *, open_only: bool = True, limit: int = 200
                 ) -> list[HotlineTicket]:
    stmt = select(HotlineTicket)
    if actor.role != Role.admin and actor.province_code:
        stmt = stmt.where(HotlineTicket.province_code == actor.province_code)
    if open_only:
        stmt = stmt.where(HotlineTicket.status != TicketStatus.closed.value)
    return list(session.scalars(stmt.order_by(HotlineTicket.due_at.is_(None), HotlineTicket.due_at,
                                              HotlineTicket.id).limit(limit)))


def tickets_of_citizen(session: Session, actor: Principal) -> list[HotlineTicket]:
    if actor.person_id is None:
        return []
    return list(session.scalars(select(HotlineTicket).where(HotlineTicket.caller_person_id == actor.person_id)
                                .order_by(HotlineTicket.id.desc()).limit(100)))


def notes_of(session: Session, ticket_id: int) -> list[TicketNote]:
    return list(session.scalars(select(TicketNote).where(TicketNote.ticket_id == ticket_id).order_by(TicketNote.id)))


# --- callbacks (回电) ------------------------------------------------------------------------------

def add_callback(session: Session, ticket_id: int, actor: Principal, due: dt.datetime, note: str = ""
                 ) -> CallbackTask:
    t = get_ticket(session, ticket_id, actor)
    if due.tzinfo is None:
        due = due.replace(tzinfo=CHINA_TZ)  # a time typed at the desk is Beijing time
    due = due.astimezone(dt.UTC)
    if due <= utc_now():
        raise TicketInvalid(N_("A callback must be due in the future."), code="hotline.callback_past", field="due")
    task = CallbackTask(province_code=t.province_code, ticket_id=t.id, assignee_user_id=actor.id, due_at=due,
                        note=note.strip()[:400], created_at=utc_now(), done_at=None, reminded=False)
    session.add(task)
    session.flush()
    audit.record(session, "hotline_callback.add", "hotline_ticket", t.id, f"callback due {due.isoformat()}")
    return task


def complete_callback(session: Session, callback_id: int, actor: Principal) -> CallbackTask:
    task = session.get(CallbackTask, callback_id)
    if task is None or (actor.role != Role.admin and actor.province_code not in (None, task.province_code)):
        raise CallbackNotFound()
    if task.done_at is None:
        task.done_at = utc_now()
        session.flush()
        audit.record(session, "hotline_callback.done", "hotline_ticket", task.ticket_id, f"callback {task.id}")
    return task


def callbacks_of(session: Session, actor: Principal, *, open_only: bool = True) -> list[CallbackTask]:
    stmt = select(CallbackTask)
    if actor.role == Role.hotline_agent:
        stmt = stmt.where(CallbackTask.assignee_user_id == actor.id)
    elif actor.role != Role.admin and actor.province_code:
        stmt = stmt.where(CallbackTask.province_code == actor.province_code)
    if open_only:
        stmt = stmt.where(CallbackTask.done_at.is_(None))
    return list(session.scalars(stmt.order_by(CallbackTask.due_at, CallbackTask.id).limit(200)))


def callbacks_of_ticket(session: Session, ticket_id: int) -> list[CallbackTask]:
    return list(session.scalars(select(CallbackTask).where(CallbackTask.ticket_id == ticket_id)
                                .order_by(CallbackTask.due_at, CallbackTask.id)))


def remind_due_callbacks(session: Session) -> int:
    """The worker's job: tell each agent in-app of the callbacks due within a quarter of an hour, once."""
    now = utc_now()
    due = session.scalars(select(CallbackTask).where(
        CallbackTask.done_at.is_(None), CallbackTask.reminded.is_(False),
        CallbackTask.due_at <= now + REMIND_AHEAD).order_by(CallbackTask.id).limit(500)).all()
    for task in due:
        enqueue(session, "inapp", str(task.assignee_user_id), "hotline_callback_due",
                {"ticket": task.ticket_id, "due": task.due_at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")},
                dedupe_key=f"hotline-callback:{task.id}", province_code=task.province_code)
        task.reminded = True
    session.flush()
    return len(due)


# --- the supervisor's view of SLA kept -----------------------------------------------------------

@dataclass(frozen=True)
class SlaRow:
    type: str
    closed: int
    kept: int
    open_by_state: dict[str, int]

    @property
    def kept_share(self) -> float | None:
        return round(self.kept / self.closed, 3) if self.closed else None


def sla_summary(session: Session, actor: Principal, *, since: dt.datetime) -> list[SlaRow]:
    """Per type of call: tickets closed since `since`, how many within their budget, open ones by SLA state."""
    stmt = select(HotlineTicket).where((HotlineTicket.closed_at.is_(None)) | (HotlineTicket.closed_at >= since))
    if actor.role != Role.admin and actor.province_code:
        stmt = stmt.where(HotlineTicket.province_code == actor.province_code)
    closed: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    open_states: dict[str, Counter[str]] = {k: Counter() for k in TICKET_TYPES}
    rows = list(session.scalars(stmt))
    states = sla_states(session, [t for t in rows if t.closed_at is None])
    for t in rows:
        if t.closed_at is not None:
            closed[t.type] += 1
            kept[t.type] += bool(t.sla_kept)
        else:
            open_states[t.type][states[t.id].value] += 1
    return [SlaRow(k, closed[k], kept[k], dict(open_states[k])) for k in TICKET_TYPES]
