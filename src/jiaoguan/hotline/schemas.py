"""JSON shapes of the hotline API (requests in, responses out). ID numbers never leave unmasked."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from jiaoguan.hotline.models import EmergencyCase


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
