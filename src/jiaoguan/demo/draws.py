"""The random part of the demo: who the synthetic people are and how their records stand today.

States arise the way they do in life (a licence runs 6 years, then 10, then long-term; some holders
miss a renewal or an inspection), with the rates nudged up so that a small demo still shows each.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from jiaoguan.demo.builder import Batch, Builder, EnterpriseRef, PersonRef
from jiaoguan.demo.idgen import mobile
from jiaoguan.demo.places import PROVINCES, Province, areas
from jiaoguan.demo.vehicles import FLEET_KINDS, KINDS, PERSONAL_KINDS, current_and_past_dues
from jiaoguan.demo.weighted import Weighted
from jiaoguan.kit.calendar import add_years
from jiaoguan.kit.ids import is_ab_class

AGE_BANDS = Weighted([((16, 17), 2), ((18, 29), 18), ((30, 44), 30), ((45, 59), 28), ((60, 69), 13),
                      ((70, 88), 9)])
CLASS_MIX = Weighted([("C1", 56), ("C2", 20), ("C1 E", 5), ("C1 D", 1), ("E", 4), ("B2", 5), ("A2", 3),
                      ("A2 D", 1), ("A1", 1), ("B1", 1), ("A3", 1), ("C5", 0.5), ("C1 M", 0.5), ("D", 1)])
AB_MIXES = frozenset(c for c in CLASS_MIX.items if is_ab_class(c))   # parsed once, not per licence
PERMIT_CLASSES = Weighted([("C1", 70), ("C2", 25), ("E", 5)])
VEHICLES_OWNED = Weighted([(0, 50), (1, 38), (2, 10), (3, 2)])
HOME_PROVINCE = Weighted([(p, p.weight) for p in PROVINCES])
PERSONAL_KIND = Weighted(PERSONAL_KINDS)
FLEET_KIND = Weighted(FLEET_KINDS)
PEOPLE_PER_ENTERPRISE = 400   # one haulier with a truck fleet for every 400 people
TWELVE_POINT_CYCLE_RATE = 0.08   # a period with a 12-point cycle is followed by the same period again
REVIEW_PENDING_RATE = 0.12       # A/B holders who have not yet done last cycle's review
MEDICAL_PENDING_RATE = 0.15      # 70+ holders who have not yet handed in this year's certificate


def population(b: Builder, people: int, batch_rows: int) -> Iterator[tuple[Batch, int]]:
    """Enterprises with their fleets, then `people` people with their records, in batches of about
    `batch_rows` rows; each batch comes with how many people it completes. The rows do not depend on
    `batch_rows`: every draw happens in the same order whatever the batching."""
    batch = Batch()
    for _ in range(people // PEOPLE_PER_ENTERPRISE + 3):
        draw_enterprise(b, batch)
    done = 0
    for _ in range(people):
        draw_records(b, batch, draw_person(b, batch))
        done += 1
        if len(batch) >= batch_rows:
            yield batch, done
            batch, done = Batch(), 0
    yield batch, done


def years_between(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def some_day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """A day in [start, end]."""
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def draw_province(rng: random.Random) -> Province:
    return HOME_PROVINCE(rng)


def draw_person(b: Builder, batch: Batch) -> PersonRef:
    rng, on = b.rng, b.on
    home = draw_province(rng)
    low, high = AGE_BANDS(rng)
    birth = on - dt.timedelta(days=rng.randrange(low * 365 + 1, (high + 1) * 365 - 1))
    area = rng.choice(areas(home.code).current).code
    # Some were born elsewhere (the ID keeps the birthplace's code); some IDs carry a code since retired.
    origin = home if rng.random() < 0.88 else draw_province(rng)
    id_area = area if origin is home and rng.random() < 0.85 else rng.choice(areas(origin.code).current).code
    if rng.random() < 0.05:
        retired = [d for d, last in areas(origin.code).retired if last >= birth.year]
        if retired:
            id_area = rng.choice(retired).code
    phone = mobile(rng) if rng.random() < 0.88 else None
    return b.person(batch, province=home, birth=birth, male=rng.random() < 0.52, id_area=id_area, area=area,
                    phone=phone)


def draw_records(b: Builder, batch: Batch, person: PersonRef) -> None:
    """Licence, learner permit, vehicles and plate holds of one person, each by its own odds."""
    rng, on = b.rng, b.on
    age = years_between(person.birth, on)
    licensed = age >= 18 and rng.random() < (0.5 if age > 75 else 0.78)
    classes = None
    if licensed:
        classes = draw_licence(b, batch, person)
    if 18 <= age <= 50 and classes is None and rng.random() < 0.10:
        b.permit(batch, person, classes=PERMIT_CLASSES(rng),
                 issued_on=on - dt.timedelta(days=rng.randrange(1, 1300)), status="valid")
    elif classes == "C1" and 22 <= age <= 50 and rng.random() < 0.03:
        # 增驾: an upgrade to a truck licence.
        b.permit(batch, person, classes="B2", issued_on=on - dt.timedelta(days=rng.randrange(1, 1300)),
                 status="valid")
    if age >= 18:
        for _ in range(VEHICLES_OWNED(rng)):
            draw_vehicle(b, batch, person)
        if rng.random() < 0.012:
            b.plate_hold(batch, person, nev=rng.random() < 0.3,
                         selected_on=on - dt.timedelta(days=rng.randrange(0, 40)),
                         status="registered" if rng.random() < 0.2 else "held")


def draw_licence(b: Builder, batch: Batch, person: PersonRef) -> str | None:
    rng, on = b.rng, b.on
    classes = CLASS_MIX(rng)
    ab = classes in AB_MIXES
    if ab and not 24 <= years_between(person.birth, on) <= 60:
        classes, ab = "C1", False
    earliest = max(add_years(person.birth, 22 if ab else 18), add_years(on, -40))
    latest = on - dt.timedelta(days=20)
    if earliest >= latest:
        return None
    first = some_day(rng, earliest, latest)
    periods = _periods(rng, first, on)
    status = "valid"
    valid_from, valid_to, period = periods[-1]
    if len(periods) >= 2:
        # The holder may have missed the last renewal: recent misses are common, old ones rarer.
        missed_at = periods[-1][0]
        late_days = (on - missed_at).days
        if rng.random() < (0.25 if late_days <= 365 else 0.04):
            valid_from, valid_to, period = periods[-2]
            if on <= add_years(missed_at, 1):
                status = "expired"
            elif on > add_years(missed_at, 3):
                status = "cancelled"
            else:
                status = rng.choice(("expired", "cancelled"))
    if status == "valid" and rng.random() < 0.004:
        status = "detained"
    cycle_start = add_years(first, years_between(first, on))
    points = 0
    if status != "cancelled":
        r = rng.random()
        points = 0 if r < 0.80 else rng.randint(1, 9) if r < 0.97 else rng.randint(10, 11)
    review_due = medical_due = None
    if ab and status != "cancelled":
        if rng.random() < REVIEW_PENDING_RATE:
            review_due = cycle_start + dt.timedelta(days=29)
        elif points:
            review_due = add_years(cycle_start, 1) + dt.timedelta(days=29)
    if years_between(person.birth, cycle_start) >= 70 and status != "cancelled":
        pending = rng.random() < MEDICAL_PENDING_RATE
        medical_due = (cycle_start if pending else add_years(cycle_start, 1)) + dt.timedelta(days=29)
    b.licence(batch, person, classes=classes, first_issued=first, valid_from=valid_from, valid_to=valid_to,
              period=period, status=status, cycle_start=cycle_start, points=points, review_due=review_due,
              medical_due=medical_due)
    return classes


def _periods(rng: random.Random, first: dt.date, on: dt.date) -> list[tuple[dt.date, dt.date | None, int | None]]:
    """Validity periods from the first issue up to the one covering `on` (Decree 162 arts 13, 62)."""
    out: list[tuple[dt.date, dt.date | None, int | None]] = []
    start, years = first, 6
    while True:
        if years == 0:
            out.append((start, None, None))
            return out
        end = add_years(start, years)
        out.append((start, end, years))
        if end > on:
            return out
        if rng.random() >= TWELVE_POINT_CYCLE_RATE:
            years = 10 if years == 6 else 0
        start = end


def vehicle_dates(rng: random.Random, kind_name: str, registered: dt.date,
                  on: dt.date) -> tuple[dt.date, dt.date, int]:
    """(inspection valid until, compulsory insurance valid until, inspection cycles missed)."""
    current, past = current_and_past_dues(KINDS[kind_name].schedule, registered, on)
    inspection, missed = current, 0
    r = rng.random()
    for back, threshold in ((3, 0.007), (2, 0.017), (1, 0.07)):
        if r < threshold and len(past) >= back:
            inspection, missed = past[-back], back
            break
    years = years_between(registered, on)
    insured_until = add_years(registered, years + 1) - dt.timedelta(days=1)
    if rng.random() < 0.03 and years >= 1:
        insured_until = add_years(registered, years) - dt.timedelta(days=1)
    return inspection, insured_until, missed


def draw_vehicle(b: Builder, batch: Batch, owner: PersonRef) -> None:
    rng, on = b.rng, b.on
    kind = PERSONAL_KIND(rng)
    age_days = int(min(rng.expovariate(1 / 5.0), 9.0 if kind == "small_nev" else 20.0) * 365)
    registered = max(on - dt.timedelta(days=age_days), add_years(owner.birth, 18))
    inspection, insurance, missed = vehicle_dates(rng, kind, registered, on)
    status = "mortgaged" if rng.random() < 0.03 else "detained" if rng.random() < 0.003 else "normal"
    b.vehicle(batch, kind_name=kind, province=owner.province, registered=registered, inspection_until=inspection,
              insurance_until=insurance, missed_cycles=missed, status=status, owner=owner)


def draw_enterprise(b: Builder, batch: Batch, *, province: Province | None = None,
                    fleet_size: int | None = None) -> EnterpriseRef:
    rng = b.rng
    home = province or draw_province(rng)
    division = rng.choice(areas(home.code).current).code
    firm = b.enterprise(batch, province=home, division=division)
    for _ in range(fleet_size if fleet_size is not None else rng.randint(4, 40)):
        draw_fleet_vehicle(b, batch, firm)
    return firm


def draw_fleet_vehicle(b: Builder, batch: Batch, firm: EnterpriseRef, kind: str | None = None,
                       registered: dt.date | None = None) -> str:
    rng, on = b.rng, b.on
    kind = kind or FLEET_KIND(rng)
    registered = registered or on - dt.timedelta(days=rng.randrange(30, 12 * 365))
    inspection, insurance, missed = vehicle_dates(rng, kind, registered, on)
    return b.vehicle(batch, kind_name=kind, province=firm.province, registered=registered,
                     inspection_until=inspection, insurance_until=insurance, missed_cycles=missed,
                     enterprise=firm)
