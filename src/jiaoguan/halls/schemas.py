"""Request and response models of the halls room's JSON API."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from jiaoguan.halls.allocation import DayAllocation
from jiaoguan.halls.booking import BookingView
from jiaoguan.halls.offices import HallOfficeView
from jiaoguan.halls.queue import Board, TicketView, WindowState
from jiaoguan.halls.slots import SlotView

TIME = r"^(([01]?\d|2[0-3]):[0-5]\d|24:00)$"  # HH:MM, 00:00 to 24:00


class OfficeOut(BaseModel):
    id: int
    code: str
    name: str
    name_en: str
    kind: str
    address: str
    phone: str
    division_code: str
    province_code: str

    @classmethod
    def of(cls, v: HallOfficeView) -> OfficeOut:
        return cls(id=v.id, code=v.code, name=v.name, name_en=v.name_en, kind=v.kind, address=v.address,
                   phone=v.phone, division_code=v.division_code, province_code=v.province_code)


class SlotOut(BaseModel):
    id: int
    business_group: str
    day: dt.date
    start: str
    end: str
    capacity: int
    remaining: int
    scarce_capacity: int | None
    scarce_remaining: int | None
    extended: bool
    weekend: bool
    allocation: str

    @classmethod
    def of(cls, v: SlotView) -> SlotOut:
        return cls(id=v.id, business_group=v.business_group, day=v.day, start=v.start, end=v.end, capacity=v.capacity,
                   remaining=v.remaining, scarce_capacity=v.scarce_capacity, scarce_remaining=v.scarce_remaining,
                   extended=v.extended, weekend=v.weekend, allocation=v.allocation)


class BookingIn(BaseModel):
    slot_id: int
    idempotency_key: str = Field(min_length=8, max_length=100)
    hold: bool = True
    id_number: str | None = Field(default=None, description="Another person's ID number (proxy, hotline, window)")
    scarce: bool = False


class RescheduleIn(BaseModel):
    slot_id: int
    idempotency_key: str = Field(min_length=8, max_length=100)


class CancelIn(BaseModel):
    reason: str = Field(default="", max_length=200)


class BookingOut(BaseModel):
    id: int
    slot_id: int
    office_id: int
    business_group: str
    day: dt.date
    start: str
    end: str
    status: str
    channel: str
    lane: str
    hold_expires_at: dt.datetime | None
    checkin_code: str
    checkin_url: str
    version: int

    @classmethod
    def of(cls, v: BookingView) -> BookingOut:
        return cls(id=v.id, slot_id=v.slot_id, office_id=v.hall_office_id, business_group=v.business_group, day=v.day,
                   start=v.start, end=v.end, status=v.status, channel=v.channel, lane=v.lane,
                   hold_expires_at=v.hold_expires_at, checkin_code=v.checkin_code,
                   checkin_url=f"/halls/bookings/{v.id}/qr.svg", version=v.version)


class CheckInIn(BaseModel):
    code: str = Field(min_length=8, max_length=64)


class WalkInIn(BaseModel):
    office_id: int
    business_group: str
    id_number: str | None = None
    plate_no: str = Field(default="", max_length=12)
    assisted: bool = False


class TicketOut(BaseModel):
    id: int
    number: str
    lane: str
    kind: str
    business_group: str
    status: str
    issued_at: dt.datetime
    appointment_at: dt.datetime | None
    window: str | None
    reference: str
    ahead: int
    wait_seconds: int
    hint: str
    calls: int
    version: int

    @classmethod
    def of(cls, v: TicketView) -> TicketOut:
        return cls(id=v.id, number=v.number, lane=v.lane, kind=v.kind, business_group=v.business_group, status=v.status,
                   issued_at=v.issued_at, appointment_at=v.appointment_at, window=v.window, reference=v.reference,
                   ahead=v.ahead, wait_seconds=v.wait_seconds, hint=v.hint, calls=v.calls, version=v.version)


class TransferIn(BaseModel):
    window_id: int


class BoardCallOut(BaseModel):
    number: str
    window: str
    called_at: dt.datetime
    calls: int
    lane: str


class BoardOut(BaseModel):
    office: str
    calls: list[BoardCallOut]
    waiting: dict[str, int]
    stamp: str

    @classmethod
    def of(cls, b: Board) -> BoardOut:
        return cls(office=b.office, calls=[BoardCallOut(number=c.number, window=c.window, called_at=c.called_at,
                                                        calls=c.calls, lane=c.lane) for c in b.calls],
                   waiting=b.waiting, stamp=b.stamp)


class WindowOut(BaseModel):
    id: int
    code: str
    lane: str
    groups: list[str]
    is_open: bool
    current: TicketOut | None

    @classmethod
    def of(cls, w: WindowState) -> WindowOut:
        return cls(id=w.id, code=w.code, lane=w.lane, groups=w.groups, is_open=w.is_open,
                   current=TicketOut.of(w.current) if w.current else None)


class HallOut(BaseModel):
    office: OfficeOut
    windows: list[WindowOut]
    waiting: list[TicketOut]
    mean_service_seconds: float
    bookings_today: int


class HoursIn(BaseModel):
    kind: str = Field(pattern="^(regular|extended|weekend)$")
    weekday: int = Field(ge=0, le=6)
    opens: str = Field(pattern=TIME)
    closes: str = Field(pattern=TIME)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class PlanIn(BaseModel):
    business_group: str
    slot_minutes: int = Field(ge=5, le=480)
    capacity: int = Field(ge=1, le=500)
    scarce_capacity: int | None = Field(default=None, ge=0)
    allocation: str = Field(default="first_come", pattern="^(first_come|acceptance_order|lottery)$")
    request_days: int = Field(default=10, ge=0, le=60)


class RulesIn(BaseModel):
    """An office's booking rules; those left out stay as they are."""

    horizon_days: int | None = Field(default=None, ge=0, le=90)
    min_notice_minutes: int | None = Field(default=None, ge=0, le=7 * 24 * 60)
    hold_minutes: int | None = Field(default=None, ge=1, le=60)
    person_daily_cap: int | None = Field(default=None, ge=1, le=10)
    cancel_notice_minutes: int | None = Field(default=None, ge=0, le=7 * 24 * 60)
    checkin_early_minutes: int | None = Field(default=None, ge=0, le=24 * 60)
    checkin_late_minutes: int | None = Field(default=None, ge=0, le=24 * 60)
    no_show_limit: int | None = Field(default=None, ge=0, le=100)
    no_show_window_days: int | None = Field(default=None, ge=1, le=3650)
    no_show_ban_days: int | None = Field(default=None, ge=0, le=3650)


