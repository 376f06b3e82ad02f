"""Fair allocation of scarce places (exam places): requests within a window, then the published rule.

For a business group whose plan is not first-come, applicants ask for a day until `request_days`
before it. Then the allocation runs once (by the job, or by a supervisor): requests are ordered by the
rule — acceptance date (the earliest accepted first, as Decree 162 orders exams), or a lottery weighted
by waiting time (days since acceptance + 1), drawn with a published seed so anyone can redo it — and
take the day's places in slot order. Capacity, each applicant's position and the results are shown.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.halls.booking import book
from jiaoguan.halls.errors import AlreadyAllocated, FairAllocationOnly, NotFoundHere, RequestWindowClosed, SlotFull
from jiaoguan.halls.models import AllocationRequest, AllocationRun, Slot, SlotPlan
from jiaoguan.halls.offices import hall_office, hall_office_row
from jiaoguan.halls.slots import notify_person
from jiaoguan.halls.view import View
from jiaoguan.halls.vocab import Allocation, group_name
from jiaoguan.kit import audit
from jiaoguan.kit.clock import today, utc_now
from jiaoguan.kit.i18n import N_

ALLOCATED, UNSUCCESSFUL, REQUESTED = "allocated", "unsuccessful", "requested"


@dataclass(frozen=True)
class Applicant:
    id: int
    accepted_on: dt.date
    requested_at: dt.datetime


def published_seed(office_code: str, group: str, day: dt.date) -> str:
    """The lottery's seed, fixed by what is public before the draw."""
    return hashlib.sha256(f"{office_code}:{group}:{day.isoformat()}".encode()).hexdigest()[:32]


def order(rule: str, applicants: Sequence[Applicant], *, day: dt.date, seed: str) -> list[int]:
    """The applicants' ids in allocation order (pure and reproducible)."""
    if rule == Allocation.acceptance_order:
        return [a.id for a in sorted(applicants, key=lambda a: (a.accepted_on, a.requested_at, a.id))]
    rng = random.Random(seed)
    keyed = []
    for a in sorted(applicants, key=lambda a: a.id):
        weight = max((day - a.accepted_on).days, 0) + 1
        keyed.append((rng.random() ** (1.0 / weight), a.id))  # Efraimidis–Spirakis: weighted, without replacement
    return [i for _, i in sorted(keyed, reverse=True)]


def _plan(session: Session, office_id: int, group: str) -> SlotPlan:
    plan = session.execute(select(SlotPlan).where(SlotPlan.hall_office_id == office_id,
                                                  SlotPlan.business_group == group)).scalar_one_or_none()
    if plan is None:
        raise NotFoundHere()
    if plan.allocation == Allocation.first_come:
        raise FairAllocationOnly()
    return plan


def closes_on(plan: SlotPlan, day: dt.date) -> dt.date:
    return day - dt.timedelta(days=plan.request_days)


def request_place(session: Session, *, office_id: int, business_group: str, day: dt.date, person_id: int,
                  accepted_on: dt.date, actor: Principal | None, channel: str = "citizen") -> AllocationRequest:
    """Ask for a place on `day`; one request per person and day (asking again returns the first)."""
    plan = _plan(session, office_id, business_group)
    if today() > closes_on(plan, day):
        raise RequestWindowClosed(closed=closes_on(plan, day).isoformat())
    found = session.execute(select(AllocationRequest).where(
        AllocationRequest.person_id == person_id, AllocationRequest.hall_office_id == office_id,
        AllocationRequest.business_group == business_group, AllocationRequest.day == day)).scalar_one_or_none()
    if found is not None:
        return found
    office = hall_office_row(session, office_id)
    row = AllocationRequest(hall_office_id=office_id, business_group=business_group, day=day, person_id=person_id,
                            accepted_on=accepted_on, requested_at=utc_now(), status=REQUESTED, channel=channel,
                            province_code=office.province_code)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return session.execute(select(AllocationRequest).where(
            AllocationRequest.person_id == person_id, AllocationRequest.hall_office_id == office_id,
            AllocationRequest.business_group == business_group, AllocationRequest.day == day)).scalar_one()
    audit.record(session, "halls.place_requested", "hall_alloc_request", row.id, f"{business_group} {day}")
    return row


def capacity_of(session: Session, office_id: int, group: str, day: dt.date) -> int:
    return int(session.execute(select(func.coalesce(func.sum(Slot.capacity), 0)).where(
        Slot.hall_office_id == office_id, Slot.business_group == group, Slot.day == day,
        Slot.blocked.is_(False))).scalar_one())


