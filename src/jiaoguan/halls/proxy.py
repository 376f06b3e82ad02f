"""代办 in the halls: a citizen books a time for a person who authorised them (the business room's proxies:
consent recorded, chosen businesses, revocable, expiring). The authority must be valid today and cover a
business of the catalogue that is done in the slot's business group and allows a proxy; else the booking is
refused (`halls.proxy_not_authorised`). The booking is the principal's: their person, their day cap, their
no-show record; the proxy is its `booked_by` and its channel is `proxy`, which every view shows. The principal
is told (in-app and by SMS) when a proxy books or cancels a time for them (`tell_principal`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.service import principals_by_id, principals_by_person
from jiaoguan.business import proxies
from jiaoguan.business.catalogue import BusinessSpec
from jiaoguan.business.catalogue_store import all_specs
from jiaoguan.halls.errors import ProxyNotAuthorised
from jiaoguan.halls.models import Booking
from jiaoguan.halls.offices import hall_office
from jiaoguan.halls.schedule import hhmm
from jiaoguan.halls.vocab import GROUPS, Channel
from jiaoguan.kit.outbox import enqueue
from jiaoguan.registry.queries import person_of

# Businesses that are themselves a booking of a scarce place; every other business is done in the hall group of
# the catalogue's group of the same name (licence, vehicle, violation).
BOOKING_GROUPS = {"exam_booking": "exam", "inspection_booking": "inspection"}


def hall_group(spec: BusinessSpec) -> str | None:
    group = BOOKING_GROUPS.get(spec.code, spec.group)
    return group if group in GROUPS else None


@dataclass(frozen=True)
class ActingFor:
    """One person a proxy may book for today, and the hall groups their authority covers."""

    authority_id: int
    principal_user_id: int
    person_id: int
    name: str
    groups: tuple[str, ...]
    businesses: tuple[str, ...]
    expires_on: dt.date


def acting_for(session: Session, proxy: Principal) -> list[ActingFor]:
    """The valid authorities the proxy holds (revoked and expired ones are left out by the business room)."""
    held = proxies.held_by(session, proxy.id)
    if not held:
        return []
    specs = {s.code: s for s in all_specs(session)}
    people = principals_by_id(session, (r.principal_user_id for r in held))
    found: list[ActingFor] = []
    for row in held:
        principal = people.get(row.principal_user_id)
        if principal is None or principal.person_id is None:
            continue
        usable = [specs[c] for c in row.businesses.split() if c in specs and specs[c].proxy_allowed]
        groups = tuple(sorted({g for g in (hall_group(s) for s in usable) if g}))
        found.append(ActingFor(row.id, principal.id, principal.person_id, principal.display_name, groups,
                               tuple(s.code for s in usable), row.expires_on))
    return found


def principal_person(session: Session, proxy: Principal, business_group: str, *, person_id: int | None = None,
                     principal_user_id: int | None = None) -> ActingFor:
    """The authority under which `proxy` may book `business_group` for the person (by person or user id)."""
    for a in acting_for(session, proxy):
        if (a.person_id == person_id or a.principal_user_id == principal_user_id) and business_group in a.groups:
            return a
    raise ProxyNotAuthorised()


def tell_principal(session: Session, booking: Booking, template: str) -> None:
    """The person a proxy booked for (or cancelled for) hears who did it and which appointment: in-app on their
    own account, and by SMS on their registered phone. Not for a booking they made themselves."""
    if booking.channel != Channel.proxy or booking.booked_by is None:
        return
    proxy = principals_by_id(session, [booking.booked_by]).get(booking.booked_by)
    account = principals_by_person(session, [booking.person_id]).get(booking.person_id)
    if proxy is None or (account is not None and account.id == proxy.id):
        return
    params = {"proxy": proxy.display_name, "group_msgid": GROUPS[booking.business_group][0],
              "office": hall_office(session, booking.hall_office_id).name, "day": booking.day.isoformat(),
              "time": hhmm(booking.start_min), "code": booking.checkin_code[:8]}
    if account is not None:
        enqueue(session, "inapp", str(account.id), template, params, province_code=booking.province_code)
    person = person_of(session, booking.person_id)
    if person is not None and person.phone:
        enqueue(session, "sms", person.phone, template, params, province_code=booking.province_code)
