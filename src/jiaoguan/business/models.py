"""Tables of the business room (网上办 + 容缺办): the catalogue, applications, their documents, proxies, and the
batch (集中办理) and door-to-door (上门办理) service requests of key-material vehicles' enterprises.

Large tables carry `province_code` (the natural partition key, ARCHITECTURE.md "Runtime"). An application
keeps a snapshot of its business's catalogue entry and the workflow version it started on, so a changed
definition never breaks an application already in flight.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from jiaoguan.business.states import ACTIVE, OPEN, ServiceRequestStatus, Status
from jiaoguan.kit.db import Base
from jiaoguan.kit.states import Versioned, status_check

BigId = BigInteger().with_variant(Integer, "sqlite")
_OPEN = "status IN ({})".format(", ".join(f"'{s}'" for s in ACTIVE))
_OPEN_ONCE = "status IN ({})".format(", ".join(f"'{s}'" for s in OPEN))
# The inbox's order and keyset: a case without a due day (not yet accepted, or waiting on the applicant) sorts last
# within its priority, as the last day a date can be; the key is never NULL, so "after this case" is one range of
# the index. The query must spell the expression as the index does (inbox.due_key).
DUE_KEY = "coalesce(sla_due, '9999-12-31')"


class BusinessType(Base):
    """One business of the catalogue (A.2), edited by the administrator; lists are JSON or space-separated."""

    __tablename__ = "business_type"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    name_zh: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    group_code: Mapped[str] = mapped_column(String(16))
    channels: Mapped[str] = mapped_column(String(40))
    materials_json: Mapped[str] = mapped_column(Text)
    checks: Mapped[str] = mapped_column(Text, default="")
    sla_working_days: Mapped[int] = mapped_column(Integer)
    identity_level: Mapped[str] = mapped_column(String(12))
    proxy_allowed: Mapped[bool] = mapped_column(Boolean)
    subject: Mapped[str] = mapped_column(String(12))
    workflow: Mapped[str] = mapped_column(String(40))
    handling: Mapped[str] = mapped_column(String(12))
    provinces_json: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime]
    updated_by: Mapped[str] = mapped_column(String(120), default="")
    # Bumped on every change of the entry: the stamp by which each process knows its parsed catalogue is current.
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class BusinessApplication(Versioned, Base):
    """业务申请: one business asked for by a citizen (or their proxy), worked by a seat. The status moves only
    through the workflow it started on (`workflow`, e.g. `standard@1`)."""

    __tablename__ = "business_application"
    # The inbox reads open cases only (a few per cent of the table): partial indexes in calling order, one per
    # visibility part (inbox.py), with the status last so the counts per state are read from the index alone.
    __table_args__ = (Index("ix_business_application_queue", "province_code", "queue_role", "priority",
                            text(DUE_KEY), "id", "status",
                            postgresql_where=text(f"assignee_user_id IS NULL AND {_OPEN}"),
                            sqlite_where=text(f"assignee_user_id IS NULL AND {_OPEN}")),
                      Index("ix_business_application_assigned", "assignee_user_id", "priority", text(DUE_KEY), "id",
                            "status", postgresql_where=text(_OPEN), sqlite_where=text(_OPEN)),
                      Index("ix_business_application_open", "province_code", "priority", text(DUE_KEY), "id",
                            "status", postgresql_where=text(_OPEN), sqlite_where=text(_OPEN)),
                      # One open application per person, business and subject (a draft counts): two submissions
                      # at once cannot both pass (service.create_application names the one already open).
                      Index("ix_business_application_one_open", "applicant_user_id", "business_code", "subject_ref",
                            unique=True, postgresql_where=text(_OPEN_ONCE), sqlite_where=text(_OPEN_ONCE)),
                      status_check(Status))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    province_code: Mapped[str] = mapped_column(String(2))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"))
    business_code: Mapped[str] = mapped_column(String(40), index=True)
    definition_json: Mapped[str] = mapped_column(Text)     # the catalogue entry as it was at submission
    workflow: Mapped[str] = mapped_column(String(40))      # name@version pinned at creation
    status: Mapped[str] = mapped_column(String(24))
    channel: Mapped[str] = mapped_column(String(12), default="online")
    queue_role: Mapped[str] = mapped_column(String(24), default="online_seat")
    applicant_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)  # who it is for
    applicant_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    proxy_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)  # who applied for them
    locale: Mapped[str] = mapped_column(String(8), default="zh_Hans")  # the applicant's language
    subject_ref: Mapped[str] = mapped_column(String(40), default="")  # licence file no. or plate, as chosen
    licence_id: Mapped[int | None] = mapped_column(BigId)
    vehicle_id: Mapped[int | None] = mapped_column(BigId)
    plate_no: Mapped[str | None] = mapped_column(String(12), index=True)
    answers_json: Mapped[str] = mapped_column(Text, default="{}")
    later_materials: Mapped[str] = mapped_column(String(240), default="")  # 容缺: materials handed in later
    # 急事急办 (emergency), then 特事特办 (a vehicle holding an active key-material pass), then the rest
    emergency: Mapped[bool] = mapped_column(Boolean, default=False)
    emergency_reason: Mapped[str] = mapped_column(String(200), default="")
    key_pass_no: Mapped[str | None] = mapped_column(String(12))
    priority: Mapped[int] = mapped_column(Integer, default=2)
    assignee_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    owner_locked: Mapped[bool] = mapped_column(Boolean, default=False)  # 专人专办: only a supervisor reassigns
    in_person: Mapped[bool] = mapped_column(Boolean, default=False)    # fraud hook: switched to the window
    in_person_reason: Mapped[str] = mapped_column(String(80), default="")
    identity_level: Mapped[str] = mapped_column(String(12), default="real_name")
    identity_status: Mapped[str] = mapped_column(String(16), default="not_needed")  # not_needed|pending|verified|manual
    notice_json: Mapped[str] = mapped_column(Text, default="[]")  # the last 一次告知
    note: Mapped[str] = mapped_column(Text, default="")           # the seat's last words to the applicant
    created_at: Mapped[dt.datetime]
    submitted_at: Mapped[dt.datetime | None]
    accepted_on: Mapped[dt.date | None] = mapped_column(Date)
    sla_days: Mapped[int] = mapped_column(Integer, default=1)
    sla_due: Mapped[dt.date | None] = mapped_column(Date)
    clock_stops_json: Mapped[str] = mapped_column(Text, default="[]")  # [[start, end|null], …] waiting on the applicant
    finished_at: Mapped[dt.datetime | None]
    sla_kept: Mapped[bool | None] = mapped_column(Boolean)
    effect_json: Mapped[str] = mapped_column(Text, default="")  # what the register did
    delivery_method: Mapped[str] = mapped_column(String(12), default="none")  # none | post | collect
    delivery_address: Mapped[str] = mapped_column(String(200), default="")
    delivery_carrier: Mapped[str] = mapped_column(String(40), default="")
    delivery_tracking: Mapped[str] = mapped_column(String(40), default="")
    delivery_status: Mapped[str] = mapped_column(String(16), default="")  # posted | delivered | returned


class BusinessInboxCount(Base):
    """Open cases per (province, queue role, assignee, state), as signed deltas written by database triggers on
    `business_application` (migration 0180: -1 for a row as it was, +1 as it is, when one of the four changes) and
    folded into one row per key by the worker (`inbox.compact_counts`). Written only by the triggers and the fold;
    the inbox's tabs sum it."""

    __tablename__ = "business_inbox_count"
    # A restore loads it last, over what the triggers wrote while the applications went in (kit/backup/load.py).
    __table_args__ = (Index("ix_business_inbox_count_queue", "province_code", "queue_role"),
                      Index("ix_business_inbox_count_assignee", "assignee_user_id"),
                      {"info": {"trigger_maintained": True}})

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    province_code: Mapped[str] = mapped_column(String(2))
    queue_role: Mapped[str] = mapped_column(String(24))
    assignee_user_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(24))
    n: Mapped[int] = mapped_column(Integer)


