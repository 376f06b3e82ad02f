"""What every effect shares: its result, its refusal, the audit record and the domain event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.kit import audit, events
from jiaoguan.kit.context import Actor
from jiaoguan.kit.errors import JiaoguanError, NotFound
from jiaoguan.kit.i18n import N_, translate
from jiaoguan.registry.models import DrivingLicence, Person, RegistryDocument, Vehicle
from jiaoguan.registry.rules import Refusal

#: Emitted once per effect: {"business", "subject_type", "subject_id", "province", "day", "person"}.
CHANGED_EVENT = "registry.changed"


class EffectRefused(JiaoguanError):
    """A rule refused the change. The body names the rule (`rule`, an English msgid translated into
    `detail`), its `article` and what would satisfy it (`remedy`): one item of a 一次告知 notice."""

    status_code = 422
    code = "registry.refused"
    message = N_("The register cannot make this change.")

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.rule, **refusal.params)
        self.code = f"registry.{refusal.reason}"   # the rule's stable reason, e.g. registry.licence_detained
        self.refusal = refusal

    def problem_members(self) -> dict[str, Any]:
        r = self.refusal
        return {"rule": r.rule, "article": r.article,
                "remedy": translate(r.remedy, None, **r.params) if r.remedy else None}


class LicenceNotFound(NotFound):
    code = "registry.licence_not_found"
    message = N_("There is no such licence.")


class VehicleNotFound(NotFound):
    code = "registry.vehicle_not_found"
    message = N_("There is no such vehicle.")


class RecordNotFound(NotFound):
    code = "registry.record_not_found"
    message = N_("There is no such record.")


@dataclass(frozen=True)
class EffectResult:
    """What an effect did to the register: the subject changed, a sentence (msgid + params) for the
    applicant, the fields as they now stand (JSON values), the documents issued and any 容缺 obligation."""

    business: str
    subject_type: str           # licence | vehicle | person | violation | preselected-plate | temporary-plate
    subject_id: int
    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)
    changed: Mapping[str, Any] = field(default_factory=dict)
    documents: tuple[int, ...] = ()
    obligation_id: int | None = None

    def text(self, locale: str | None = None) -> str:
        return translate(self.msgid, locale, **self.params)


def as_actor(actor: Principal | Actor | None) -> Actor | None:
    return actor.actor if isinstance(actor, Principal) else actor


def refused(refusal: Refusal) -> EffectRefused:
    return EffectRefused(refusal)


def licence_row(session: Session, licence_id: int) -> DrivingLicence:
    row = session.get(DrivingLicence, licence_id)
    if row is None:
        raise LicenceNotFound()
    return row


def vehicle_row(session: Session, vehicle_id: int) -> Vehicle:
    row = session.get(Vehicle, vehicle_id)
    if row is None:
        raise VehicleNotFound()
    return row


def person_row(session: Session, person_id: int) -> Person:
    row = session.get(Person, person_id)
    if row is None:
        raise RecordNotFound()
    return row


def iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def reissue(session: Session, *, subject_type: str, subject_id: int, kind: str, reason: str, on: dt.date,
            province: str, person_id: int | None, valid_until: dt.date | None = None) -> RegistryDocument:
    """Void the valid document of this kind on the record (if any) and issue the next one."""
    current = session.scalars(select(RegistryDocument).where(
        RegistryDocument.subject_type == subject_type, RegistryDocument.subject_id == subject_id,
        RegistryDocument.kind == kind).order_by(RegistryDocument.serial.desc())).all()
    for doc in current:
        if doc.status == "valid":
            doc.status, doc.voided_on = "void", on
    doc = RegistryDocument(subject_type=subject_type, subject_id=subject_id, person_id=person_id, kind=kind,
                           serial=(current[0].serial + 1) if current else 1, reason=reason, issued_on=on,
                           valid_until=valid_until, status="valid", province_code=province)
    session.add(doc)
    session.flush()
    return doc


def done(session: Session, result: EffectResult, *, actor: Principal | Actor | None, on: dt.date, province: str,
         person_id: int | None, summary: str) -> EffectResult:
    """Audit the change with its actor and emit `registry.changed`, in the caller's transaction."""
    audit.record(session, f"registry.{result.business}", result.subject_type, result.subject_id, summary,
                 actor=as_actor(actor))
    payload: dict[str, Any] = {"business": result.business, "subject_type": result.subject_type,
                               "subject_id": result.subject_id, "province": province, "day": on.isoformat()}
    if person_id is not None:
        payload["person"] = str(person_id)
    events.emit(session, CHANGED_EVENT, payload, province_code=province)
    return result
