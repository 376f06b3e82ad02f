"""容缺办 (issue 11.5): the licence renewed without the medical certificate owes it by a due date.

The due date is the active temporary measure's (a measure whose provision for the medical certificate sets
an end date, e.g. "容缺 certificates due by 2020-12-31"), asked through the seam `OBLIGATION_DUE_KEY` that the
deadlines room fills (`deadlines/obligations.py`; the registry sits below deadlines), else the configured
default (`JIAOGUAN_RONGQUE_DEFAULT_MONTHS`, 6). The licence's `medical_due` takes the same date, so the
deadlines engine, the nightly sweep's reminders and the citizen's "My deadlines" page show the obligation.

The reminder job (`registry.obligations`, daily) tells the holder by SMS 30, 7 and 1 days before the due
date (templates in `registry/messages.py`); past the due date it marks the obligation `overdue`, emits
`registry.obligation_overdue` (business re-emits it as `business.obligation_overdue`) and applies the
configured consequence (`JIAOGUAN_RONGQUE_OVERDUE`: `block`
— the check `no overdue obligation` refuses new business —, `tell` — the province's supervisors get an
in-app message —, or both, the default). Handing in the certificate closes it (`registry.obligation_closed`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import SUPERVISORS
from jiaoguan.accounts.service import staff_of
from jiaoguan.kit import audit, events, rooms
from jiaoguan.kit.clock import today
from jiaoguan.kit.context import Actor
from jiaoguan.kit.outbox import enqueue
from jiaoguan.registry import rules
from jiaoguan.registry.models import DrivingLicence, Obligation, Person

OBLIGATION_DUE_KEY = "registry.obligation_due"
# The registry's own names: the business room tells the figures under the shared contract's
# `business.obligation_*` (it emits opened/closed with the application, and re-emits overdue from its handler
# of `registry.obligation_overdue`), so the figures count each obligation once.
OPENED_EVENT = "registry.obligation_opened"
CLOSED_EVENT = "registry.obligation_closed"
OVERDUE_EVENT = "registry.obligation_overdue"
REMIND_DAYS = (30, 7, 1)
CONSEQUENCES = ("block", "tell", "block_and_tell")


@dataclass(frozen=True)
class ObligationPolicy:
    default_months: int
    consequence: str

    @property
    def blocks(self) -> bool:
        return self.consequence in ("block", "block_and_tell")

    @property
    def tells(self) -> bool:
        return self.consequence in ("tell", "block_and_tell")


def policy() -> ObligationPolicy:
    months = int(os.environ.get("JIAOGUAN_RONGQUE_DEFAULT_MONTHS", rules.DEFAULT_OBLIGATION_MONTHS))
    consequence = os.environ.get("JIAOGUAN_RONGQUE_OVERDUE", "block_and_tell")
    return ObligationPolicy(months, consequence if consequence in CONSEQUENCES else "block_and_tell")


def measure_due(session: Session, province: str, on: dt.date) -> tuple[dt.date, str] | None:
    """The due date an active measure sets for 容缺 certificates, through the installed provider."""
    for room in rooms.installed():
        ref = room.extra.get(OBLIGATION_DUE_KEY)
        if ref:
            found: tuple[dt.date, str] | None = rooms.resolve(ref)(session, province, on)
            return found
    return None


def _payload(ob: Obligation, on: dt.date, **more: Any) -> dict[str, Any]:
    return {"obligation": ob.id, "kind": ob.kind, "licence": ob.licence_id, "due": ob.due.isoformat(),
            "province": ob.province_code, "day": on.isoformat(), "person": str(ob.person_id), **more}


def _as_actor(actor: Principal | Actor | None) -> Actor | None:
    return actor.actor if isinstance(actor, Principal) else actor


def open_obligation(session: Session, lic: DrivingLicence, *, actor: Principal | Actor | None,
                    on: dt.date) -> Obligation:
    found = measure_due(session, lic.province_code, on)
    due = rules.obligation_due(on, measure_due=found[0] if found else None, default_months=policy().default_months)
    source = found[1] if found and found[0] == due else "default"
    ob = Obligation(person_id=lic.person_id, licence_id=lic.id, kind="medical_certificate", opened_on=on, due=due,
                    due_source=source[:40], status="open", province_code=lic.province_code)
    session.add(ob)
    lic.medical_due, lic.medical_due_rule = due, "RONGQUE"
    session.flush()
    audit.record(session, "registry.obligation_open", "obligation", ob.id,
                 f"medical certificate owed by {due} ({source})", actor=_as_actor(actor))
    events.emit(session, OPENED_EVENT, _payload(ob, on), province_code=ob.province_code)
    _tell_holder(session, ob, "registry_obligation_opened", f"opened:{ob.id}")
    return ob


def close_obligations(session: Session, lic: DrivingLicence, *, actor: Principal | Actor | None,
                      on: dt.date) -> list[int]:
    """The certificate is handed in: every open or overdue obligation of the licence closes."""
    rows = session.scalars(select(Obligation).where(Obligation.licence_id == lic.id,
                                                    Obligation.status.in_(("open", "overdue")))).all()
    for ob in rows:
        was = ob.status
        ob.status, ob.closed_on = "closed", on
        audit.record(session, "registry.obligation_close", "obligation", ob.id, f"{was} -> closed",
                     actor=_as_actor(actor))
        events.emit(session, CLOSED_EVENT, _payload(ob, on, late=was == "overdue"), province_code=ob.province_code)
    return [ob.id for ob in rows]


def _tell_holder(session: Session, ob: Obligation, template: str, key: str, **params: Any) -> None:
    person = session.get(Person, ob.person_id)
    if person is not None and person.phone:
        enqueue(session, "sms", person.phone, template, {"due": ob.due.isoformat(), **params},
                dedupe_key=f"registry.obligation:{key}", province_code=ob.province_code)


def sweep_obligations(session: Session, on: dt.date | None = None) -> dict[str, int]:
    """The daily job: reminders before the due date; past it, `overdue` and the configured consequence."""
    on = on or today()
    counts = {"reminded": 0, "overdue": 0}
    horizon = on + dt.timedelta(days=max(REMIND_DAYS))
    rows = session.scalars(select(Obligation).where(Obligation.status == "open", Obligation.due <= horizon)
                           .order_by(Obligation.id)).all()
    pol = policy()
    for ob in rows:
        left = (ob.due - on).days
        if left < 0:
            ob.status, ob.overdue_on = "overdue", on
            audit.record(session, "registry.obligation_overdue", "obligation", ob.id,
                         f"due {ob.due}: {pol.consequence}")
            events.emit(session, OVERDUE_EVENT, _payload(ob, on, consequence=pol.consequence),
                        province_code=ob.province_code)
            _tell_holder(session, ob, "registry_obligation_overdue", f"overdue:{ob.id}")
            if pol.tells:
                for staff in staff_of(session, ob.province_code, tuple(SUPERVISORS)):
                    enqueue(session, "inapp", str(staff.id), "registry_obligation_overdue_staff",
                            {"due": ob.due.isoformat(), "obligation": ob.id},
                            dedupe_key=f"registry.obligation:overdue:{ob.id}:{staff.id}",
                            province_code=ob.province_code)
            counts["overdue"] += 1
            continue
        for days in REMIND_DAYS:
            if left <= days and (ob.reminded_on is None or (ob.due - ob.reminded_on).days > days):
                _tell_holder(session, ob, "registry_obligation_reminder", f"remind:{ob.id}:{days}", days=left)
                ob.reminded_on = on
                counts["reminded"] += 1
                break
    session.flush()
    return counts


def open_obligations(session: Session, person_id: int) -> list[Obligation]:
    return list(session.scalars(select(Obligation).where(Obligation.person_id == person_id,
                                                         Obligation.status.in_(("open", "overdue")))
                                .order_by(Obligation.due)))


# --- the figures' view (the business room tells them as `business.obligation_*`) ----------------------------

def figure_fact(ob: Obligation, what: str) -> dict[str, Any]:
    """An obligation's fact for the figures: `what` is opened, closed or overdue, on the day it happened."""
    day = {"opened": ob.opened_on, "closed": ob.closed_on, "overdue": ob.overdue_on}[what]
    assert day is not None
    return {"obligation": ob.id, "province": ob.province_code, "day": day.isoformat(), "person": str(ob.person_id),
            "due": ob.due.isoformat()}


def obligation(session: Session, obligation_id: int) -> Obligation | None:
    return session.get(Obligation, obligation_id)


def obligation_history(session: Session, start: dt.date | None = None, end: dt.date | None = None
                       ) -> Iterator[tuple[str, dict[str, Any]]]:
    """("opened" | "closed" | "overdue", fact) of every obligation whose event day is in [start, end]."""
    for what, column in (("opened", Obligation.opened_on), ("closed", Obligation.closed_on),
                         ("overdue", Obligation.overdue_on)):
        where = [column.is_not(None), *([column >= start] if start else []), *([column <= end] if end else [])]
        for ob in session.scalars(select(Obligation).where(*where).order_by(Obligation.id)):
            yield what, figure_fact(ob, what)


def job(session: Session) -> dict[str, int]:
    return sweep_obligations(session)
