"""Offices as the halls see them, their windows, opening hours and slot plans (the admin's schedule)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from jiaoguan.accounts.offices import OfficeView, office_of, offices_by_id
from jiaoguan.halls import rules
from jiaoguan.halls.errors import InvalidRules, InvalidSchedule, NotFoundHere
from jiaoguan.halls.models import HallOffice, HallWindow, OpeningHours, SlotPlan
from jiaoguan.halls.schedule import HOURS_KINDS, HoursRule
from jiaoguan.halls.view import View
from jiaoguan.halls.vocab import GROUPS, Allocation, Lane, OfficeKind
from jiaoguan.kit import audit


class HallOfficeView(View):
    id: int                 # the halls' own id (hall_office.id)
    office_id: int          # accounts' office id
    code: str
    name: str
    name_en: str
    kind: str
    address: str
    phone: str
    division_code: str
    province_code: str


def _view(h: HallOffice, o: OfficeView) -> HallOfficeView:
    return HallOfficeView(id=h.id, office_id=o.id, code=o.code, name=o.name, name_en=o.name_en, kind=h.kind,
                          address=h.address, phone=h.phone, division_code=o.division_code,
                          province_code=o.province_code)


def hall_offices(session: Session, province_code: str | None = None) -> list[HallOfficeView]:
    stmt = select(HallOffice).order_by(HallOffice.id)
    if province_code:
        stmt = stmt.where(HallOffice.province_code == province_code)
    rows = session.execute(stmt).scalars().all()
    base = offices_by_id(session, (h.office_id for h in rows))
    return sorted((_view(h, base[h.office_id]) for h in rows), key=lambda v: v.code)


def hall_office(session: Session, hall_office_id: int) -> HallOfficeView:
    row = session.get(HallOffice, hall_office_id)
    base = office_of(session, row.office_id) if row else None
    if row is None or base is None:
        raise NotFoundHere()
    return _view(row, base)


def hall_office_row(session: Session, hall_office_id: int) -> HallOffice:
    row = session.get(HallOffice, hall_office_id)
    if row is None:
        raise NotFoundHere()
    return row


def hall_office_for_staff(session: Session, office_id: int | None) -> HallOfficeView | None:
    """The hall of a clerk's office (accounts' office id), if the office has one."""
    if office_id is None:
        return None
    row = session.execute(select(HallOffice).where(HallOffice.office_id == office_id)).scalar_one_or_none()
    return hall_office(session, row.id) if row else None


def ensure_hall_office(session: Session, office_id: int, *, kind: str = OfficeKind.main, address: str = "",
                       phone: str = "") -> HallOffice:
    """The halls' details of an office, made on first use."""
    base = office_of(session, office_id)
    if base is None:
        raise NotFoundHere()
    row = session.execute(select(HallOffice).where(HallOffice.office_id == office_id)).scalar_one_or_none()
    if row is None:
        row = HallOffice(office_id=office_id, kind=OfficeKind(kind).value, address=address, phone=phone,
                         province_code=base.province_code)
        session.add(row)
        session.flush()
        audit.record(session, "halls.office", "hall_office", row.id, f"{base.code} {kind}")
    return row


def booking_rules(session: Session, hall_office_id: int) -> dict[str, int | bool]:
    """The office's booking rules (`halls.rules.RULES` and the exemption switches) as they stand."""
    row = hall_office_row(session, hall_office_id)
    return {name: getattr(row, name) for name in (*rules.BY_NAME, *rules.SWITCHES)}


def configure_office(session: Session, hall_office_id: int, **changes: int | bool) -> HallOffice:
    """Set some booking rules; the whole set is checked after the change (`halls.rules`), every problem named."""
    row = hall_office_row(session, hall_office_id)
    unknown = [n for n in changes if n not in rules.BY_NAME and n not in rules.SWITCHES]
    if unknown:
        raise InvalidSchedule(problem=", ".join(unknown))
    before = booking_rules(session, hall_office_id)
    after = {**before, **changes}
    problems = rules.problems(after)
    if problems:
        raise InvalidRules(problems)
    changed = {k: v for k, v in after.items() if before[k] != v}
    for name, value in changed.items():
        setattr(row, name, value)
    session.flush()
    if changed:
        audit.record(session, "halls.office_rules", "hall_office", row.id,
                     ", ".join(f"{k} {before[k]}→{v}" for k, v in changed.items()))
    return row