def allocate(session: Session, *, office_id: int, business_group: str, day: dt.date,
             actor: Principal | None = None) -> AllocationRun:
    """Run the allocation of a day once: order the requests by the rule, give places in slot order."""
    plan = _plan(session, office_id, business_group)
    office = hall_office(session, office_id)
    seed = published_seed(office.code, business_group, day)
    run = AllocationRun(hall_office_id=office_id, business_group=business_group, day=day, rule=plan.allocation,
                        seed=seed, capacity=capacity_of(session, office_id, business_group, day), requests=0,
                        allocated=0, run_at=utc_now())
    try:
        with session.begin_nested():
            session.add(run)
            session.flush()
    except IntegrityError:
        raise AlreadyAllocated() from None
    requests = {r.id: r for r in session.execute(select(AllocationRequest).where(
        AllocationRequest.hall_office_id == office_id, AllocationRequest.business_group == business_group,
        AllocationRequest.day == day, AllocationRequest.status == REQUESTED)).scalars()}
    ranked = order(plan.allocation, [Applicant(r.id, r.accepted_on, r.requested_at) for r in requests.values()],
                   day=day, seed=seed)
    slot_ids = list(session.execute(select(Slot.id).where(
        Slot.hall_office_id == office_id, Slot.business_group == business_group, Slot.day == day,
        Slot.blocked.is_(False)).order_by(Slot.start_min)).scalars())
    for position, request_id in enumerate(ranked, start=1):
        r = requests[request_id]
        r.position = position
        r.status = UNSUCCESSFUL
        for slot_id in slot_ids:
            try:
                made = book(session, slot_id=slot_id, person_id=r.person_id, actor=None, channel=r.channel,
                            idempotency_key=f"alloc:{r.id}", allocated=True)
            except SlotFull:
                continue
            except Exception:  # a ban, a clash with another booking of the day: this applicant gets no place
                break
            r.status, r.booking_id = ALLOCATED, made.id
            run.allocated += 1
            break
        session.flush()
    run.requests = len(ranked)
    session.flush()
    for r in requests.values():
        _tell(session, r, office.name)
    audit.record(session, "halls.allocated", "hall_alloc_run", run.id,
                 f"{business_group} {day} {plan.allocation} seed {seed}: {run.allocated}/{run.requests} "
                 f"of {run.capacity}")
    return run


def _tell(session: Session, r: AllocationRequest, office_name: str) -> None:
    from jiaoguan.halls.models import Booking

    outcome = N_("a place was allocated; see your appointments.") if r.status == ALLOCATED else N_(
        "no place this time; please request another day.")
    params = {"group_msgid": group_name(r.business_group), "day": r.day.isoformat(), "office": office_name,
              "position": r.position or 0, "outcome_msgid": outcome}
    if r.booking_id is not None:
        b = session.get(Booking, r.booking_id)
        if b is not None:
            notify_person(session, b, "hall_allocation_result", params)
            return
    stub = Booking(person_id=r.person_id, booked_by=None, province_code=r.province_code)
    notify_person(session, stub, "hall_allocation_result", params)


def due_allocations(session: Session) -> int:
    """The job: allocate every day whose request window has closed and that has not been allocated."""
    plans = session.execute(select(SlotPlan).where(SlotPlan.allocation != Allocation.first_come)).scalars().all()
    done = 0
    for plan in plans:
        days = session.execute(select(AllocationRequest.day).where(
            AllocationRequest.hall_office_id == plan.hall_office_id,
            AllocationRequest.business_group == plan.business_group,
            AllocationRequest.status == REQUESTED).distinct()).scalars().all()
        for day in days:
            if today() > closes_on(plan, day) and session.execute(select(AllocationRun.id).where(
                    AllocationRun.hall_office_id == plan.hall_office_id,
                    AllocationRun.business_group == plan.business_group, AllocationRun.day == day)).first() is None:
                allocate(session, office_id=plan.hall_office_id, business_group=plan.business_group, day=day)
                done += 1
    return done


class Standing(View):
    request_id: int
    person_id: int
    accepted_on: dt.date
    status: str
    position: int | None


class AllocationFacts(View):
    """What is published of a day's allocation (no names)."""

    rule: str
    capacity: int
    closes_on: dt.date
    seed: str | None
    run_at: dt.datetime | None
    allocated: int


class DayAllocation(AllocationFacts):
    standings: list[Standing]


def day_allocation(session: Session, office_id: int, business_group: str, day: dt.date) -> DayAllocation:
    """Capacity, the rule, and every applicant's standing (position once allocated)."""
    plan = _plan(session, office_id, business_group)
    run = session.execute(select(AllocationRun).where(
        AllocationRun.hall_office_id == office_id, AllocationRun.business_group == business_group,
        AllocationRun.day == day)).scalar_one_or_none()
    rows = session.execute(select(AllocationRequest).where(
        AllocationRequest.hall_office_id == office_id, AllocationRequest.business_group == business_group,
        AllocationRequest.day == day).order_by(AllocationRequest.position.nulls_last(),
                                               AllocationRequest.accepted_on, AllocationRequest.id)).scalars()
    standings = [Standing(request_id=r.id, person_id=r.person_id, accepted_on=r.accepted_on, status=r.status,
                          position=r.position) for r in rows]
    return DayAllocation(rule=plan.allocation, capacity=capacity_of(session, office_id, business_group, day),
                         closes_on=closes_on(plan, day), seed=run.seed if run else None,
                         run_at=run.run_at if run else None, allocated=run.allocated if run else 0, standings=standings)
