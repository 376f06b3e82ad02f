"""The staff inbox (11.9): per role and assignee, counts per state, filters, search, in calling order —
急事急办 emergencies, then key-material vehicles (特事特办), then the rest; within each, the earliest due first.
The supervisor's SLA board and the escalation job read the same table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Date, case, delete, func, literal_column, or_, select, text, tuple_
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import SUPERVISORS, Role
from jiaoguan.accounts.service import staff_of
from jiaoguan.business.models import BusinessApplication, BusinessInboxCount
from jiaoguan.business.states import ACTIVE, WAITING
from jiaoguan.kit import audit
from jiaoguan.kit.clock import today
from jiaoguan.kit.db import is_postgres
from jiaoguan.kit.ids.text import compact
from jiaoguan.kit.outbox import enqueue

PAGE = 50
# Statuses a seat works (a draft is the citizen's own; final ones are history).
WORKED = ACTIVE


Cursor = tuple[int, dt.date, int]  # (priority, due day or NO_DUE, id) of the last case of the page before


@dataclass(frozen=True)
class InboxFilter:
    status: str = ""          # one status, or "" for every open one
    scope: str = "mine"       # mine | unassigned | all (all: supervisors)
    business: str = ""
    query: str = ""           # application number, plate, or subject reference
    priority: str = ""        # emergency | key_material | ""
    overdue: bool = False
    after: Cursor | None = None  # keyset: the page starts after this case


NO_DUE = dt.date.max  # 9999-12-31: what DUE_KEY reads for a case without a due day


def due_key() -> Any:
    """The indexes' expression (models.DUE_KEY), spelled alike so that the planner matches it; no bound parameter
    in it, or a generic plan would not."""
    return func.coalesce(BusinessApplication.sla_due, literal_column("'9999-12-31'", Date))


def cursor_of(app: BusinessApplication) -> str:
    return f"{app.priority}.{(app.sla_due or NO_DUE).isoformat()}.{app.id}"


def parse_cursor(text: str) -> Cursor | None:
    """A cursor from the page's link; anything malformed is no cursor (the first page)."""
    try:
        priority, day, app_id = text.split(".")
        return int(priority), dt.date.fromisoformat(day), int(app_id)
    except ValueError:
        return None


def _parts(user: Principal, scope: str, a: Any = BusinessApplication) -> list[list[Any]]:
    """Who sees what, as separate conditions (each served by its own partial index, merged in order):
    assigned cases to their assignee, unassigned ones to the queue's role in the province; supervisors and the
    administrator every case of the province (the administrator: of every province). `a`: the applications, or
    their counts (the same key columns)."""
    if user.role in SUPERVISORS:
        where: list[Any] = [] if user.role == Role.admin else [a.province_code == user.province_code]
        if scope == "mine":
            return [[*where, a.assignee_user_id == user.id]]
        if scope == "unassigned":
            return [[*where, a.assignee_user_id.is_(None)]]
        return [where]
    mine = [a.assignee_user_id == user.id]
    queue = [a.province_code == user.province_code, a.queue_role == user.role, a.assignee_user_id.is_(None)]
    return {"mine": [mine], "unassigned": [queue]}.get(scope, [mine, queue])


def _filters(f: InboxFilter, on: dt.date) -> list[Any]:
    a = BusinessApplication
    where: list[Any] = [a.status == f.status] if f.status else [a.status.in_(WORKED)]
    if f.business:
        where.append(a.business_code == f.business)
    if f.priority == "emergency":
        where.append(a.priority == 0)
    elif f.priority == "key_material":
        where.append(a.priority == 1)
    if f.overdue:
        where.append(a.sla_due < on)
    if f.after is not None:
        where.append(tuple_(a.priority, due_key(), a.id) > tuple_(*f.after))
    q = f.query.strip()
    if q:
        if q.lstrip("#").isdigit():
            where.append(a.id == int(q.lstrip("#")))
        else:
            key = compact(q)
            where.append(or_(a.plate_no == key, a.subject_ref == key))
    return where


def order(stmt: Any) -> Any:
    return stmt.order_by(BusinessApplication.priority, due_key(), BusinessApplication.id)


def _key(app: BusinessApplication) -> tuple[int, dt.date, int]:
    return (app.priority, app.sla_due or NO_DUE, app.id)


def inbox(session: Session, user: Principal, f: InboxFilter, *, limit: int = PAGE,
          on: dt.date | None = None) -> list[BusinessApplication]:
    """Up to `limit` cases in calling order, after `f.after`: each visibility part read in its index's order from
    the cursor on (a keyset page costs the same on page 1 and page 1,000), merged."""
    where = _filters(f, on or today())
    found: dict[int, BusinessApplication] = {}
    for part in _parts(user, f.scope):
        stmt = order(select(BusinessApplication).where(*part, *where)).limit(limit)
        found.update((a.id, a) for a in session.execute(stmt).scalars())
    return sorted(found.values(), key=_key)[:limit]