class BusinessStep(Base):
    """The case's own history (the audit trail has it too): who moved it, from what to what, and why."""

    __tablename__ = "business_step"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("business_application.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    actor_role: Mapped[str] = mapped_column(String(24))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime]


class BusinessDocument(Base):
    """An uploaded material: the bytes live in the document store under their SHA-256."""

    __tablename__ = "business_document"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("business_application.id"), index=True)
    material_code: Mapped[str] = mapped_column(String(40))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(120))
    uploaded_by_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[dt.datetime]


class BusinessProxy(Base):
    """委托代办: a citizen lets a relative apply for them, for chosen businesses, until a date or revoked."""

    __tablename__ = "business_proxy"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    principal_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    proxy_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    relation: Mapped[str] = mapped_column(String(24))
    businesses: Mapped[str] = mapped_column(Text)  # space-separated business codes
    consent_text: Mapped[str] = mapped_column(Text)
    consented_at: Mapped[dt.datetime]
    expires_on: Mapped[dt.date] = mapped_column(Date)
    revoked_at: Mapped[dt.datetime | None]
    province_code: Mapped[str] = mapped_column(String(2))


class ServiceRequest(Versioned, Base):
    """集中办理 / 上门办理: an enterprise whose vehicles hold active key-material passes asks for its vehicles' own
    business to be handled in one batch at the hall or at its premises; a window clerk schedules it from the
    business inbox, where it is called as 特事特办 after the emergencies. (Moved here from the pass room; the
    table was `pass_service_request`.)"""

    __tablename__ = "business_service_request"
    __table_args__ = (status_check(ServiceRequestStatus),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    province_code: Mapped[str] = mapped_column(String(2), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    requested_by_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    kind: Mapped[str] = mapped_column(String(16))  # batch | door_to_door
    plates: Mapped[str] = mapped_column(Text)  # space-separated plate numbers
    business: Mapped[str] = mapped_column(Text)
    address: Mapped[str] = mapped_column(String(200), default="")
    contact_phone: Mapped[str] = mapped_column(String(20))
    preferred_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default=ServiceRequestStatus.requested.value)
    scheduled_for: Mapped[dt.datetime | None]
    scheduled_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    clerk_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime]
