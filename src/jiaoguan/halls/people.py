"""Who a booking or a ticket is for, and through which channel, from the acting user and an ID number."""

from __future__ import annotations

from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.halls.errors import UnknownPerson
from jiaoguan.halls.vocab import Channel
from jiaoguan.registry.queries import person_id_of

CHANNEL_OF_ROLE = {"citizen": Channel.citizen, "enterprise_agent": Channel.proxy, "hotline_agent": Channel.hotline,
                   "window_clerk": Channel.clerk, "supervisor": Channel.clerk, "admin": Channel.clerk}


def person_by_id_number(session: Session, id_number: str) -> int:
    found = person_id_of(session, id_number.strip().upper())
    if found is None:
        raise UnknownPerson(field="id_number")
    return found


def who_and_how(session: Session, actor: Principal, id_number: str | None) -> tuple[int, Channel]:
    """(person id, channel): a citizen books for self, or for another person by ID number as a proxy."""
    channel = CHANNEL_OF_ROLE.get(actor.role, Channel.clerk)
    if id_number and id_number.strip():
        person_id = person_by_id_number(session, id_number)
        if channel == Channel.citizen and person_id != actor.person_id:
            channel = Channel.proxy
        return person_id, channel
    if actor.person_id is None:
        raise UnknownPerson(field="id_number")
    return actor.person_id, channel
