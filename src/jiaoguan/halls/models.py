"""Tables of the halls room: office details, windows, opening hours, slot plans, slots, blackouts,
bookings (with the per-person day counter that enforces the daily cap), exemptions, fair-allocation
requests and runs, queue tickets and their per-lane counters.

Capacity lives in the database: a slot's `booked` only moves by a conditional UPDATE
(`booked < capacity`) and a CHECK refuses anything past capacity, so no interleaving of processes can
overbook. Times of day are minutes after local midnight (Beijing time), days are local dates.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from jiaoguan.halls.states import BookingStatus, TicketStatus
from jiaoguan.kit.db import Base
from jiaoguan.kit.states import Versioned, status_check

BigId = BigInteger().with_variant(Integer, "sqlite")


class HallOffice(Base):
    """The halls room's details of an office (the office itself is accounts' `office`)."""

    __tablename__ = "hall_office"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="main")
    address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    province_code: Mapped[str] = mapped_column(String(2), index=True)
    horizon_days: Mapped[int] = mapped_column(Integer, default=14)
    min_notice_minutes: Mapped[int] = mapped_column(Integer, default=60)
    hold_minutes: Mapped[int] = mapped_column(Integer, default=10)
    person_daily_cap: Mapped[int] = mapped_column(Integer, default=2)
    cancel_notice_minutes: Mapped[int] = mapped_column(Integer, default=30)
    checkin_early_minutes: Mapped[int] = mapped_column(Integer, default=30)
    checkin_late_minutes: Mapped[int] = mapped_column(Integer, default=15)
    no_show_limit: Mapped[int] = mapped_column(Integer, default=3)
    no_show_window_days: Mapped[int] = mapped_column(Integer, default=365)
    no_show_ban_days: Mapped[int] = mapped_column(Integer, default=30)
    # Who the no-show ban spares: people from this age on (0: nobody by age), the disabled, hotline bookings.
    exempt_elderly_age: Mapped[int] = mapped_column(Integer, default=70, server_default="70")
    exempt_disabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    exempt_hotline: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class HallWindow(Base):
    """A service window (窗口): its lane and the business groups it serves."""

    __tablename__ = "hall_window"
    __table_args__ = (UniqueConstraint("hall_office_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hall_office_id: Mapped[int] = mapped_column(ForeignKey("hall_office.id"), index=True)
    code: Mapped[str] = mapped_column(String(8))
    lane: Mapped[str] = mapped_column(String(16), default="normal")
    groups: Mapped[str] = mapped_column(String(200), default="")  # space-separated business groups
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    clerk_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class OpeningHours(Base):
    """Hours on a weekday: `regular`, `extended` (延时服务) or `weekend` (a weekend service day), within dates."""

    __tablename__ = "hall_hours"
    __table_args__ = (CheckConstraint("open_min < close_min", name="hours_order"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hall_office_id: Mapped[int] = mapped_column(ForeignKey("hall_office.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="regular")
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday
    open_min: Mapped[int] = mapped_column(Integer)
    close_min: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)


class SlotPlan(Base):
    """How an office's slots are cut for a business group: length, places, scarce places, allocation rule."""

    __tablename__ = "hall_slot_plan"
    __table_args__ = (UniqueConstraint("hall_office_id", "business_group"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hall_office_id: Mapped[int] = mapped_column(ForeignKey("hall_office.id"), index=True)
    business_group: Mapped[str] = mapped_column(String(16))
    slot_minutes: Mapped[int] = mapped_column(Integer, default=30)
    capacity: Mapped[int] = mapped_column(Integer, default=5)
    scarce_capacity: Mapped[int | None] = mapped_column(Integer)  # e.g. the heavy-vehicle inspection lane
    allocation: Mapped[str] = mapped_column(String(20), default="first_come")
    request_days: Mapped[int] = mapped_column(Integer, default=10)  # fair allocation: requests close N days before


class Slot(Base):
    __tablename__ = "hall_slot"
    __table_args__ = (
        UniqueConstraint("hall_office_id", "business_group", "day", "start_min"),
        CheckConstraint("booked >= 0 AND booked <= capacity", name="slot_capacity"),
        CheckConstraint("scarce_booked >= 0 AND (scarce_capacity IS NULL OR scarce_booked <= scarce_capacity)",
                        name="slot_scarce_capacity"),
        Index("ix_hall_slot_day", "hall_office_id", "day"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    hall_office_id: Mapped[int] = mapped_column(ForeignKey("hall_office.id"))
    business_group: Mapped[str] = mapped_column(String(16))
    day: Mapped[dt.date] = mapped_column(Date)
    start_min: Mapped[int] = mapped_column(Integer)
    end_min: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[dt.datetime]
    capacity: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer, default=0)
    scarce_capacity: Mapped[int | None] = mapped_column(Integer)
    scarce_booked: Mapped[int] = mapped_column(Integer, default=0)
    extended: Mapped[bool] = mapped_column(Boolean, default=False)
    weekend: Mapped[bool] = mapped_column(Boolean, default=False)
    allocation: Mapped[str] = mapped_column(String(20), default="first_come")
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)  # blacked out


class Blackout(Base):
    __tablename__ = "hall_blackout"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hall_office_id: Mapped[int] = mapped_column(ForeignKey("hall_office.id"), index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    start_min: Mapped[int] = mapped_column(Integer)
    end_min: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(200), default="")
    moved: Mapped[int] = mapped_column(Integer, default=0)
    cancelled: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime]


class Booking(Versioned, Base):
    __tablename__ = "hall_booking"
    __table_args__ = (status_check(BookingStatus), Index("ix_hall_booking_person_day", "person_id", "day"),
                      Index("ix_hall_booking_slot", "slot_id", "status"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("hall_slot.id"))
    hall_office_id: Mapped[int] = mapped_column(ForeignKey("hall_office.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    business_group: Mapped[str] = mapped_column(String(16))
    day: Mapped[dt.date] = mapped_column(Date)
    start_min: Mapped[int] = mapped_column(Integer)
    end_min: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="held")
    channel: Mapped[str] = mapped_column(String(16))
    booked_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    scarce: Mapped[bool] = mapped_column(Boolean, default=False)
    lane: Mapped[str] = mapped_column(String(16), default="normal")
    hold_expires_at: Mapped[dt.datetime | None]
    checkin_code: Mapped[str] = mapped_column(String(32), unique=True)
    business_ref: Mapped[str] = mapped_column(String(40), default="")
    province_code: Mapped[str] = mapped_column(String(2), index=True)
    created_at: Mapped[dt.datetime]
    note: Mapped[str] = mapped_column(String(200), default="")


class PersonDay(Base):
    """How many places a person takes on a day: the daily cap is a conditional UPDATE on this row."""

    __tablename__ = "hall_person_day"
    __table_args__ = (CheckConstraint("taken >= 0", name="person_day_taken"),)

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    taken: Mapped[int] = mapped_column(Integer, default=0)


class Exemption(Base):
    """A person the no-show ban does not apply to (disabled; other reasons a supervisor records)."""

    __tablename__ = "hall_exemption"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime]


class AllocationRequest(Base):
    """A request for a scarce place (an exam) on a day, allocated by the published rule after the window."""

    __tablename__ = "hall_alloc_request"
    __table_args__ = (UniqueConstraint("person_id", "hall_office_id", "business_group", "day"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    hall_office_id: Mapped[int] = mapped_column(ForeignKey("hall_office.id"), index=True)
    business_group: Mapped[str] = mapped_column(String(16))
    day: Mapped[dt.date] = mapped_column(Date)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    accepted_on: Mapped[dt.date] = mapped_column(Date)  # when the business was accepted (waiting since)
    requested_at: Mapped[dt.datetime]
    status: Mapped[str] = mapped_column(String(16), default="requested")  # requested|allocated|unsuccessful
    position: Mapped[int | None] = mapped_column(Integer)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("hall_booking.id"))
    channel: Mapped[str] = mapped_column(String(16), default="citizen")
    province_code: Mapped[str] = mapped_column(String(2))


class AllocationRun(Base):
    __tablename__ = "hall_alloc_run"
    __table_args__ = (UniqueConstraint("hall_office_id", "business_group", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hall_office_id: Mapped[int] = mapped_column(ForeignKey("hall_office.id"))
    business_group: Mapped[str] = mapped_column(String(16))
    day: Mapped[dt.date] = mapped_column(Date)
    rule: Mapped[str] = mapped_column(String(20))
    seed: Mapped[str] = mapped_column(String(64))
    capacity: Mapped[int] = mapped_column(Integer)
    requests: Mapped[int] = mapped_column(Integer)
    allocated: Mapped[int] = mapped_column(Integer)
    run_at: Mapped[dt.datetime]


class Ticket(Versioned, Base):
    """A queue ticket (排队号) of a day, numbered per lane."""

    __tablename__ = "hall_ticket"
    __table_args__ = (status_check(TicketStatus), UniqueConstraint("hall_office_id", "day", "lane", "seq"),
                      Index("ix_hall_ticket_queue", "hall_office_id", "day", "status"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    hall_office_id: Mapped[int] = mapped_column(ForeignKey("hall_office.id"))
    day: Mapped[dt.date] = mapped_column(Date)
    lane: Mapped[str] = mapped_column(String(16))
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(16))  # appointment | walk_in
    business_group: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("hall_booking.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    source: Mapped[str] = mapped_column(String(16))  # kiosk | clerk | checkin | hotline
    reference: Mapped[str] = mapped_column(String(40), default="")  # pass number, hotline case number
    appointment_at: Mapped[dt.datetime | None]
    issued_at: Mapped[dt.datetime]
    called_at: Mapped[dt.datetime | None]
    started_at: Mapped[dt.datetime | None]
    done_at: Mapped[dt.datetime | None]
    window_id: Mapped[int | None] = mapped_column(ForeignKey("hall_window.id"))
    for_window_id: Mapped[int | None] = mapped_column(ForeignKey("hall_window.id"))  # transferred to it
    calls: Mapped[int] = mapped_column(Integer, default=0)
    province_code: Mapped[str] = mapped_column(String(2))


class TicketCounter(Base):
    __tablename__ = "hall_ticket_counter"

    hall_office_id: Mapped[int] = mapped_column(ForeignKey("hall_office.id"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    lane: Mapped[str] = mapped_column(String(16), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


__all__ = ["AllocationRequest", "AllocationRun", "Blackout", "Booking", "Exemption", "HallOffice", "HallWindow",
           "OpeningHours", "PersonDay", "Slot", "SlotPlan", "Ticket", "TicketCounter"]
