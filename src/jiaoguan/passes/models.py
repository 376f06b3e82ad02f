"""Tables of the key-material transport pass (重点物资运输车辆通行证): settings, keys, applications,
issued passes, pass-number counters, checkpoints and their scan log, driver links.

Large tables carry `province_code` (the natural partition key, ARCHITECTURE.md "Runtime").
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jiaoguan.kit.db import Base
from jiaoguan.kit.states import Versioned, status_check
from jiaoguan.passes.states import ApplicationStatus, PassStatus

BigId = BigInteger().with_variant(Integer, "sqlite")

DEFAULT_MAX_VALIDITY_DAYS = 15  # Guizhou's maximum (REFERENCE B.2), the default until a province says otherwise
DEFAULT_REVIEW_WORKING_DAYS = 3  # "审核时间不超过3个工作日" (B.2)


class PassProvinceSettings(Base):
    """One row per province: how long a pass may run, the review SLA, how pass numbers are areaed."""

    __tablename__ = "pass_province_settings"

    province_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    max_validity_days: Mapped[int] = mapped_column(Integer, default=DEFAULT_MAX_VALIDITY_DAYS)
    review_working_days: Mapped[int] = mapped_column(Integer, default=DEFAULT_REVIEW_WORKING_DAYS)
    number_area: Mapped[str] = mapped_column(String(12), default="province")  # province | prefecture
    issuer_name: Mapped[str] = mapped_column(String(120), default="")
    verification_phone: Mapped[str] = mapped_column(String(20), default="")
    updated_at: Mapped[dt.datetime]


class PassAutoApprovalRule(Base):
    """自动审批: an application that fits every condition of an enabled rule is approved on receipt."""

    __tablename__ = "pass_auto_approval_rule"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province_code: Mapped[str] = mapped_column(String(2), index=True)
    name: Mapped[str] = mapped_column(String(80))
    cargo_categories: Mapped[str] = mapped_column(String(240), default="")  # space-separated; empty = any
    require_good_standing: Mapped[bool] = mapped_column(Boolean, default=True)
    max_days: Mapped[int | None] = mapped_column(Integer)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime]


class PassSigningKey(Base):
    """The national root (kind "root") or a province's signing key; the private key is encrypted PKCS#8."""

    __tablename__ = "pass_signing_key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kid: Mapped[str] = mapped_column(String(16), unique=True)  # hex of the 8-byte kid
    kind: Mapped[str] = mapped_column(String(8))  # root | signing
    province_code: Mapped[str | None] = mapped_column(String(2), index=True)
    certificate_pem: Mapped[str] = mapped_column(Text)
    private_key_pem: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="active")  # active | retired | revoked
    not_after: Mapped[dt.datetime]
    created_at: Mapped[dt.datetime]
    retired_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(Text)


class PassBatch(Base):
    """One CSV upload by a fleet manager, with the report of its rows."""

    __tablename__ = "pass_batch"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    uploaded_by_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    filename: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime]
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_accepted: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    problems_json: Mapped[str] = mapped_column(Text, default="[]")


class PassApplication(Versioned, Base):
    """通行证申请: the template's fields as the enterprise filled them in. Its status moves only through
    `passes.states.APPLICATION`."""

    __tablename__ = "pass_application"
    __table_args__ = (Index("ix_pass_application_review", "province_code", "status", "sla_due"),
                      status_check(ApplicationStatus))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    province_code: Mapped[str] = mapped_column(String(2))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    applicant_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("pass_batch.id"), index=True)
    batch_line: Mapped[int | None] = mapped_column(Integer)
    contact_name: Mapped[str] = mapped_column(String(60))
    contact_phone: Mapped[str] = mapped_column(String(20))
    plate_no: Mapped[str] = mapped_column(String(12), index=True)
    plate_colour: Mapped[str] = mapped_column(String(16))
    vin: Mapped[str] = mapped_column(String(17))
    transport_cert_no: Mapped[str] = mapped_column(String(40))
    origin_code: Mapped[str] = mapped_column(String(6))
    origin_address: Mapped[str] = mapped_column(String(200))
    destination_code: Mapped[str] = mapped_column(String(6))
    destination_address: Mapped[str] = mapped_column(String(200))
    consignor: Mapped[str] = mapped_column(String(120))
    consignor_contact: Mapped[str] = mapped_column(String(80), default="")
    consignee: Mapped[str] = mapped_column(String(120))
    consignee_contact: Mapped[str] = mapped_column(String(80), default="")
    cargo_category: Mapped[str] = mapped_column(String(24))
    cargo_name: Mapped[str] = mapped_column(String(120))
    cargo_quantity: Mapped[str] = mapped_column(String(60))
    cargo_weight_kg: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default=ApplicationStatus.pending.value)
    submitted_at: Mapped[dt.datetime]
    sla_due: Mapped[dt.date] = mapped_column(Date)
    decided_at: Mapped[dt.datetime | None]
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    refusal_code: Mapped[str | None] = mapped_column(String(40))
    decision_note: Mapped[str | None] = mapped_column(Text)
    auto_rule_id: Mapped[int | None] = mapped_column(ForeignKey("pass_auto_approval_rule.id"))
    # The owner's authorisation for a vehicle outside the applicant's fleet: the stored file's name under
    # documents/ (its SHA-256 and extension) and the name it was uploaded under.
    authorisation_doc: Mapped[str | None] = mapped_column(String(80))
    authorisation_name: Mapped[str | None] = mapped_column(String(200))


