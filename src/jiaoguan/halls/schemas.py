"""Request and response models of the halls room's JSON API."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from jiaoguan.halls.allocation import AllocationFacts, DayAllocation
from jiaoguan.halls.booking import BookingFacts, BookingView
from jiaoguan.halls.offices import HallOfficeView
from jiaoguan.halls.queue import Board, TicketView, WindowState
from jiaoguan.halls.slots import SlotView

TIME = r"^(([01]?\d|2[0-3]):[0-5]\d|24:00)$"  # HH:MM, 00:00 to 24:00


# The services' views are the answers where they are the same (`halls.view.View`: pydantic models).
OfficeOut = HallOfficeView
SlotOut = SlotView
TicketOut = TicketView
BoardOut = Board
WindowOut = WindowState


class BookingIn(BaseModel):
    slot_id: int
    idempotency_key: str = Field(min_length=8, max_length=100)
    hold: bool = True
    id_number: str | None = Field(default=None, description="Another person's ID number (proxy, hotline, window)")
    on_behalf_of: int | None = Field(default=None, description="A proxy (代办): the user id of the person who "
                                     "authorised them for this business")
    scarce: bool = False


class RescheduleIn(BaseModel):
    slot_id: int
    idempotency_key: str = Field(min_length=8, max_length=100)


class CancelIn(BaseModel):
    reason: str = Field(default="", max_length=200)


class BookingOut(BookingFacts):
    office_id: int
    checkin_url: str
    by_proxy: bool      # 代办: booked by someone the person authorised
    proxy_name: str     # who, for a booking by proxy ("" otherwise)

    @classmethod
    def of(cls, v: BookingView, proxy_name: str = "") -> BookingOut:
        facts = {name: getattr(v, name) for name in BookingFacts.model_fields}
        return cls(**facts, office_id=v.hall_office_id, checkin_url=f"/halls/bookings/{v.id}/qr.svg",
                   by_proxy=v.by_proxy, proxy_name=proxy_name if v.by_proxy else "")


class CheckInIn(BaseModel):
    code: str = Field(min_length=8, max_length=64)


class WalkInIn(BaseModel):
    office_id: int
    business_group: str
    id_number: str | None = None
    plate_no: str = Field(default="", max_length=12)
    assisted: bool = False


class TransferIn(BaseModel):
    window_id: int


class HallOut(BaseModel):
    office: HallOfficeView
    windows: list[WindowState]
    waiting: list[TicketView]
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
    """An office's booking rules; those left out stay as they are. Bounds and the checks between rules are
    `halls.rules` (one place for the page, the API and the service): a problem answers 422 `halls.invalid_rules`
    naming every rule at fault."""

    horizon_days: int | None = None
    min_notice_minutes: int | None = None
    hold_minutes: int | None = None
    person_daily_cap: int | None = None
    cancel_notice_minutes: int | None = None
    checkin_early_minutes: int | None = None
    checkin_late_minutes: int | None = None
    no_show_limit: int | None = None
    no_show_window_days: int | None = None
    no_show_ban_days: int | None = None
    exempt_elderly_age: int | None = None
    exempt_disabled: bool | None = None
    exempt_hotline: bool | None = None


class ScheduleIn(BaseModel):
    hours: list[HoursIn]
    plans: list[PlanIn]
    rules: RulesIn | None = None
    generate_days: int = Field(default=14, ge=0, le=60)


class ScheduleOut(BaseModel):
    office_id: int
    hours: list[HoursIn]
    plans: list[PlanIn]
    rules: RulesIn
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
    on_behalf_of: int | None = None


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


class AllocationOut(AllocationFacts):
    requests: int
    standings: list[StandingOut]

    @classmethod
    def of(cls, a: DayAllocation, person_id: int | None) -> AllocationOut:
        facts = {name: getattr(a, name) for name in AllocationFacts.model_fields}
        return cls(**facts, requests=len(a.standings),
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
