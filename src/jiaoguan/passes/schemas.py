"""JSON shapes of the pass API (requests in, responses out)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from jiaoguan.kit.ids.masking import mask_id_number, mask_name
from jiaoguan.passes.applications.form import ApplicationInput, CrewInput
from jiaoguan.passes.models import PassApplication, PassCrewMember, TransportPass


class CrewIn(BaseModel):
    name: str = Field(max_length=60)
    id_number: str = Field(max_length=30)
    phone: str = Field(max_length=30)


class ApplicationFields(BaseModel):
    """What an applicant writes: taken by the API and given back with the application."""

    plate_no: str = Field(max_length=20)
    plate_colour: str = Field(max_length=20)
    vin: str = Field(max_length=30)
    transport_cert_no: str = Field(max_length=60)
    origin_code: str = Field(max_length=10)
    origin_address: str = Field(max_length=300)
    destination_code: str = Field(max_length=10)
    destination_address: str = Field(max_length=300)
    consignor: str = Field(max_length=200)
    consignor_contact: str = Field(default="", max_length=120)
    consignee: str = Field(max_length=200)
    consignee_contact: str = Field(default="", max_length=120)
    cargo_category: str = Field(max_length=40)
    cargo_name: str = Field(max_length=200)
    cargo_quantity: str = Field(max_length=100)
    valid_from: dt.date
    valid_to: dt.date
    contact_name: str = Field(max_length=100)
    contact_phone: str = Field(max_length=30)


class ApplicationIn(ApplicationFields):
    crew: list[CrewIn] = Field(max_length=10)
    cargo_weight_kg: int | str

    def to_input(self) -> ApplicationInput:
        data = self.model_dump(exclude={"crew"})
        data["cargo_weight_kg"] = str(data["cargo_weight_kg"])
        return ApplicationInput(crew=tuple(CrewInput(c.name, c.id_number, c.phone) for c in self.crew), **data)


class RefuseIn(BaseModel):
    reason: str = Field(max_length=40)
    note: str = Field(default="", max_length=1000)


class RevokeIn(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


class VerifyIn(BaseModel):
    qr: str = Field(min_length=1, max_length=4500)  # a QR holds at most 4,296 alphanumeric characters
    checkpoint: str = Field(max_length=20)
    lane: str = Field(default="1", max_length=12)
    plate: str | None = Field(default=None, max_length=20)
    scan_id: str | None = Field(default=None, max_length=64)
    check_ms: int | None = Field(default=None, ge=0)


class ScanIn(BaseModel):
    scan_id: str = Field(min_length=1, max_length=64)
    checkpoint: str = Field(max_length=20)
    lane: str = Field(default="1", max_length=12)
    scanned_at: dt.datetime
    valid: bool
    reason: str | None = Field(default=None, max_length=40)
    plate: str | None = Field(default=None, max_length=20)
    pass_no: str | None = Field(default=None, max_length=12)
    check_ms: int | None = Field(default=None, ge=0)


class ScanBatchIn(BaseModel):
    scans: list[ScanIn] = Field(max_length=1000)


# --- responses ------------------------------------------------------------------------------------------


class CrewOut(BaseModel):
    role: str = Field(description="driver or escort")
    name: str = Field(description="Masked (张*丰) where the reader may not see personal data")
    id_number: str = Field(description="Masked (110105********1234) where the reader may not see personal data")
    phone: str | None = Field(description="Null when masked")

    @classmethod
    def of(cls, m: PassCrewMember, *, masked: bool) -> CrewOut:
        return cls(role=m.role, name=mask_name(m.name) if masked else m.name,
                   id_number=mask_id_number(m.id_number) if masked else m.id_number,
                   phone=None if masked else m.phone)


class ApplicationOut(ApplicationFields):
    id: int
    status: str = Field(description="pending, approved, refused or withdrawn")
    province_code: str
    cargo_weight_kg: int
    submitted_at: dt.datetime
    sla_due: dt.date = Field(description="The review is due by this working day")
    decided_at: dt.datetime | None
    refusal_code: str | None
    decision_note: str | None
    auto_rule_id: int | None = Field(description="The auto-approval rule that approved it, if one did")
    batch_id: int | None
    batch_line: int | None = Field(description="Its line in the CSV batch it came from")
    crew: list[CrewOut]
    pass_no: str | None = Field(description="The pass issued for it, once approved")

    @classmethod
    def of(cls, app: PassApplication, crew: list[PassCrewMember], pass_row: TransportPass | None,
           *, masked: bool = False) -> ApplicationOut:
        return cls(**_columns(app, cls, exclude={"crew", "pass_no"}), crew=[CrewOut.of(m, masked=masked) for m in crew],
                   pass_no=pass_row.pass_no if pass_row else None)


class ReviewItemOut(ApplicationOut):
    working_days_left: int = Field(description="Working days left until the review is due (negative: overdue)")


class PassOut(BaseModel):
    pass_no: str
    status: str = Field(description="active, revoked or key_revoked (grey until re-issued)")
    plate_no: str
    province_code: str
    valid_from: dt.date
    valid_to: dt.date
    issued_at: dt.datetime
    signed_at: dt.datetime
    qr: str = Field(description="The QR text (JG1:…)")
    revoked_at: dt.datetime | None
    revoked_reason: str | None
    reissue_count: int
    application_id: int

    @classmethod
    def of(cls, p: TransportPass) -> PassOut:
        return cls(**_columns(p, cls, exclude={"qr"}), qr=p.qr_text)


def _columns(row: object, model: type[BaseModel], *, exclude: set[str]) -> dict[str, Any]:
    """The row's attributes named like the model's fields (the rest the caller gives)."""
    return {name: getattr(row, name) for name in model.model_fields if name not in exclude and hasattr(row, name)}


class RowProblemOut(BaseModel):
    line: int
    column: str = Field(description="The column's code; empty for a problem of the whole file or row")
    code: str = Field(description="Stable code, e.g. csv.too_large or passes.overlap")
    message_zh: str
    message_en: str


class BatchLineOut(BaseModel):
    line: int
    application_id: int


class BatchReportOut(BaseModel):
    batch_id: int
    rows: int
    accepted: int
    rejected: int
    applications: list[BatchLineOut]
    problems: list[RowProblemOut]


class VerifyOut(BaseModel):
    """Online verification: the offline verdict, the register's word and the logged scan."""

    valid: bool
    reason: str | None = Field(description="Why not valid (a reason code of the verifier); null when valid")
    message_zh: str
    message_en: str
    kid: str | None = Field(description="The signing key's id (hex)")
    authentic: bool = Field(description="The signature checked out (claims of a forged pass are not authentic)")
    claims: dict[str, Any] | None = Field(description="What the QR says, when it could be read")
    registered: bool = Field(description="The pass is in this installation's register")
    pass_status: str | None = None
    scan_id: str | None = None
    checked_at: dt.datetime | None = None
    duplicate: bool = Field(description="A scan with this id was already logged (a retried request)")