def counts(session: Session, user: Principal, scope: str = "") -> dict[str, int]:
    """Open items per state that this user can see (the inbox's tabs): sums of the maintained counts, a few rows
    per key, never a count of the cases themselves (thousands of open ones in a province)."""
    c = BusinessInboxCount
    total: dict[str, int] = {}
    for part in _parts(user, scope or "all", c):
        stmt = select(c.status, func.sum(c.n)).where(*part).group_by(c.status)
        for status, n in session.execute(stmt).all():
            total[str(status)] = total.get(str(status), 0) + int(n or 0)
    return {status: n for status, n in total.items() if n > 0}


def compact_counts(session: Session) -> int:
    """Fold the counts' deltas into one row per key; returns the rows folded. Deltas a transaction adds meanwhile
    are not seen, so not deleted, and keep counting; on PostgreSQL the fold is one statement."""
    c = BusinessInboxCount
    key = (c.province_code, c.queue_role, c.assignee_user_id, c.status)
    if is_postgres(session):
        folded = session.execute(text(
            "WITH gone AS (DELETE FROM business_inbox_count RETURNING province_code, queue_role, assignee_user_id, "
            "status, n), kept AS (INSERT INTO business_inbox_count (province_code, queue_role, assignee_user_id, "
            "status, n) SELECT province_code, queue_role, assignee_user_id, status, sum(n) FROM gone "
            "GROUP BY province_code, queue_role, assignee_user_id, status HAVING sum(n) <> 0) "
            "SELECT count(*) FROM gone")).scalar_one()
        return int(folded)
    rows = session.execute(select(*key, func.sum(c.n), func.max(c.id)).group_by(*key)).all()
    folded = 0
    for province, role, assignee, status, n, last in rows:
        result = session.execute(delete(c).where(
            c.province_code == province, c.queue_role == role, c.status == status, c.id <= last,
            c.assignee_user_id.is_(None) if assignee is None else c.assignee_user_id == assignee))
        folded += int(getattr(result, "rowcount", 0) or 0)
        if n:
            session.add(c(province_code=province, queue_role=role, assignee_user_id=assignee, status=status, n=n))
    session.flush()
    return folded


class BoardRow(BaseModel):
    """One line of the SLA board, and the API's answer as it is (one field list)."""

    business: str
    open: int
    waiting: int
    due_today: int
    overdue: int
    emergency: int
    key_material: int


def sla_board(session: Session, user: Principal, on: dt.date | None = None) -> list[BoardRow]:
    """Per business: open cases, those waiting on the applicant (clock stopped), due today, overdue."""
    day = on or today()
    a = BusinessApplication
    stmt = select(a.business_code, func.count(),
                  func.sum(case((a.status.in_(WAITING), 1), else_=0)),
                  func.sum(case((a.sla_due == day, 1), else_=0)),
                  func.sum(case((a.sla_due < day, 1), else_=0)),
                  func.sum(case((a.priority == 0, 1), else_=0)),
                  func.sum(case((a.priority == 1, 1), else_=0))).where(a.status.in_(WORKED))
    if user.role != Role.admin:
        stmt = stmt.where(a.province_code == user.province_code)
    rows = session.execute(stmt.group_by(a.business_code).order_by(a.business_code)).all()
    return [BoardRow(business=code, open=n, waiting=int(w or 0), due_today=int(t or 0), overdue=int(o or 0),
                     emergency=int(e or 0), key_material=int(k or 0)) for code, n, w, t, o, e, k in rows]


@dataclass(frozen=True)
class Escalation:
    due_today: int
    overdue: int
    messages: int


def escalate(session: Session, on: dt.date | None = None) -> Escalation:
    """Cases due today remind their assignee; overdue ones tell the province's supervisors (once each)."""
    day = on or today()
    rows = session.execute(select(BusinessApplication).where(
        BusinessApplication.status.in_(WORKED), BusinessApplication.status.notin_(WAITING),
        BusinessApplication.sla_due <= day)).scalars().all()
    due_today = overdue = messages = 0
    supervisors: dict[str, list[Principal]] = {}
    for app in rows:
        late = app.sla_due is not None and app.sla_due < day
        overdue += late
        due_today += not late
        params = {"id": app.id, "business_code": app.business_code, "due": app.sla_due.isoformat()
                  if app.sla_due else ""}
        if app.assignee_user_id is not None:
            step = "overdue" if late else "due"
            sent = enqueue(session, "inapp", str(app.assignee_user_id), f"business_sla_{step}", params,
                           dedupe_key=f"business-sla:{app.id}:{step}:{app.assignee_user_id}",
                           province_code=app.province_code)
            messages += sent is not None
        if late:
            if app.province_code not in supervisors:
                supervisors[app.province_code] = staff_of(session, app.province_code, (Role.supervisor,))
            for boss in supervisors[app.province_code]:
                sent = enqueue(session, "inapp", str(boss.id), "business_sla_escalated", params,
                               dedupe_key=f"business-sla:{app.id}:escalated:{boss.id}",
                               province_code=app.province_code)
                messages += sent is not None
    if messages:
        audit.record(session, "business.sla.escalate", "business_application", "-",
                     f"as of {day}: {due_today} due today, {overdue} overdue, {messages} message(s)")
    return Escalation(due_today, overdue, messages)