class ScheduleIn(BaseModel):
    hours: list[HoursIn]
    plans: list[PlanIn]
    rules: RulesIn | None = None
    generate_days: int = Field(default=14, ge=0, le=60)


class ScheduleOut(BaseModel):
    office_id: int
    hours: list[HoursIn]
    plans: list[PlanIn]
    slots_made: int


class BlackoutIn(BaseModel):
    day: dt.date
    start: str = Field(pattern=TIME)
    end: str = Field(pattern=TIME)
    reason: str = Field(min_length=1, max_length=200)


class BlackoutOut(BaseModel):
    id: int
    day: dt.date
    moved: int
    cancelled: int


class PlaceRequestIn(BaseModel):
    office_id: int
    business_group: str = "exam"
    day: dt.date
    accepted_on: dt.date
    id_number: str | None = None


class PlaceRequestOut(BaseModel):
    id: int
    day: dt.date
    status: str
    position: int | None


class StandingOut(BaseModel):
    request_id: int
    accepted_on: dt.date
    status: str
    position: int | None
    mine: bool


class AllocationOut(BaseModel):
    rule: str
    capacity: int
    closes_on: dt.date
    seed: str | None
    run_at: dt.datetime | None
    allocated: int
    requests: int
    standings: list[StandingOut]

    @classmethod
    def of(cls, a: DayAllocation, person_id: int | None) -> AllocationOut:
        return cls(rule=a.rule, capacity=a.capacity, closes_on=a.closes_on, seed=a.seed, run_at=a.run_at,
                   allocated=a.allocated, requests=len(a.standings),
                   standings=[StandingOut(request_id=s.request_id, accepted_on=s.accepted_on, status=s.status,
                                          position=s.position, mine=s.person_id == person_id)
                              for s in a.standings])


class WindowOpenIn(BaseModel):
    is_open: bool


class ExemptionIn(BaseModel):
    id_number: str = Field(min_length=15, max_length=18)
    reason: str = Field(pattern="^(disabled|other)$")
    note: str = Field(default="", max_length=200)


class ExemptionOut(BaseModel):
    person_id: int
    reason: str
    note: str
