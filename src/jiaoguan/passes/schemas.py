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


class ApplicationIn(BaseModel):
    plate_no: str = Field(max_length=20)
    plate_colour: str = Field(max_length=20)
    vin: str = Field(max_length=30)
    transport_cert_no: str = Field(max_length=60)
    crew: list[CrewIn] = Field(max_length=10)
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
    cargo_weight_kg: int | str
    valid_from: dt.date
    valid_to: dt.date
    contact_name: str = Field(max_length=100)
    contact_phone: str = Field(max_length=30)

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


def crew_json(crew: list[PassCrewMember], *, masked: bool) -> list[dict[str, Any]]:

    return [{"role": m.role, "name": mask_name(m.name) if masked else m.name,
             "id_number": mask_id_number(m.id_number) if masked else m.id_number,
             "phone": None if masked else m.phone} for m in crew]


def application_json(app: PassApplication, crew: list[PassCrewMember], pass_row: TransportPass | None,
                     *, masked: bool = False) -> dict[str, Any]:
    return {
        "id": app.id, "status": app.status, "province_code": app.province_code, "plate_no": app.plate_no,
        "plate_colour": app.plate_colour, "vin": app.vin, "transport_cert_no": app.transport_cert_no,
        "origin_code": app.origin_code, "origin_address": app.origin_address,
        "destination_code": app.destination_code, "destination_address": app.destination_address,
        "consignor": app.consignor, "consignee": app.consignee, "cargo_category": app.cargo_category,
        "cargo_name": app.cargo_name, "cargo_quantity": app.cargo_quantity, "cargo_weight_kg": app.cargo_weight_kg,
        "valid_from": app.valid_from.isoformat(), "valid_to": app.valid_to.isoformat(),
        "submitted_at": app.submitted_at.isoformat(), "sla_due": app.sla_due.isoformat(),
        "decided_at": app.decided_at.isoformat() if app.decided_at else None,
        "refusal_code": app.refusal_code, "decision_note": app.decision_note, "auto_rule_id": app.auto_rule_id,
        "batch_id": app.batch_id, "batch_line": app.batch_line,
        "crew": crew_json(crew, masked=masked),
        "pass_no": pass_row.pass_no if pass_row else None,
    }


def pass_json(p: TransportPass) -> dict[str, Any]:
    return {
        "pass_no": p.pass_no, "status": p.status, "plate_no": p.plate_no, "province_code": p.province_code,
        "valid_from": p.valid_from.isoformat(), "valid_to": p.valid_to.isoformat(),
        "issued_at": p.issued_at.isoformat(), "signed_at": p.signed_at.isoformat(), "qr": p.qr_text,
        "revoked_at": p.revoked_at.isoformat() if p.revoked_at else None, "revoked_reason": p.revoked_reason,
        "reissue_count": p.reissue_count, "application_id": p.application_id,
    }
