"""Tables of the hotline room: emergency cases (急事急办), hotline tickets (专线服务电话) with their pauses,
notes and callback tasks, the reusable answers, and each province's desk settings.

Large tables carry `province_code`. Offices are named by their code (the halls room owns offices).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, Integer, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column

from jiaoguan.hotline.states import CaseStatus, TicketStatus
from jiaoguan.kit.db import Base
from jiaoguan.kit.states import Versioned, status_check

BigId = BigInteger().with_variant(Integer, "sqlite")

DEFAULT_DESK_OPENS = dt.time(9, 0)
DEFAULT_DESK_CLOSES = dt.time(17, 0)
# Working hours to answer each kind of call, and natural hours to finish an emergency case [I: configurable].
DEFAULT_TICKET_HOURS = {"consultation": 4.0, "help": 8.0, "appointment": 8.0}
DEFAULT_EMERGENCY_HOURS = 24.0


class HotlineSettings(Base):
    """One row per province: the desk's hours and the SLA budgets (defaults until an admin sets them)."""

    __tablename__ = "hotline_settings"

    province_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    desk_opens: Mapped[dt.time] = mapped_column(Time)
    desk_closes: Mapped[dt.time] = mapped_column(Time)
    consultation_hours: Mapped[float] = mapped_column(Float)
    help_hours: Mapped[float] = mapped_column(Float)
    appointment_hours: Mapped[float] = mapped_column(Float)
    emergency_hours: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[dt.datetime]


class EmergencyCase(Versioned, Base):
    """急事急办: an ambulance, an epidemic-response vehicle or a member of staff, with the unit's letter."""

    __tablename__ = "emergency_case"
    __table_args__ = (status_check(CaseStatus), Index("ix_emergency_case_province_status", "province_code", "status"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    province_code: Mapped[str] = mapped_column(String(2))
    office_code: Mapped[str | None] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))             # vocab.CASE_KINDS
    unit_name: Mapped[str] = mapped_column(String(120))        # the hospital, CDC, emergency centre
    business: Mapped[str] = mapped_column(String(200))         # what is to be done (e.g. 补领行驶证)
    plate_no: Mapped[str | None] = mapped_column(String(12))
    applicant_name: Mapped[str] = mapped_column(String(60))
    applicant_phone: Mapped[str] = mapped_column(String(20))
    applicant_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    applicant_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    evidence_sha256: Mapped[str] = mapped_column(String(64))
    evidence_filename: Mapped[str] = mapped_column(String(200))
    evidence_media_type: Mapped[str] = mapped_column(String(40))
    evidence_bytes: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default=CaseStatus.registered.value)
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    registered_by_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    sla_hours: Mapped[float] = mapped_column(Float)
    due_at: Mapped[dt.datetime]
    registered_at: Mapped[dt.datetime]
    accepted_at: Mapped[dt.datetime | None]
    started_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    # Where it was served: the halls room's emergency-lane ticket, the business room's application.
    halls_ticket_ref: Mapped[str | None] = mapped_column(String(40))
    business_ref: Mapped[str | None] = mapped_column(String(40))


class HotlineTicket(Versioned, Base):
    """专线服务电话: one call (consultation, help or appointment) and what the desk did about it."""

    __tablename__ = "hotline_ticket"
    __table_args__ = (status_check(TicketStatus), Index("ix_hotline_ticket_province_status", "province_code", "status"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    province_code: Mapped[str] = mapped_column(String(2))
    type: Mapped[str] = mapped_column(String(12))             # vocab.TICKET_TYPES
    status: Mapped[str] = mapped_column(String(16), default=TicketStatus.open.value)
    caller_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    caller_name: Mapped[str] = mapped_column(String(60))
    caller_phone: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(Text)
    agent_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    budget_hours: Mapped[float] = mapped_column(Float)
    opened_at: Mapped[dt.datetime]
    due_at: Mapped[dt.datetime | None]                       # None while the clock is stopped
    closed_at: Mapped[dt.datetime | None]
    sla_kept: Mapped[bool | None] = mapped_column(Boolean)
    resolution: Mapped[str | None] = mapped_column(Text)
    booking_ref: Mapped[str | None] = mapped_column(String(40))  # the halls room's booking, for appointments


class TicketPause(Base):
    """A stretch of time the ticket waited on the caller: the SLA clock did not run."""

    __tablename__ = "hotline_ticket_pause"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("hotline_ticket.id"), index=True)
    started_at: Mapped[dt.datetime]
    ended_at: Mapped[dt.datetime | None]
    reason: Mapped[str] = mapped_column(String(200), default="")


class TicketNote(Base):
    """What the agent told the caller (an answer, possibly a reusable one) or noted."""

    __tablename__ = "hotline_ticket_note"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("hotline_ticket.id"), index=True)
    author_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    at: Mapped[dt.datetime]
    body: Mapped[str] = mapped_column(Text)
    answer_key: Mapped[str | None] = mapped_column(String(60))


class CallbackTask(Base):
    """Call the caller back by a time (回访/回电)."""

    __tablename__ = "hotline_callback"
    __table_args__ = (Index("ix_hotline_callback_open", "assignee_user_id", "done_at", "due_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    province_code: Mapped[str] = mapped_column(String(2))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("hotline_ticket.id"), index=True)
    assignee_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    due_at: Mapped[dt.datetime]
    note: Mapped[str] = mapped_column(String(400), default="")
    created_at: Mapped[dt.datetime]
    done_at: Mapped[dt.datetime | None]
    reminded: Mapped[bool] = mapped_column(Boolean, default=False)


class HotlineAnswer(Base):
    """A reusable answer to a common question, in Chinese and English, loaded from a data file."""

    __tablename__ = "hotline_answer"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    question_zh: Mapped[str] = mapped_column(Text)
    question_en: Mapped[str] = mapped_column(Text)
    answer_zh: Mapped[str] = mapped_column(Text)
    answer_en: Mapped[str] = mapped_column(Text)
    tags: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[dt.datetime]