def add_window(session: Session, hall_office_id: int, code: str, *, lane: str = Lane.normal,
               groups: tuple[str, ...] = tuple(GROUPS)) -> HallWindow:
    hall_office_row(session, hall_office_id)
    unknown = [g for g in groups if g not in GROUPS]
    if unknown or not code.strip():
        raise InvalidSchedule(problem=", ".join(unknown) or "code")
    row = HallWindow(hall_office_id=hall_office_id, code=code.strip(), lane=Lane(lane).value, groups=" ".join(groups),
                     is_open=True)
    session.add(row)
    session.flush()
    audit.record(session, "halls.window", "hall_window", row.id, f"{code} {lane}")
    return row


def windows(session: Session, hall_office_id: int) -> list[HallWindow]:
    return list(session.execute(select(HallWindow).where(HallWindow.hall_office_id == hall_office_id)
                                .order_by(HallWindow.code)).scalars())


def set_window_open(session: Session, window_id: int, is_open: bool, clerk_user_id: int | None = None) -> HallWindow:
    row = session.get(HallWindow, window_id)
    if row is None:
        raise NotFoundHere()
    row.is_open = is_open
    if clerk_user_id is not None:
        row.clerk_user_id = clerk_user_id
    session.flush()
    audit.record(session, "halls.window_open" if is_open else "halls.window_closed", "hall_window", row.id, row.code)
    return row


def set_hours(session: Session, hall_office_id: int, rules: list[HoursRule]) -> list[OpeningHours]:
    """Replace the office's opening hours by `rules` (the schedule editor saves all of them at once)."""
    hall_office_row(session, hall_office_id)
    for r in rules:
        if r.kind not in HOURS_KINDS or not 0 <= r.weekday <= 6 or not 0 <= r.open_min < r.close_min <= 24 * 60:
            raise InvalidSchedule(problem=f"{r.kind} {r.weekday} {r.open_min}-{r.close_min}")
        if r.valid_from and r.valid_to and r.valid_to < r.valid_from:
            raise InvalidSchedule(problem=f"{r.valid_from} > {r.valid_to}")
    session.execute(delete(OpeningHours).where(OpeningHours.hall_office_id == hall_office_id))
    rows = [OpeningHours(hall_office_id=hall_office_id, kind=r.kind, weekday=r.weekday, open_min=r.open_min,
                         close_min=r.close_min, valid_from=r.valid_from, valid_to=r.valid_to) for r in rules]
    session.add_all(rows)
    session.flush()
    audit.record(session, "halls.hours", "hall_office", hall_office_id, f"{len(rows)} rules")
    return rows


def hours_rules(session: Session, hall_office_id: int) -> list[HoursRule]:
    rows = session.execute(select(OpeningHours).where(OpeningHours.hall_office_id == hall_office_id)
                           .order_by(OpeningHours.kind, OpeningHours.weekday, OpeningHours.open_min)).scalars()
    return [HoursRule(r.kind, r.weekday, r.open_min, r.close_min, r.valid_from, r.valid_to) for r in rows]


def set_plan(session: Session, hall_office_id: int, business_group: str, *, slot_minutes: int = 30,
             capacity: int = 5, scarce_capacity: int | None = None, allocation: str = Allocation.first_come,
             request_days: int = 10) -> SlotPlan:
    hall_office_row(session, hall_office_id)
    if business_group not in GROUPS or slot_minutes <= 0 or capacity <= 0:
        raise InvalidSchedule(problem=f"{business_group} {slot_minutes} {capacity}")
    if scarce_capacity is not None and not 0 <= scarce_capacity <= capacity:
        raise InvalidSchedule(problem=f"{scarce_capacity} > {capacity}")
    row = session.execute(select(SlotPlan).where(SlotPlan.hall_office_id == hall_office_id,
                                                 SlotPlan.business_group == business_group)).scalar_one_or_none()
    if row is None:
        row = SlotPlan(hall_office_id=hall_office_id, business_group=business_group)
        session.add(row)
    row.slot_minutes, row.capacity, row.scarce_capacity = slot_minutes, capacity, scarce_capacity
    row.allocation, row.request_days = Allocation(allocation).value, request_days
    session.flush()
    audit.record(session, "halls.plan", "hall_office", hall_office_id,
                 f"{business_group} {slot_minutes}min x{capacity} ({scarce_capacity}) {allocation}")
    return row


def plans(session: Session, hall_office_id: int) -> list[SlotPlan]:
    return list(session.execute(select(SlotPlan).where(SlotPlan.hall_office_id == hall_office_id)
                                .order_by(SlotPlan.business_group)).scalars())

