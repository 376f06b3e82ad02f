"""JSON shapes of the batch (集中办理) and door-to-door (上门办理) requests."""

from __future__ import annotations

import datetime as dt

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator


class ServiceRequestIn(BaseModel):
    kind: str = Field(pattern="^(batch|door_to_door)$")
    plates: list[str] = Field(min_length=1, max_length=200)
    business: str = Field(min_length=1, max_length=1000)
    contact_phone: str = Field(max_length=20)
    address: str = Field(default="", max_length=200)
    preferred_date: dt.date | None = None


class ScheduleIn(BaseModel):
    when: AwareDatetime
    note: str = Field(default="", max_length=500)
    version: int | None = None


class ServiceRequestOut(BaseModel):
    """Read straight from the row (`model_validate(row)`): the field list is the table's, named once."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    province_code: str
    enterprise_id: int
    kind: str
    plates: list[str]
    business: str
    address: str
    contact_phone: str
    preferred_date: dt.date | None
    status: str
    scheduled_for: dt.datetime | None
    clerk_note: str | None
    created_at: dt.datetime

    @field_validator("plates", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        return value.split() if isinstance(value, str) else value
