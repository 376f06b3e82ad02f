"""What the registry's checks and effects answer, as the business room keeps it. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Subject:
    """Who or what a business is about, as the registry's checks and effects are asked about it."""

    person_id: int | None
    licence_id: int | None = None
    vehicle_id: int | None = None
    plate_no: str | None = None
    province_code: str | None = None


@dataclass(frozen=True)
class CheckOutcome:
    name: str
    ok: bool
    rule_msgid: str        # the rule, an English msgid
    article: str = ""      # e.g. "Decree 162 art. 63"
    remedy_msgid: str = ""  # what would satisfy it
    params: dict[str, Any] | None = None
    checked: bool = True   # False: the registry does not know this check yet


@dataclass(frozen=True)
class EffectOutcome:
    applied: bool           # False: generic flow, the register was not changed
    summary: str = ""
    data: dict[str, Any] | None = None
