"""Identity levels (A.3): 实名 (real-name, the account) and 实人 (face-verified). A business that needs 实人
asks for a face check through a provider; a failed check falls back to a photo of the ID card and manual
review by the seat (documents.ID_PHOTO). The development provider is a confirm button."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.business.access import get_application, is_applicant
from jiaoguan.business.errors import ApplicationNotFound
from jiaoguan.business.models import BusinessApplication
from jiaoguan.kit import audit


class FaceCheckProvider(Protocol):
    def verify(self, user: Principal, evidence: str) -> bool: ...


class DevelopmentFaceCheck:
    """Confirms when the person presses "confirm" (evidence "confirm"), fails on anything else."""

    def verify(self, user: Principal, evidence: str) -> bool:
        return evidence == "confirm"


def provider() -> FaceCheckProvider:
    return DevelopmentFaceCheck()


def face_check(session: Session, user: Principal, app_id: int, evidence: str) -> BusinessApplication:
    app = get_application(session, app_id)
    if not is_applicant(user, app):
        raise ApplicationNotFound()
    if app.identity_status != "pending":
        return app
    ok = provider().verify(user, evidence)
    app.identity_status = "verified" if ok else "pending"
    audit.record(session, "business_application.face_check", "business_application", app.id,
                 "face check passed" if ok else "face check failed; ID photo and manual review offered")
    session.flush()
    return app
