"""Hotline rows made through the room's services: a unit's letter (a real, tiny PDF) and emergency cases."""

from __future__ import annotations

from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.hotline import emergency, evidence
from jiaoguan.hotline.models import EmergencyCase

# A minimal well-formed one-page PDF: a letter as the content check sees it.
LETTER_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
              b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
              b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def case_input(**kw: str) -> emergency.CaseInput:
    values = {"kind": "ambulance", "unit_name": "北京急救中心", "business": "补领行驶证", "plate_no": "京A12345",
              "applicant_name": "王医生", "applicant_phone": "13911112222", **kw}
    return emergency.CaseInput(**values)


def case(db: Session, registrar: Principal, *, letter: bytes = LETTER_PDF, **kw: str) -> EmergencyCase:
    return emergency.register(db, registrar, case_input(**kw), evidence.store(letter, "letter.pdf"))
