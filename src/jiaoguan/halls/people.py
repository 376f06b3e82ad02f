"""Who a booking or a ticket is for, and through which channel, from the acting user and an ID number."""

from __future__ import annotations

from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.halls.errors import UnknownPerson
from jiaoguan.halls.proxy import principal_person
from jiaoguan.halls.slots import group_of_slot
from jiaoguan.halls.vocab import Channel
from jiaoguan.registry.queries import person_id_of

CHANNEL_OF_ROLE = {"citizen": Channel.citizen, "enterprise_agent": Channel.proxy, "hotline_agent": Channel.hotline,
                   "window_clerk": Channel.clerk, "supervisor": Channel.clerk, "admin": Channel.clerk}


def person_by_id_number(session: Session, id_number: str) -> int:
    found = person_id_of(session, id_number.strip().upper())
    if found is None:
        raise UnknownPerson(field="id_number")
    return found


def who_and_how(session: Session, actor: Principal, id_number: str | None, *, business_group: str | None = None,
                slot_id: int | None = None, on_behalf_of: int | None = None) -> tuple[int, Channel]:
    """(person id, channel): a citizen books for self, or as a proxy (代办) for a person who authorised them
    for a business of this group (the slot's, looked up only then; named by ID number or by their user id);
    staff book for anyone."""
    channel = CHANNEL_OF_ROLE.get(actor.role, Channel.clerk)
    wanted = id_number.strip() if id_number else ""
    if channel == Channel.citizen and (wanted or on_behalf_of not in (None, actor.id)):
        # A citizen learns nothing about an ID number they hold no authority for: the same refusal either way.
        person_id = person_id_of(session, wanted.upper()) if wanted else None
        if person_id is None or person_id != actor.person_id:
            group = business_group or group_of_slot(session, slot_id or 0)
            authority = principal_person(session, actor, group, person_id=person_id,
                                         principal_user_id=None if wanted else on_behalf_of)
            return authority.person_id, Channel.proxy
        return person_id, channel
    if wanted:
        return person_by_id_number(session, wanted), channel
    if actor.person_id is None:
        raise UnknownPerson(field="id_number")
    return actor.person_id, channel
