"""Effects on vehicles: 预选号牌, 申领临时号牌, 补换领号牌 / 行驶证 / 检验合格标志, 免检车申领检验标志."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.kit.context import Actor
from jiaoguan.kit.errors import InvalidInput
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.ids import require_plate, require_vin
from jiaoguan.registry import rules
from jiaoguan.registry.changes.base import EffectResult, done, person_row, refused, reissue, vehicle_row
from jiaoguan.registry.models import Person, PreselectedPlate, TemporaryPlate, Vehicle, Violation
from jiaoguan.registry.rules import Refusal

ActorLike = Principal | Actor | None
VEHICLE_DOCUMENTS = {"plate": "plate-replace", "vehicle_licence": "vehicle-licence-replace",
                     "sticker": "sticker-replace"}
OPEN_VIOLATION = ("recorded", "handled")


def open_violations_of_vehicle(session: Session, vehicle_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Violation).where(
        Violation.vehicle_id == vehicle_id, Violation.status.in_(OPEN_VIOLATION))) or 0


def _refuse_gone(v: Vehicle) -> None:
    if v.status in ("scrapped", "cancelled"):
        raise refused(Refusal("vehicle_gone", N_("The vehicle is scrapped or deregistered."), "Decree 164 art 36"))


def preselect_plate(session: Session, *, person_id: int, vin: str, plate_no: str, actor: ActorLike, on: dt.date,
                    plate_type: str = "02", hold_working_days: int = rules.DEFAULT_PLATE_HOLD_WORKING_DAYS,
                    business: str = "plate-preselect-new") -> EffectResult:
    """预选号牌: one selection per VIN (ever), a number neither registered nor held, held for the office's
    working days (holidays roll forward)."""
    person = person_row(session, person_id)
    vin = require_vin(vin).value or vin
    number = require_plate(plate_no).value or plate_no
    already = Refusal("vin_already_selected", N_("A number has already been selected for this VIN."),
                      "local rule (one selection per VIN)", N_("Use the number already selected."))
    if session.scalar(select(PreselectedPlate.id).where(PreselectedPlate.vin == vin)) is not None:
        raise refused(already)
    taken = session.scalar(select(Vehicle.id).where(Vehicle.plate_no == number, Vehicle.plate_type == plate_type))
    held = session.scalar(select(PreselectedPlate.id).where(
        PreselectedPlate.plate_no == number, PreselectedPlate.plate_type == plate_type,
        PreselectedPlate.status == "held", PreselectedPlate.valid_until >= on))
    if taken is not None or held is not None:
        raise refused(Refusal("plate_taken", N_("This number is registered or held by someone else."),
                              "Decree 164 art 44", N_("Choose another number.")))
    until = rules.plate_hold_until(on, hold_working_days)
    row = PreselectedPlate(person_id=person.id, plate_no=number, plate_type=plate_type, vin=vin, selected_on=on,
                           valid_until=until, status="held", province_code=person.province_code)
    try:
        with session.begin_nested():   # a concurrent selection for the same VIN loses on the unique key
            session.add(row)
            session.flush()
    except IntegrityError:
        raise refused(already) from None
    result = EffectResult(business, "preselected-plate", row.id, N_("Number %(plate)s is held until %(until)s."),
                          {"plate": number, "until": until.isoformat()},
                          {"plate_no": number, "vin": vin, "valid_until": until.isoformat()})
    return done(session, result, actor=actor, on=on, province=person.province_code, person_id=person.id,
                summary=f"{number} held for {vin} until {until}")


def preselect_transfer_plate(session: Session, *, person_id: int, vin: str, plate_no: str, actor: ActorLike,
                             on: dt.date, plate_type: str = "02",
                             hold_working_days: int = rules.DEFAULT_PLATE_HOLD_WORKING_DAYS) -> EffectResult:
    return preselect_plate(session, person_id=person_id, vin=vin, plate_no=plate_no, actor=actor, on=on,
                           plate_type=plate_type, hold_working_days=hold_working_days,
                           business="plate-preselect-transfer")


def issue_temporary_plate(session: Session, *, person_id: int, vin: str, actor: ActorLike, on: dt.date, days: int,
                          insurance_valid_until: dt.date, replacement: bool = False) -> EffectResult:
    """申领临时号牌 (Decree 164 arts 46–47, 51): ≤ 30 days (15 while plates are remade), ≤ 3 per vehicle,
    never beyond the compulsory insurance."""
    person = person_row(session, person_id)
    vin = require_vin(vin).value or vin
    registered = session.scalar(select(Vehicle.id).where(Vehicle.vin == vin))
    if registered is not None and not replacement:
        raise refused(Refusal("vehicle_registered", N_("This vehicle is registered and has its plates."),
                              "Decree 164 art 46", N_("Apply for replacement plates instead.")))
    # The owner's row is locked while the issues are counted: two requests at once cannot both take the 3rd.
    session.execute(select(Person.id).where(Person.id == person.id).with_for_update())
    before = session.scalar(select(func.count()).select_from(TemporaryPlate).where(TemporaryPlate.vin == vin)) or 0
    try:
        until = rules.temporary_plate_until(on=on, days=days, issued_before=before,
                                            insurance_until=insurance_valid_until, replacement=replacement)
    except Refusal as r:
        raise refused(r) from None
    row = TemporaryPlate(vin=vin, person_id=person.id, plate_no="t" + uuid.uuid4().hex[:11],
                         reason="replacement" if replacement else "unregistered", valid_from=on, valid_until=until,
                         insurance_valid_until=insurance_valid_until, province_code=person.province_code)
    session.add(row)
    session.flush()
    row.plate_no = f"临{person.province_code}{row.id:07d}"[:12]
    session.flush()
    result = EffectResult("temporary-plate", "temporary-plate", row.id,
                          N_("Temporary plate %(plate)s, valid until %(until)s."),
                          {"plate": row.plate_no, "until": until.isoformat()},
                          {"plate_no": row.plate_no, "valid_until": until.isoformat(), "issue": before + 1})
    return done(session, result, actor=actor, on=on, province=person.province_code, person_id=person.id,
                summary=f"temporary plate {row.plate_no} for {vin} until {until} (issue {before + 1})")


def replace_vehicle_document(session: Session, *, vehicle_id: int, kind: str, actor: ActorLike,
                             on: dt.date) -> EffectResult:
    """补换领号牌 (same number, art 51) / 行驶证 (art 52) / 检验合格标志 (art 57: 交强险 must be valid)."""
    if kind not in VEHICLE_DOCUMENTS:
        raise InvalidInput(N_("Unknown vehicle document."), code="registry.unknown_document", field="kind")
    v = vehicle_row(session, vehicle_id)
    _refuse_gone(v)
    if kind == "sticker" and v.insurance_valid_until < on:
        raise refused(Refusal("insurance_lapsed", N_("The compulsory insurance ended on %(date)s."),
                              "Decree 164 art 57", N_("Renew the compulsory insurance (交强险) first."),
                              {"date": v.insurance_valid_until.isoformat()}))
    doc = reissue(session, subject_type="vehicle", subject_id=v.id, kind=kind, reason="replacement", on=on,
                  province=v.province_code, person_id=v.owner_person_id,
                  valid_until=v.inspection_valid_until if kind == "sticker" else None)
    result = EffectResult(VEHICLE_DOCUMENTS[kind], "vehicle", v.id,
                          N_("A replacement is issued (number %(serial)s); the old one is void."),
                          {"serial": doc.serial}, {"document": kind, "document_serial": doc.serial}, (doc.id,))
    return done(session, result, actor=actor, on=on, province=v.province_code, person_id=v.owner_person_id,
                summary=f"{kind} replaced: document {doc.serial}")


def replace_plate(session: Session, *, vehicle_id: int, actor: ActorLike, on: dt.date) -> EffectResult:
    return replace_vehicle_document(session, vehicle_id=vehicle_id, kind="plate", actor=actor, on=on)


def replace_vehicle_licence(session: Session, *, vehicle_id: int, actor: ActorLike, on: dt.date) -> EffectResult:
    return replace_vehicle_document(session, vehicle_id=vehicle_id, kind="vehicle_licence", actor=actor, on=on)


def replace_sticker(session: Session, *, vehicle_id: int, actor: ActorLike, on: dt.date) -> EffectResult:
    return replace_vehicle_document(session, vehicle_id=vehicle_id, kind="sticker", actor=actor, on=on)


def issue_exempt_sticker(session: Session, *, vehicle_id: int, actor: ActorLike, on: dt.date) -> EffectResult:
    """免检车申领检验标志 (Decree 164 arts 54–56): an inspection-exempt vehicle gets the electronic sticker,
    valid two years on, when 交强险 is valid and its violations are closed."""
    v = vehicle_row(session, vehicle_id)
    _refuse_gone(v)
    if not rules.inspection_exempt(vehicle_type=v.vehicle_type, use_nature=v.use_nature, seats=v.seats,
                                   registered=v.registration_date, on=on):
        raise refused(Refusal("not_exempt", N_("This vehicle is not exempt from on-site inspection."),
                              "Decree 164 art 54", N_("Book an inspection at a test station.")))
    try:
        until = rules.exempt_sticker_until(valid_until=v.inspection_valid_until,
                                           insurance_until=v.insurance_valid_until,
                                           open_violations=open_violations_of_vehicle(session, v.id), on=on)
    except Refusal as r:
        raise refused(r) from None
    before = v.inspection_valid_until
    v.inspection_valid_until, v.missed_cycles = until, 0
    doc = reissue(session, subject_type="vehicle", subject_id=v.id, kind="e_sticker", reason="exempt", on=on,
                  province=v.province_code, person_id=v.owner_person_id, valid_until=until)
    result = EffectResult("exempt-sticker", "vehicle", v.id,
                          N_("Electronic inspection sticker issued, valid until %(until)s."),
                          {"until": until.isoformat()}, {"inspection_valid_until": until.isoformat()}, (doc.id,))
    return done(session, result, actor=actor, on=on, province=v.province_code, person_id=v.owner_person_id,
                summary=f"exempt sticker: inspection {before} -> {until}")
