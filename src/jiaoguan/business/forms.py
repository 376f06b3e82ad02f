"""What a business asks beside its materials: the answers its register effect needs (a new phone number, the
date a deferral runs to, the chosen plate number, the violation to handle). Field name → (label msgid, type)."""

from __future__ import annotations

from jiaoguan.kit.i18n import N_

CONTACT = {"phone": (N_("New mobile number"), "tel"), "address": (N_("New address"), "text")}
DEFERRAL = {"until": (N_("Defer until"), "date"), "reason": (N_("Reason (military service, abroad, illness, …)"),
                                                              "text")}
PRESELECT = {"vin": (N_("VIN of the vehicle"), "text"), "plate_no": (N_("The number you chose"), "text")}
ANSWER_FIELDS: dict[str, dict[str, tuple[str, str]]] = {
    "driver_contact_change": CONTACT, "owner_contact_change": CONTACT,
    "licence_renewal_deferral": DEFERRAL, "review_deferral": DEFERRAL, "medical_deferral": DEFERRAL,
    "medical_certificate": {"issued_on": (N_("Date the certificate was issued"), "date")},
    "plate_preselect_new": PRESELECT, "plate_preselect_transfer": PRESELECT,
    "temporary_plate": {"vin": (N_("VIN of the vehicle"), "text"), "days": (N_("Days (at most 30)"), "number"),
                        "insurance_valid_until": (N_("Insurance (交强险) valid until"), "date")},
    "camera_violation": {"violation_id": (N_("Violation number"), "number")},
    "fine_payment": {"violation_id": (N_("Violation number"), "number")},
    "learner_permit_print": {"permit_id": (N_("Learner permit number"), "number")},
}


def fields_of(code: str) -> dict[str, tuple[str, str]]:
    return ANSWER_FIELDS.get(code, {})