class PassCrewMember(Base):
    """司乘人员: driver first, then escorts; full data stay here, the QR carries them masked."""

    __tablename__ = "pass_crew_member"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("pass_application.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(12), default="driver")  # driver | escort
    name: Mapped[str] = mapped_column(String(60))
    id_number: Mapped[str] = mapped_column(String(18))
    phone: Mapped[str] = mapped_column(String(20))


class PassNumberCounter(Base):
    """The last serial used in one issuing area; locked for every issuance so numbers have no gaps."""

    __tablename__ = "pass_number_counter"

    division_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    last_serial: Mapped[int] = mapped_column(Integer, default=0)


class TransportPass(Versioned, Base):
    """An issued pass and its current QR. Its status moves only through `passes.states.PASS`: active,
    revoked, or key_revoked (signed by a revoked key, waiting for re-issue)."""

    __tablename__ = "transport_pass"
    __table_args__ = (status_check(PassStatus),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    pass_no: Mapped[str] = mapped_column(String(12), unique=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("pass_application.id"), unique=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    province_code: Mapped[str] = mapped_column(String(2), index=True)
    plate_no: Mapped[str] = mapped_column(String(12), index=True)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date] = mapped_column(Date)
    key_id: Mapped[int] = mapped_column(ForeignKey("pass_signing_key.id"), index=True)
    qr_text: Mapped[str] = mapped_column(Text)
    issued_at: Mapped[dt.datetime]
    signed_at: Mapped[dt.datetime]
    status: Mapped[str] = mapped_column(String(12), default=PassStatus.active.value, index=True)
    revoked_at: Mapped[dt.datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    reissue_count: Mapped[int] = mapped_column(Integer, default=0)


class Checkpoint(Base):
    """A checkpoint (检查站 / 高速出口) where officers verify passes."""

    __tablename__ = "checkpoint"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(160), default="")
    province_code: Mapped[str] = mapped_column(String(2), index=True)
    division_code: Mapped[str] = mapped_column(String(6))
    lanes: Mapped[int] = mapped_column(Integer, default=4)


class CheckpointScan(Base):
    """One verification at a checkpoint, made online or synced later from an offline device.

    `scan_uid` is generated by the client for offline scans, so a batch sent twice is stored once.
    """

    __tablename__ = "checkpoint_scan"
    __table_args__ = (Index("ix_checkpoint_scan_at", "checkpoint_id", "scanned_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    scan_uid: Mapped[str] = mapped_column(String(64), unique=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoint.id"))
    lane: Mapped[str] = mapped_column(String(12))
    officer_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    scanned_at: Mapped[dt.datetime]
    received_at: Mapped[dt.datetime]
    valid: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(String(40))
    plate_no: Mapped[str | None] = mapped_column(String(12))
    pass_no: Mapped[str | None] = mapped_column(String(12), index=True)
    check_ms: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(8))  # online | offline
    province_code: Mapped[str] = mapped_column(String(2))


class PassDriverLink(Base):
    """A link that opens one pass's e-pass on a crew member's phone without a sign-in (issue 9.6): sent by SMS
    through the outbox, signed with the installation's secret, expiring the day after the pass, revocable by
    the enterprise. Only the token's SHA-256 is kept."""

    __tablename__ = "pass_driver_link"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    pass_id: Mapped[int] = mapped_column(ForeignKey("transport_pass.id"), index=True)
    crew_position: Mapped[int] = mapped_column(Integer)
    phone: Mapped[str] = mapped_column(String(20))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime]
    created_by_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
