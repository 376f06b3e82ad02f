"""Reminders before a deferred deadline (延期换证 / 延期审验 / 延期提交身体条件证明, Decree 162 art 75): the holder
may not drive until the deferred matter is done, so they are told 30, 7 and 1 day(s) before the deferred
deadline, by SMS and in the app, through the outbox.

A daily job declared by the room (`business.deferral_reminders`). Idempotent: each reminder has its own
dedupe key (deferral and step), so a rerun, a second worker or a missed day sends nothing twice; after a
missed day only the nearest step goes out, not every step passed meanwhile.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from jiaoguan.accounts.service import principals_by_person
from jiaoguan.kit.clock import today
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.outbox import enqueue
from jiaoguan.registry.queries import active_deferrals_ending

REMIND_DAYS = (30, 7, 1)  # days before the deferred deadline, the widest first
MATTERS = {"renewal": N_("licence renewal (延期换证)"), "review": N_("licence review (延期审验)"),
           "medical": N_("medical certificate (延期提交身体条件证明)")}


@dataclass(frozen=True)
class Reminded:
    deferrals: int
    messages: int


def step_for(days_left: int) -> int | None:
    """The reminder step a deferral is in: the nearest of REMIND_DAYS at or above the days left."""
    inside = [d for d in REMIND_DAYS if 0 <= days_left <= d]
    return min(inside) if inside else None


def remind_deferrals(session: Session, on: dt.date | None = None) -> Reminded:
    day = on or today()
    found = active_deferrals_ending(session, day, day + dt.timedelta(days=max(REMIND_DAYS)))
    accounts = principals_by_person(session, (d.person_id for d in found))
    deferrals = messages = 0
    for d in found:
        left = (d.deferred_until - day).days
        step = step_for(left)
        if step is None:
            continue
        params = {"matter_msgid": MATTERS.get(d.matter, d.matter), "until": d.deferred_until.isoformat(),
                  "days": left}
        people = [("sms", d.phone)] if d.phone else []
        if d.person_id in accounts:
            people.append(("inapp", str(accounts[d.person_id].id)))
        sent = [enqueue(session, channel, to, "business_deferral_reminder", params,
                        dedupe_key=f"business.deferral:{d.id}:{step}:{channel}", province_code=d.province_code)
                for channel, to in people]
        messages += sum(m is not None for m in sent)
        deferrals += any(m is not None for m in sent)
    return Reminded(deferrals, messages)
