"""The register check of a pass application (核查): the vehicle and its crew against the registry, their
deadlines through the deadlines engine, on submission, at approval and before any auto-approval.

- the plate number is registered, and the VIN given is that vehicle's (an unknown plate, or the VIN of
  another vehicle, is refused — without saying whose it is);
- the vehicle's status lets it drive (normal; a mortgage does not stop a vehicle from driving);
- its inspection and compulsory insurance stay valid through the last travel day, as the deadlines engine
  decides with the measures in force (a temporary measure's grace window counts);
- each crew member who drives (the driver) holds a licence in force through the last travel day that
  permits the vehicle's class;
- a vehicle outside the applicant's fleet needs its owner's authorisation (an uploaded document) and is
  flagged for the issuer.

Every failure is reported at once, each on the form field it belongs to. The facts are read through the
registry's and the deadlines room's query functions, never their models.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from jiaoguan.deadlines.engine import Decision
from jiaoguan.deadlines.measures.model import Measure
from jiaoguan.deadlines.rules.kinds import DeadlineKind
from jiaoguan.deadlines.service import measures_in_db, record_deadlines
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.ids.licence import permits
from jiaoguan.kit.ids.text import compact
from jiaoguan.passes.applications.form import FieldProblem
from jiaoguan.registry import queries as registry
from jiaoguan.registry.records import LicenceRecord, VehicleRecord

CHECKS = {
    "register.unknown_plate": N_("This plate number is not in the vehicle register."),
    "register.plate_colour": N_("The register gives this vehicle a different plate colour."),
    "register.vin_mismatch": N_("The VIN does not match the registered vehicle with this plate."),
    "register.vehicle_status": N_("The register shows this vehicle as %(status)s: it may not be given a pass."),
    "register.inspection": N_("The vehicle's inspection is not valid through %(end)s (valid until %(until)s)."),
    "register.insurance": N_("The vehicle's compulsory insurance is not valid through %(end)s (valid until "
                             "%(until)s)."),
    "register.authorisation": N_("This vehicle is not in your enterprise's fleet: attach the owner's "
                                 "authorisation."),
    "register.no_licence": N_("The driver holds no driving licence in the register."),
    "register.licence_status": N_("The driver's licence is %(status)s."),
    "register.licence_expired": N_("The driver's licence is not valid through %(end)s (valid until %(until)s)."),
    "register.licence_class": N_("The driver's licence (%(classes)s) does not permit a %(needed)s vehicle."),
}

# The licence class (准驾车型) each of the registry's vehicle types needs (GA 1001 / Decree 162 annex).
NEEDED_CLASS = {
    "tractor_unit": "A2", "semi_trailer": "A2", "heavy_truck": "B2", "large_bus": "A1", "light_truck": "C1",
    "small_car": "C1", "motorcycle": "D",
}
# GA 24.7 plate types per plate colour of the form (yellow: large vehicles and trailers; blue: small ones).
PLATE_TYPES = {"yellow": ("01", "15", "16"), "blue": ("02",), "yellow_green": ("51",), "green": ("52",)}
DRIVING_STATUSES = ("normal", "mortgaged")
STATUS_WORDS = {"normal": N_("normal"), "mortgaged": N_("mortgaged"),
                "detained": N_("detained"), "scrapped": N_("scrapped"), "cancelled": N_("deregistered"),
                "revoked": N_("revoked"), "stolen": N_("reported stolen")}


@dataclass(frozen=True)
class Subject:
    """What the check needs of an application, whether just typed or stored."""

    enterprise_id: int
    plate_no: str
    plate_colour: str
    vin: str
    drivers: tuple[str, ...]          # ID numbers of the crew members who drive
    valid_from: dt.date
    valid_to: dt.date
    authorised: bool = False          # the owner's authorisation is attached


@dataclass(frozen=True)
class DriverFacts:
    position: int
    classes: str
    valid_to: dt.date | None
    status: str
    ok: bool


@dataclass(frozen=True)
class RegisterCheck:
    """The answer: the problems (empty when the register agrees) and the facts the issuer sees."""

    problems: tuple[FieldProblem, ...]
    found: bool = False
    outside_fleet: bool = False
    vehicle_type: str = ""
    use_nature: str = ""
    status: str = ""
    inspection_until: dt.date | None = None
    insurance_until: dt.date | None = None
    drivers: tuple[DriverFacts, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems


def _problem(name: str, code: str, **params: object) -> FieldProblem:
    return FieldProblem(name, code, CHECKS[code], params)


def _status_word(status: str) -> str:
    return STATUS_WORDS.get(status, status)


class Lookups:
    """Where a check reads the register: one query per question, or answers fetched beforehand for a list of
    applications (`Lookups.of`: the issuer's queue reads them with the queue, not two queries per application)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._vehicles: dict[str, list[VehicleRecord]] | None = None
        self._licences: dict[str, LicenceRecord] | None = None

    @classmethod
    def of(cls, session: Session, vehicles: dict[str, list[VehicleRecord]], licences: dict[str, LicenceRecord]
           ) -> Lookups:
        """Answers the caller read already: the vehicles by compact plate number, the newest licence by ID number
        (for every plate and driver asked about; a missing one is asked of the register)."""
        lookups = cls(session)
        lookups._vehicles, lookups._licences = vehicles, licences
        return lookups

    def vehicles(self, plate_no: str) -> list[VehicleRecord]:
        if self._vehicles is not None and compact(plate_no) in self._vehicles:
            return self._vehicles[compact(plate_no)]
        return registry.vehicle_records_by_plate(self.session, plate_no)

    def licence(self, id_number: str) -> LicenceRecord | None:
        if self._licences is not None:
            return self._licences.get(id_number)
        return registry.latest_licence_of(self.session, id_number)


def _vehicle(lookups: Lookups, s: Subject, problems: list[FieldProblem]) -> VehicleRecord | None:
    found = lookups.vehicles(s.plate_no)
    if not found:
        problems.append(_problem("plate_no", "register.unknown_plate"))
        return None
    types = PLATE_TYPES.get(s.plate_colour, ())
    by_vin = [v for v in found if v.vin == s.vin]
    if by_vin:
        vehicle = by_vin[0]
        if vehicle.plate_type not in types:
            problems.append(_problem("plate_colour", "register.plate_colour"))
        return vehicle
    # Not a word on whose VIN it is, or whose the plate: the applicant learns only that they disagree.
    problems.append(_problem("vin", "register.vin_mismatch"))
    return None


def _until(decisions: Sequence[Decision], kind: DeadlineKind) -> tuple[bool, dt.date | None]:
    """(valid through the day judged, the last day it stays valid) of the first decision of this kind."""
    for d in decisions:
        if d.kind is kind:
            return not d.overdue and not d.lapsed, d.effective_due
    return True, None


_RENEWAL = frozenset({DeadlineKind.LICENCE_RENEWAL})


def _licence(lookups: Lookups, position: int, id_number: str, needed: str | None, s: Subject,
             measures: tuple[Measure, ...], problems: list[FieldProblem]) -> DriverFacts | None:
    name = f"crew[{position}].id_number"
    lic = lookups.licence(id_number)
    if lic is None:
        problems.append(_problem(name, "register.no_licence"))
        return None
    before = len(problems)
    if lic.status != "valid":
        problems.append(_problem(name, "register.licence_status", status=_status_word(lic.status)))
    else:
        found = record_deadlines(lic, s.valid_to, measures, _RENEWAL)
        valid, until = _until(found.decisions, DeadlineKind.LICENCE_RENEWAL)
        if not valid:
            problems.append(_problem(name, "register.licence_expired", end=s.valid_to.isoformat(),
                                     until=(until or lic.valid_to or s.valid_to).isoformat()))
    if needed is not None and not permits(lic.classes, needed):
        problems.append(_problem(name, "register.licence_class", classes=lic.classes, needed=needed))
    return DriverFacts(position, lic.classes, lic.valid_to, lic.status, ok=len(problems) == before)


def check_register(session: Session, s: Subject, measures: tuple[Measure, ...] | None = None,
                   lookups: Lookups | None = None) -> RegisterCheck:
    """Check the application against the register and the deadlines engine; never raises for a finding.
    `measures` and `lookups`: read once beforehand, when the caller checks many applications at once."""
    problems: list[FieldProblem] = []
    lookups = lookups or Lookups(session)
    vehicle = _vehicle(lookups, s, problems)
    measures = measures if measures is not None else measures_in_db(session)
    drivers: list[DriverFacts] = []
    needed = NEEDED_CLASS.get(vehicle.vehicle_type) if vehicle is not None else None
    for position, id_number in enumerate(s.drivers):
        facts = _licence(lookups, position, id_number, needed, s, measures, problems)
        if facts is not None:
            drivers.append(facts)
    if vehicle is None:
        return RegisterCheck(tuple(problems), drivers=tuple(drivers))
    outside = vehicle.owner_enterprise_id != s.enterprise_id
    if outside and not s.authorised:
        problems.append(_problem("authorisation", "register.authorisation"))
    if vehicle.status not in DRIVING_STATUSES:
        problems.append(_problem("plate_no", "register.vehicle_status", status=_status_word(vehicle.status)))
    found = record_deadlines(vehicle, s.valid_to, measures)
    inspection_ok, inspection_until = _until(found.decisions, DeadlineKind.INSPECTION)
    scrapping_ok, _ = _until(found.decisions, DeadlineKind.COMPULSORY_SCRAPPING)
    if not inspection_ok or not scrapping_ok:
        problems.append(_problem("plate_no", "register.inspection", end=s.valid_to.isoformat(),
                                 until=(inspection_until or vehicle.inspection_valid_until).isoformat()))
    insurance_ok, insurance_until = _until(found.decisions, DeadlineKind.COMPULSORY_INSURANCE)
    if not insurance_ok:
        problems.append(_problem("plate_no", "register.insurance", end=s.valid_to.isoformat(),
                                 until=(insurance_until or vehicle.insurance_valid_until).isoformat()))
    return RegisterCheck(tuple(problems), found=True, outside_fleet=outside, vehicle_type=vehicle.vehicle_type,
                         use_nature=vehicle.use_nature, status=vehicle.status,
                         inspection_until=inspection_until or vehicle.inspection_valid_until,
                         insurance_until=insurance_until or vehicle.insurance_valid_until, drivers=tuple(drivers))
