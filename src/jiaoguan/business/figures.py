"""The business room's facts for the figures (the shared event contract), emitted live and recounted from its data.

Each payload is built by one function here, used where the room emits the event (service.py, obligations.py)
and by `recount`, which `Room.figures` names for `jiaoguan stats rebuild`:

- `business.submitted | accepted | completed | rejected`: one per workflow step of that action (the case's own
  history, `business_step`), on the Beijing date of the step;
- `business.booking_requested`: one per approval of a business handled by a booking (an inspection, an exam);
- `business.obligation_opened | closed | overdue` (容缺): one per obligation of the registry (through its
  service), on the day it opened, closed, or the reminder job found it overdue.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.business.models import BusinessApplication, BusinessStep
from jiaoguan.kit.clock import CHINA_TZ, on_china_days
from jiaoguan.registry.changes.obligations import obligation_history

Fact = tuple[str, dict[str, Any]]
COUNTED_STEPS = {"submit": "business.submitted", "accept": "business.accepted", "complete": "business.completed",
                 "reject": "business.rejected"}


def local_day(at: dt.datetime) -> str:
    if at.tzinfo is None:  # SQLite hands back naive UTC
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(CHINA_TZ).date().isoformat()


def person_of(app: BusinessApplication) -> str:
    return str(app.applicant_person_id or f"user:{app.applicant_user_id}")


def base(app: BusinessApplication, at: dt.datetime) -> dict[str, Any]:
    """Province, the Beijing date of `at`, the business and the person served (opaque)."""
    return {"province": app.province_code, "day": local_day(at), "business": app.business_code,
            "person": person_of(app)}


def step_facts(app: BusinessApplication, action: str) -> dict[str, Any]:
    """What a counted step adds to the base facts, read from the application as the step leaves it."""
    if action == "submit":
        return {"channel": app.channel, "proxy": app.proxy_user_id is not None, "emergency": app.emergency}
    if action == "accept":
        return {"emergency": app.emergency, "key_material": app.key_pass_no is not None}
    if action == "complete":
        return {"sla_kept": bool(app.sla_kept) if app.sla_kept is not None else True,
                "online": app.channel == "online"}
    return {}


def booking_kind(app: BusinessApplication) -> str | None:
    """An inspection or an exam when the business is handled by a booking at a hall, else None."""
    try:
        handling = json.loads(app.definition_json or "{}").get("handling")
    except ValueError:
        return None
    if handling != "booking":
        return None
    return "exam" if app.business_code.startswith("exam") else "inspection"


def recount(session: Session, start: dt.date | None = None, end: dt.date | None = None) -> Iterator[Fact]:
    """Every business fact whose day falls in [start, end] (Beijing dates; None = unbounded)."""
    steps = (select(BusinessStep.id, BusinessStep.action, BusinessStep.at, BusinessApplication)
             .join(BusinessApplication, BusinessApplication.id == BusinessStep.application_id)
             .where(BusinessStep.action.in_([*COUNTED_STEPS, "approve"]), *on_china_days(BusinessStep.at, start, end))
             .order_by(BusinessStep.id))
    for _, action, at, app in session.execute(steps):
        if action == "approve":
            kind = booking_kind(app)
            if kind is not None:
                yield "business.booking_requested", {**base(app, at), "kind": kind, "id": app.id}
            continue
        yield COUNTED_STEPS[action], {"id": app.id, **base(app, at), **step_facts(app, action)}
    for what, fact in obligation_history(session, start, end):
        yield f"business.obligation_{what}", {**fact, "business": "licence_renewal"}
