"""Issue #8: the answers of the different kinds about one record never contradict each other (hypothesis).

Asked about the same licence or vehicle on the same day, under the shipped measures and random ones: a
renewal or an inspection is never still open (due, in grace, carried) once the cancellation or the
compulsory scrapping that ends it is in effect (Decree 162 art 79; 机动车强制报废标准规定 art 4), and a
penalty is never allowed for a matter not past its deadline. Under the shipped measures a licence's
restoration also never lapses before its cancellation took effect (a random measure may move one and
not the other, so that one is the data's duty, not the engine's).
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from jiaoguan.deadlines.engine import Decision, evaluate_record
from jiaoguan.deadlines.measures.loader import shipped_measures
from jiaoguan.deadlines.measures.model import Measure
from jiaoguan.deadlines.rules.intervals import VehicleType, VehicleUse
from jiaoguan.deadlines.rules.kinds import DeadlineKind
from jiaoguan.deadlines.rules.licence import Licence
from jiaoguan.deadlines.rules.vehicle import Vehicle, month_end
from tests.deadlines.test_deadlines_properties import measures as random_measure

SHIPPED = list(shipped_measures())
days = st.dates(min_value=dt.date(2017, 1, 1), max_value=dt.date(2025, 12, 31))
provinces = st.sampled_from([None, "14", "44"])
extra = st.lists(random_measure("R-1"), max_size=1)


@st.composite
def licences(draw: st.DrawFn) -> Licence:
    expiry = draw(st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2025, 12, 31)))
    start = expiry.replace(year=expiry.year - 6, day=min(expiry.day, 28))
    return Licence(classes=frozenset({draw(st.sampled_from(["C1", "B2", "A1"]))}), first_issued=start,
                   valid_from=start, valid_until=expiry, period_years=6)


@st.composite
def vehicles(draw: st.DrawFn) -> Vehicle:
    registered = draw(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2021, 12, 31)))
    valid_until = month_end(draw(st.dates(min_value=max(registered, dt.date(2014, 1, 1)),
                                          max_value=dt.date(2025, 12, 1))))
    return Vehicle(registered=registered, vehicle_type=draw(st.sampled_from(list(VehicleType))),
                   use=draw(st.sampled_from(list(VehicleUse))), seats=draw(st.sampled_from([5, 7, 30])),
                   inspection_valid_until=valid_until)


def by_kind(decisions: list[Decision]) -> dict[DeadlineKind, Decision]:
    return {d.kind: d for d in decisions}


def agree(handling: Decision, consequence: Decision | None) -> None:
    if consequence is not None and consequence.overdue:
        assert handling.overdue and not handling.in_grace and not handling.open_ended, (handling, consequence)
        assert handling.lapsed
    if not handling.overdue:
        assert consequence is None or not consequence.overdue
    assert not handling.penalty_allowed or handling.past_deadline


@settings(max_examples=300, deadline=None)
@given(licences(), days, provinces, extra)
def test_the_renewal_cancellation_and_restoration_of_one_licence_never_contradict(
        licence: Licence, on: dt.date, province: str | None, more: list[Measure]) -> None:
    found = by_kind(evaluate_record(licence, on, SHIPPED + more, province))
    cancellation = found.get(DeadlineKind.LICENCE_CANCELLATION)
    agree(found[DeadlineKind.LICENCE_RENEWAL], cancellation)
    restoration = found.get(DeadlineKind.LICENCE_RESTORATION)
    if not more and restoration is not None and restoration.overdue:
        assert cancellation is not None and cancellation.overdue


@settings(max_examples=300, deadline=None)
@given(vehicles(), days, provinces, extra)
def test_the_inspection_and_scrapping_of_one_vehicle_never_contradict(
        vehicle: Vehicle, on: dt.date, province: str | None, more: list[Measure]) -> None:
    found = by_kind(evaluate_record(vehicle, on, SHIPPED + more, province))
    agree(found[DeadlineKind.INSPECTION], found.get(DeadlineKind.COMPULSORY_SCRAPPING))
