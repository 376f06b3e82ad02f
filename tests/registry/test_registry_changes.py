"""Each business's real effect on the register (issue 11.4), audited with its actor."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.kit.audit.models import AuditRecord
from jiaoguan.kit.context import Actor
from jiaoguan.registry.changes import EFFECTS, EffectRefused, apply
from jiaoguan.registry.changes.licences import BadContact
from jiaoguan.registry.models import Deferral, PreselectedPlate, RegistryDocument, TemporaryPlate
from tests.factories import registry as f

D = dt.date.fromisoformat
ON = D("2026-11-02")
SEAT = Actor(42, "online_seat", "seat42")


def _audit(db: Session, action: str) -> list[AuditRecord]:
    return list(db.scalars(select(AuditRecord).where(AuditRecord.action == action)))


def _cards(db: Session, licence_id: int, kind: str = "licence_card") -> list[tuple[int, str]]:
    rows = db.scalars(select(RegistryDocument).where(RegistryDocument.subject_id == licence_id,
                                                     RegistryDocument.kind == kind)
                      .order_by(RegistryDocument.serial))
    return [(d.serial, d.status) for d in rows]


def test_every_catalogue_code_names_an_effect() -> None:
    assert {"licence-renewal", "licence-replace-lost", "licence-defer-review", "temporary-plate", "exempt-sticker",
            "plate-preselect-new", "camera-violation", "fine-payment", "study-points", "e-licence",
            "learner-permit-proof"} <= set(EFFECTS)


def test_renewal_gives_ten_years_after_a_clean_six_and_voids_the_old_card(db: Session) -> None:
    lic = f.licence(db, f.person(db), valid_to=D("2026-12-20"))
    result = apply(db, "licence-renewal", licence_id=lic.id, actor=SEAT, on=ON)
    db.refresh(lic)
    assert (lic.valid_from, lic.valid_to, lic.period_years) == (D("2026-12-20"), D("2036-12-20"), 10)
    assert result.changed["valid_to"] == "2036-12-20" and result.obligation_id is None
    assert _cards(db, lic.id) == [(1, "valid")]
    apply(db, "licence-replace-lost", licence_id=lic.id, actor=SEAT, on=ON)
    assert _cards(db, lic.id) == [(1, "void"), (2, "valid")]
    [record] = _audit(db, "registry.licence-renewal")
    assert (record.actor_label, record.actor_role, record.object_id) == ("seat42", "online_seat", str(lic.id))


def test_a_ten_year_licence_renews_to_long_term_unless_a_cycle_reached_twelve(db: Session) -> None:
    clean = f.licence(db, f.person(db), valid_to=D("2027-01-10"))
    clean.period_years = 10
    full = f.licence(db, f.person(db), valid_to=D("2027-01-10"))
    full.period_years, full.points = 10, 12
    apply(db, "licence-renewal", licence_id=clean.id, actor=SEAT, on=ON)
    apply(db, "licence-renewal", licence_id=full.id, actor=SEAT, on=ON)
    assert (clean.valid_to, clean.period_years) == (None, None)
    assert (full.valid_to, full.period_years) == (D("2037-01-10"), 10)


def test_renewal_at_sixty_downgrades_a_large_bus_licence(db: Session) -> None:
    lic = f.licence(db, f.person(db, birth=D("1966-03-01")), valid_to=D("2026-12-01"), classes="A1")
    result = apply(db, "licence-renewal", licence_id=lic.id, actor=SEAT, on=ON)
    assert lic.classes == "C1" and result.changed["classes"] == "C1"
    doc = db.scalars(select(RegistryDocument).where(RegistryDocument.subject_id == lic.id)).one()
    assert doc.reason == "downgrade"


def test_the_age_downgrade_at_seventy_exchanges_motorcycle_classes(db: Session) -> None:
    lic = f.licence(db, f.person(db, birth=D("1956-01-01")), valid_to=None, classes="C1 E")
    apply(db, "licence-age-renewal", licence_id=lic.id, actor=SEAT, on=ON)
    assert lic.classes == "C1 F"
    with pytest.raises(EffectRefused) as again:
        apply(db, "licence-age-renewal", licence_id=lic.id, actor=SEAT, on=ON)
    assert again.value.code == "registry.no_downgrade_due"


def test_renewal_outside_the_window_is_refused_with_rule_article_and_remedy(db: Session) -> None:
    lic = f.licence(db, f.person(db), valid_to=D("2027-06-01"))
    with pytest.raises(EffectRefused) as refused:
        apply(db, "licence-renewal", licence_id=lic.id, actor=SEAT, on=ON)
    body = refused.value.problem_members()
    assert refused.value.code == "registry.not_in_window" and refused.value.status_code == 422
    assert body["article"] == "Decree 162 art 63" and "2027-03-03" in body["remedy"]
    assert lic.valid_to == D("2027-06-01")


def test_a_detained_licence_is_not_replaced_when_lost(db: Session) -> None:
    lic = f.licence(db, f.person(db), valid_to=D("2030-01-01"), status="detained")
    with pytest.raises(EffectRefused) as refused:
        apply(db, "licence-replace-lost", licence_id=lic.id, actor=SEAT, on=ON)
    assert refused.value.code == "registry.licence_detained"
    assert refused.value.problem_members()["article"] == "Decree 162 art 69"
    assert _cards(db, lic.id) == []


def test_a_damaged_licence_is_replaced_and_the_old_document_void(db: Session) -> None:
    lic = f.licence(db, f.person(db), valid_to=D("2030-01-01"))
    apply(db, "licence-replace-damaged", licence_id=lic.id, actor=SEAT, on=ON)
    apply(db, "licence-replace-damaged", licence_id=lic.id, actor=SEAT, on=ON)
    assert _cards(db, lic.id) == [(1, "void"), (2, "valid")]


def test_deferrals_move_the_deadline_up_to_three_years_and_stop_driving(db: Session) -> None:
    lic = f.licence(db, f.person(db), valid_to=D("2026-10-01"), review_due=D("2026-12-01"))
    apply(db, "licence-defer-review", licence_id=lic.id, actor=SEAT, on=ON, until=D("2028-12-01"), reason="abroad")
    assert (lic.review_due, lic.status) == (D("2028-12-01"), "deferred")
    with pytest.raises(EffectRefused) as too_long:
        apply(db, "licence-defer-renewal", licence_id=lic.id, actor=SEAT, on=ON, until=D("2029-10-02"))
    assert too_long.value.code == "registry.deferral_too_long"
    apply(db, "licence-defer-renewal", licence_id=lic.id, actor=SEAT, on=ON, until=D("2029-10-01"))
    matters = {(d.matter, d.deferred_until, d.status) for d in db.scalars(select(Deferral))}
    assert matters == {("review", D("2028-12-01"), "active"), ("renewal", D("2029-10-01"), "active")}
    with pytest.raises(EffectRefused) as nothing:
        apply(db, "licence-defer-medical", licence_id=lic.id, actor=SEAT, on=ON, until=D("2027-01-01"))
    assert nothing.value.code == "registry.nothing_to_defer"


def test_renewing_ends_the_renewal_deferral_and_the_holder_may_drive_again(db: Session) -> None:
    lic = f.licence(db, f.person(db), valid_to=D("2026-10-01"))
    apply(db, "licence-defer-renewal", licence_id=lic.id, actor=SEAT, on=ON, until=D("2027-10-01"))
    apply(db, "licence-renewal", licence_id=lic.id, actor=SEAT, on=ON)
    assert lic.status == "valid" and lic.valid_from == ON
    assert [d.status for d in db.scalars(select(Deferral))] == ["ended"]


def test_a_deferred_medical_certificate_handed_in_lifts_the_deferral(db: Session) -> None:
    lic = f.licence(db, f.person(db, birth=D("1990-01-01")), valid_to=D("2030-01-01"), medical_due=D("2026-10-01"))
    apply(db, "licence-defer-medical", licence_id=lic.id, actor=SEAT, on=ON, until=D("2027-06-01"))
    assert (lic.medical_due, lic.status) == (D("2027-06-01"), "deferred")
    apply(db, "medical-certificate-submit", licence_id=lic.id, actor=SEAT, on=ON, issued_on=D("2026-10-20"))
    assert (lic.medical_due, lic.status) == (None, "valid")


def test_a_septuagenarians_next_certificate_is_due_after_the_next_cycle(db: Session) -> None:
    lic = f.licence(db, f.person(db, birth=D("1950-01-01")), valid_to=None, medical_due=D("2026-12-01"))
    lic.cycle_start = D("2010-03-01")
    apply(db, "medical-certificate-submit", licence_id=lic.id, actor=SEAT, on=ON)
    assert lic.medical_due == D("2027-03-30")   # cycle ends 2027-02-28, + 30 days


def test_a_stale_medical_certificate_is_refused(db: Session) -> None:
    lic = f.licence(db, f.person(db), valid_to=D("2030-01-01"), medical_due=D("2026-12-01"))
    with pytest.raises(EffectRefused) as stale:
        apply(db, "medical-certificate-submit", licence_id=lic.id, actor=SEAT, on=ON, issued_on=D("2026-04-01"))
    assert stale.value.code == "registry.certificate_stale"
    assert lic.medical_due == D("2026-12-01")


def test_contact_details_change_for_driver_and_vehicle(db: Session) -> None:
    who = f.person(db)
    apply(db, "driver-contact-change", person_id=who.id, actor=SEAT, on=ON, phone="13911112222")
    apply(db, "vehicle-contact-change", person_id=who.id, actor=SEAT, on=ON, address="北京市朝阳区1号")
    assert (who.phone, who.address) == ("13911112222", "北京市朝阳区1号")
    with pytest.raises(BadContact):
        apply(db, "driver-contact-change", person_id=who.id, actor=SEAT, on=ON, phone="12345")


def test_one_preselection_per_vin_held_for_the_offices_working_days(db: Session) -> None:
    who = f.person(db)
    result = apply(db, "plate-preselect-new", person_id=who.id, vin="LSVAB0000000000A1", plate_no="京N12345",
                   actor=SEAT, on=ON, hold_working_days=3)
    row = db.scalars(select(PreselectedPlate).where(PreselectedPlate.vin == "LSVAB0000000000A1")).one()
    assert (row.plate_no, row.valid_until, row.status) == ("京N12345", D("2026-11-05"), "held")
    assert result.subject_id == row.id
    with pytest.raises(EffectRefused) as twice:
        apply(db, "plate-preselect-new", person_id=who.id, vin="LSVAB0000000000A1", plate_no="京N12346",
              actor=SEAT, on=ON)
    assert twice.value.code == "registry.vin_already_selected"
    with pytest.raises(EffectRefused) as taken:
        apply(db, "plate-preselect-transfer", person_id=who.id, vin="LSVAB0000000000A2", plate_no="京N12345",
              actor=SEAT, on=ON)
    assert taken.value.code == "registry.plate_taken"


def test_temporary_plates_at_most_three_never_past_the_insurance(db: Session) -> None:
    who = f.person(db)
    vin = "LFV2A21K0A3000001"
    ends = [apply(db, "temporary-plate", person_id=who.id, vin=vin, actor=SEAT, on=ON, days=30,
                  insurance_valid_until=D("2026-11-20")).changed["valid_until"] for _ in range(3)]
    assert ends == ["2026-11-20"] * 3
    with pytest.raises(EffectRefused) as fourth:
        apply(db, "temporary-plate", person_id=who.id, vin=vin, actor=SEAT, on=ON, days=5,
              insurance_valid_until=D("2027-01-01"))
    assert fourth.value.code == "registry.temp_plate_limit"
    plates = db.scalars(select(TemporaryPlate.plate_no).where(TemporaryPlate.vin == vin)).all()
    assert len(set(plates)) == 3 and all(p.startswith("临11") for p in plates)


def test_a_registered_vehicle_gets_replacement_plates_not_a_temporary_one(db: Session) -> None:
    who = f.person(db)
    car = f.vehicle(db, who, inspection=D("2027-06-01"))
    with pytest.raises(EffectRefused) as registered:
        apply(db, "temporary-plate", person_id=who.id, vin=car.vin, actor=SEAT, on=ON, days=10,
              insurance_valid_until=D("2027-01-01"))
    assert registered.value.code == "registry.vehicle_registered"
    apply(db, "plate-replace", vehicle_id=car.id, actor=SEAT, on=ON)
    apply(db, "plate-replace", vehicle_id=car.id, actor=SEAT, on=ON)
    apply(db, "vehicle-licence-replace", vehicle_id=car.id, actor=SEAT, on=ON)
    assert _cards(db, car.id, "plate") == [(1, "void"), (2, "valid")]
    assert _cards(db, car.id, "vehicle_licence") == [(1, "valid")]
    assert car.plate_no.startswith("京A")   # same number


def test_a_sticker_replacement_needs_valid_insurance(db: Session) -> None:
    car = f.vehicle(db, f.person(db), inspection=D("2027-06-01"), insurance=D("2026-10-01"))
    with pytest.raises(EffectRefused) as lapsed:
        apply(db, "sticker-replace", vehicle_id=car.id, actor=SEAT, on=ON)
    assert lapsed.value.code == "registry.insurance_lapsed"
    car.insurance_valid_until = D("2027-10-01")
    apply(db, "sticker-replace", vehicle_id=car.id, actor=SEAT, on=ON)
    assert _cards(db, car.id, "sticker") == [(1, "valid")]


def test_an_exempt_car_gets_an_electronic_sticker_once_its_violations_are_closed(db: Session) -> None:
    car = f.vehicle(db, f.person(db), inspection=D("2027-01-15"), registered=D("2023-01-15"))
    v = f.violation(db, vehicle=car)
    with pytest.raises(EffectRefused) as open_violation:
        apply(db, "exempt-sticker", vehicle_id=car.id, actor=SEAT, on=ON)
    assert open_violation.value.code == "registry.open_violations"
    v.status = "paid"
    result = apply(db, "exempt-sticker", vehicle_id=car.id, actor=SEAT, on=ON)
    assert car.inspection_valid_until == D("2029-01-15") and result.documents
    assert _cards(db, car.id, "e_sticker") == [(1, "valid")]
    truck = f.vehicle(db, f.person(db), inspection=D("2027-01-15"), kind="heavy_truck", use="freight")
    with pytest.raises(EffectRefused) as not_exempt:
        apply(db, "exempt-sticker", vehicle_id=truck.id, actor=SEAT, on=ON)
    assert not_exempt.value.code == "registry.not_exempt"


def test_e_licence_and_learner_permit_proof_are_recorded_documents(db: Session) -> None:
    who = f.person(db)
    lic = f.licence(db, who, valid_to=D("2030-01-01"))
    permit = f.permit(db, who, issued=D("2025-01-01"), valid_until=D("2028-01-01"))
    apply(db, "e-licence", licence_id=lic.id, actor=SEAT, on=ON)
    apply(db, "e-licence", licence_id=lic.id, actor=SEAT, on=ON)
    assert _cards(db, lic.id, "e_licence") == [(1, "void"), (2, "valid")]
    proof = apply(db, "learner-permit-proof", permit_id=permit.id, actor=SEAT, on=ON)
    doc = db.get(RegistryDocument, proof.documents[0])
    assert doc is not None and (doc.kind, doc.valid_until) == ("learner_permit_proof", D("2028-01-01"))
    permit.valid_until = D("2026-11-01")
    with pytest.raises(EffectRefused):
        apply(db, "learner-permit-proof", permit_id=permit.id, actor=SEAT, on=ON)


def test_queries_count_replacements_and_list_obligations_and_violations(db: Session) -> None:
    from jiaoguan.registry import queries

    who = f.person(db)
    lic = f.licence(db, who, valid_to=D("2026-12-20"))
    for _ in range(2):
        apply(db, "licence-replace-lost", licence_id=lic.id, actor=SEAT, on=ON)
    assert queries.replacements_since(db, "licence", lic.id, ON) == 2
    assert queries.replacements_since(db, "licence", lic.id, ON + dt.timedelta(days=1)) == 0
    apply(db, "licence-renewal", licence_id=lic.id, actor=SEAT, on=ON, defer_certificate=True)
    [ob] = queries.obligations_of_person(db, who.id)
    assert (ob.status, ob.licence_id) == ("open", lic.id)
    f.violation(db, vehicle=f.vehicle(db, who, inspection=D("2027-06-01")))
    assert [v.status for v in queries.violations_of_person(db, who.id)] == ["recorded"]


def test_a_deferred_renewal_is_renewed_after_the_year_that_would_cancel_it(db: Session) -> None:
    lic = f.licence(db, f.person(db), valid_to=D("2025-12-01"))
    apply(db, "licence-defer-renewal", licence_id=lic.id, actor=SEAT, on=D("2025-11-01"), until=D("2028-06-01"),
          reason="military")
    apply(db, "licence-renewal", licence_id=lic.id, actor=SEAT, on=D("2027-03-01"))
    assert (lic.valid_from, lic.status) == (D("2027-03-01"), "valid")
