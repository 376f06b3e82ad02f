"""Finding the caller (来电人) at the hotline desk: by mobile number, by name or by ID number.

The registry answers through its query services; what leaves this module for a page is masked (the ID number
keeps its first 6 and last 4). Each search is audited with the query scrubbed, as any staff lookup of a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.kit import audit
from jiaoguan.kit.ids import check_id_number
from jiaoguan.kit.ids.masking import mask_id_number, mask_name, scrub
from jiaoguan.kit.ids.text import compact
from jiaoguan.registry.queries import PersonFacts, person_id_of, person_of, persons_by_name, persons_by_phone

MOBILE = re.compile(r"1\d{10}")


@dataclass(frozen=True)
class CallerView:
    person_id: int
    name: str
    id_number_masked: str
    phone: str | None
    province_code: str


def _view(p: PersonFacts) -> CallerView:
    return CallerView(p.id, p.name, mask_id_number(p.id_number), p.phone, p.province_code)


def how_asked(query: str) -> str:
    """"phone", "id_number" or "name": what the agent typed, read from its shape."""
    q = compact(query).upper()
    if MOBILE.fullmatch(q):
        return "phone"
    if len(q) in (15, 18) and q[:-1].isdigit():
        return "id_number"
    return "name"


def find_callers(session: Session, actor: Principal, query: str) -> list[CallerView]:
    q = query.strip()
    if not q:
        return []
    kind = how_asked(q)
    if kind == "phone":
        found = persons_by_phone(session, compact(q))
    elif kind == "id_number":
        checked = check_id_number(q)
        pid = person_id_of(session, checked.value) if checked.value else None
        person = person_of(session, pid)
        found = [person] if person is not None else []
    else:
        found = persons_by_name(session, q, province_code=actor.province_code)
    shown = q if kind != "name" else mask_name(q)
    audit.record(session, "hotline.caller_search", "person", "-", f"{kind}: {scrub(shown)} -> {len(found)}")
    return [_view(p) for p in found]


def caller(session: Session, person_id: int) -> CallerView | None:
    person = person_of(session, person_id)
    return _view(person) if person is not None else None
