"""The business room's errors: codes `business.<reason>`."""

from __future__ import annotations

from jiaoguan.kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from jiaoguan.kit.i18n import N_


class ApplicationNotFound(NotFound):
    code = "business.not_found"
    message = N_("No such application.")


class NotOfferedOnline(Conflict):
    code = "business.not_online"
    message = N_("This business is not offered online in your province; please go to a window.")


class SubjectMissing(InvalidInput):
    code = "business.subject_missing"
    message = N_("We found no record this business could be about (a licence, or a vehicle in your name).")


class NotYourCase(Forbidden):
    code = "business.not_your_case"
    message = N_("This case is assigned to someone else; a supervisor may reassign it.")


class ProxyNotAllowed(Forbidden):
    code = "business.proxy_refused"
    message = N_("You hold no valid authorisation to apply for this person for this business.")


class FaceCheckNeeded(Conflict):
    code = "business.face_check_needed"
    message = N_("This business needs a face check (实人) first, or a photo of your ID card for manual review.")


class DocumentRefused(InvalidInput):
    code = "business.document_refused"
    message = N_("The file was refused: %(reason)s")


class InPersonOnly(Conflict):
    code = "business.in_person"
    message = N_("This case must be finished in person at a window.")


class ObligationOverdue(Conflict):
    code = "business.obligation_overdue"
    message = N_("You have an outstanding obligation past its due date (%(what)s); new business is blocked "
                 "until it is handled.")


class AlreadyOpen(Conflict):
    """One open application per person, business and subject (the database holds it too: a partial unique
    index, so two submissions at once cannot both pass)."""

    code = "business.already_open"
    message = N_("You already have an open application for this business: #%(id)s (%(status)s). Continue it, or "
                 "withdraw it before starting another.")

    def problem_members(self) -> dict[str, object]:
        return {"application_id": self.params["id"], "application_url": f"/business/applications/{self.params['id']}"}
