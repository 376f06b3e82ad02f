"""JSON shapes of the hotline API (requests in, responses out). ID numbers never leave unmasked."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, Field, PlainSerializer, WithJsonSchema

from jiaoguan.hotline.models import CallbackTask, EmergencyCase, HotlineAnswer, HotlineTicket, TicketNote


class CaseOut(BaseModel):
    id: int
    status: str
    version: int
    kind: str
    unit_name: str
    business: str
    plate_no: str | None
    applicant_name: str
    province_code: str
    office_code: str | None
    owner_user_id: int | None
    sla_hours: float
    due_at: dt.datetime
    registered_at: dt.datetime
    accepted_at: dt.datetime | None
    started_at: dt.datetime | None
    closed_at: dt.datetime | None
    sla_kept: bool | None = Field(description="Known once the case is completed")
    evidence_sha256: str
    evidence_media_type: str
    refusal_reason: str | None
    halls_ticket_ref: str | None
    business_ref: str | None

    @classmethod
    def of(cls, c: EmergencyCase) -> CaseOut:
        kept = c.closed_at <= c.due_at if c.closed_at is not None and c.status == "completed" else None
        return cls(id=c.id, status=c.status, version=c.version, kind=c.kind, unit_name=c.unit_name,
                   business=c.business, plate_no=c.plate_no, applicant_name=c.applicant_name,
                   province_code=c.province_code, office_code=c.office_code, owner_user_id=c.owner_user_id,
                   sla_hours=c.sla_hours, due_at=c.due_at, registered_at=c.registered_at, accepted_at=c.accepted_at,
                   started_at=c.started_at, closed_at=c.closed_at, sla_kept=kept,
                   evidence_sha256=c.evidence_sha256, evidence_media_type=c.evidence_media_type,
                   refusal_reason=c.refusal_reason, halls_ticket_ref=c.halls_ticket_ref, business_ref=c.business_ref)


class CaseActionIn(BaseModel):
    action: Literal["accept", "start", "complete", "refuse", "reassign"]
    version: int | None = Field(default=None, description="The version you saw; a stale one is refused (409)")
    owner_user_id: int | None = Field(default=None, description="accept (by a supervisor) and reassign")
    reason: str = Field(default="", max_length=1000, description="refuse")


class CallerOut(BaseModel):
    person_id: int
    name: str
    id_number_masked: str
    phone: str | None
    province_code: str


class TicketIn(BaseModel):
    type: Literal["consultation", "help", "appointment"]
    subject: str = Field(max_length=2000)
    caller_person_id: int | None = None
    caller_name: str = Field(default="", max_length=60)
    caller_phone: str = Field(default="", max_length=20)


class TicketOut(BaseModel):
    id: int
    type: str
    status: str
    version: int
    province_code: str
    caller_person_id: int | None
    caller_name: str
    caller_phone: str
    subject: str
    agent_user_id: int
    budget_hours: float = Field(description="Working hours at the desk to answer this kind of call")
    opened_at: dt.datetime
    due_at: dt.datetime | None = Field(description="None while the clock is stopped (waiting on the caller)")
    closed_at: dt.datetime | None
    sla_state: str = Field(description="on_time, due_soon, overdue, stopped, kept or missed")
    sla_kept: bool | None
    resolution: str | None
    booking_ref: str | None

    @classmethod
    def of(cls, t: HotlineTicket, sla_state: str) -> TicketOut:
        return cls(id=t.id, type=t.type, status=t.status, version=t.version, province_code=t.province_code,
                   caller_person_id=t.caller_person_id, caller_name=t.caller_name, caller_phone=t.caller_phone,
                   subject=t.subject, agent_user_id=t.agent_user_id, budget_hours=t.budget_hours,
                   opened_at=t.opened_at, due_at=t.due_at, closed_at=t.closed_at, sla_state=sla_state,
                   sla_kept=t.sla_kept, resolution=t.resolution, booking_ref=t.booking_ref)


class NoteIn(BaseModel):
    body: str = Field(max_length=4000)
    answer_key: str | None = Field(default=None, max_length=60, description="The reusable answer used, if any")


class NoteOut(BaseModel):
    id: int
    ticket_id: int
    author_user_id: int
    at: dt.datetime
    body: str
    answer_key: str | None

    @classmethod
    def of(cls, n: TicketNote) -> NoteOut:
        return cls(id=n.id, ticket_id=n.ticket_id, author_user_id=n.author_user_id, at=n.at, body=n.body,
                   answer_key=n.answer_key)


class TicketActionIn(BaseModel):
    action: Literal["wait", "resume", "close"]
    version: int | None = None
    reason: str = Field(default="", max_length=200, description="wait: what the desk waits for")
    resolution: str = Field(default="", max_length=2000, description="close")


class CallbackIn(BaseModel):
    due_at: dt.datetime = Field(description="When to call back; a time without a zone is Beijing time")
    note: str = Field(default="", max_length=400)


class CallbackOut(BaseModel):
    id: int
    ticket_id: int
    assignee_user_id: int
    due_at: dt.datetime
    note: str
    done_at: dt.datetime | None

    @classmethod
    def of(cls, c: CallbackTask) -> CallbackOut:
        return cls(id=c.id, ticket_id=c.ticket_id, assignee_user_id=c.assignee_user_id, due_at=c.due_at,
                   note=c.note, done_at=c.done_at)


class TicketDetailOut(BaseModel):
    ticket: TicketOut
    notes: list[NoteOut]
    callbacks: list[CallbackOut]


class AnswerOut(BaseModel):
    key: str
    question_zh: str
    question_en: str
    answer_zh: str
    answer_en: str
    tags: list[str]

    @classmethod
    def of(cls, a: HotlineAnswer) -> AnswerOut:
        return cls(key=a.key, question_zh=a.question_zh, question_en=a.question_en, answer_zh=a.answer_zh,
                   answer_en=a.answer_en, tags=a.tags.split())


class SlaRowOut(BaseModel):
    type: str
    closed: int
    kept: int
    kept_share: float | None
    open_by_state: dict[str, int]


class OfficeOut(BaseModel):
    id: int = Field(description="The hall office's id (halls room)")
    code: str
    name: str
    name_en: str
    address: str
    phone: str


class SlotOut(BaseModel):
    id: int
    day: dt.date
    start: str
    end: str
    remaining: int
    extended: bool
    weekend: bool


class BookIn(BaseModel):
    slot_id: int


class BookedOut(BaseModel):
    ticket: TicketOut
    booking_id: int
    hall_office_id: int
    day: dt.date
    start: str
    end: str
    status: str
    channel: str
    checkin_code: str


class WindowTicketIn(BaseModel):
    hall_office_id: int = Field(description="The hall office (halls room) where the applicant is")


# A local clock time as "HH:MM": JSON Schema's "time" format is RFC 3339's, which wants a UTC offset that desk
# hours (Beijing local time) do not have; schemathesis held the API to it.
ClockTime = Annotated[dt.time, PlainSerializer(lambda t: t.strftime("%H:%M"), return_type=str),
                      WithJsonSchema({"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$",
                                      "examples": ["09:00"]})]


class DeskSettingsIO(BaseModel):
    """A province's desk hours (local time, working days) and time limits."""

    province_code: str = Field(pattern=r"^\d{2}$")
    opens: ClockTime
    closes: ClockTime
    consultation_hours: float = Field(gt=0, le=400)
    help_hours: float = Field(gt=0, le=400)
    appointment_hours: float = Field(gt=0, le=400)
    emergency_hours: float = Field(gt=0, le=400, description="Natural hours for an emergency case")


class OnlineApplicationIn(BaseModel):
    business_code: str = Field(max_length=40, description="A business of the catalogue offered online")