class RejectedScanOut(BaseModel):
    scan_id: str
    code: str


class SyncReportOut(BaseModel):
    accepted: int
    duplicates: int
    rejected: list[RejectedScanOut]
    accepted_ids: list[str]
    duplicate_ids: list[str]


class HourOut(BaseModel):
    hour: int
    released: int
    denied: int


class DenialOut(BaseModel):
    reason: str
    count: int
    message_zh: str
    message_en: str


class FiguresOut(BaseModel):
    checkpoint: str
    day: dt.date
    total: int
    released: int
    denied: int
    offline: int
    median_check_ms: int | None
    per_hour: list[HourOut]
    denials_by_reason: list[DenialOut]


class SignerOut(BaseModel):
    kid: str
    spki: str = Field(description="SubjectPublicKeyInfo, base64 DER")
    not_before: int = Field(description="Unix seconds")
    not_after: int = Field(description="Unix seconds")
    may_sign_passes: bool
    province: str | None = Field(description="The 2-digit province the key signs for")


class OfflineTrustOut(BaseModel):
    """The trust bundle opened for the checkpoint page's offline verifier, with the limits it must apply."""

    version: int
    issued_at: int
    issued_at_iso: str
    max_age_seconds: int
    prefix: str
    algorithms: list[int]
    clock_skew_seconds: int
    max_qr_chars: int
    max_decompressed: int
    cbor_max_depth: int
    cbor_max_items: int
    cbor_max_string: int
    revocation_hash_bytes: int
    signers: list[SignerOut]
    revoked_kids: list[str]
    revoked_pass_hashes: list[str]


# --- the register's signed credentials (passes/credentials.py) ---------------------------------------

class CredentialContentOut(BaseModel):
    kind: str = Field(description="e_licence | learner_permit_proof")
    number: str = Field(description="Document number: province-document id-serial")
    name: str = Field(description="The holder's name, masked")
    id_number: str = Field(description="The holder's ID number, masked")
    classes: str
    valid_from: str
    valid_until: str | None = Field(description="None for a long-term licence")


class CredentialOut(BaseModel):
    document_id: int
    qr: str = Field(description="The QR text (JGD1:…), signed by the province's key")
    content: CredentialContentOut


class CredentialVerifyIn(BaseModel):
    qr: str = Field(max_length=5000)


class CredentialCheckOut(BaseModel):
    valid: bool
    reason: str | None = Field(description="The verifier's stable reason code when not valid")
    message: str
    content: CredentialContentOut | None = Field(description="What the credential says, when it is authentic")
