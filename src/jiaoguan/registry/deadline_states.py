"""The seam through which a room above states a record's deadlines on the registry's pages and API.

The registry's own tags (`states.py`) apply the regulations' base rules to the dates it stores. Temporary
measures (延期办) move those deadlines, and only the deadlines room, which sits above the registry, knows
them. So a room may declare, in its `Room.extra`, a provider under `EXTRA_KEY`: a reference to
`fn(session, on) -> DeadlineStates`. When one is installed, the date-based tags of every registry view come
from it, and "my records" and "my deadlines" show one answer; without one, the base-rule tags stand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from sqlalchemy.orm import Session

from jiaoguan.kit import rooms
from jiaoguan.registry.records import LicenceRecord, PermitRecord, PlateRecord, VehicleRecord
from jiaoguan.registry.states import StateTag

EXTRA_KEY = "registry.deadline_states"


class DeadlineStates(Protocol):
    """The date-based tags of one record as of the day the provider was made for."""

    def licence(self, row: LicenceRecord) -> Sequence[StateTag]: ...

    def vehicle(self, row: VehicleRecord) -> Sequence[StateTag]: ...

    def permit(self, row: PermitRecord) -> Sequence[StateTag]: ...

    def plate(self, row: PlateRecord) -> Sequence[StateTag]: ...


def deadline_states(session: Session, on: dt.date) -> DeadlineStates | None:
    """The installed provider's tags for `on`, or None (the registry's base-rule tags stand)."""
    for room in rooms.installed():
        ref = room.extra.get(EXTRA_KEY)
        if ref:
            provider: DeadlineStates = rooms.resolve(ref)(session, on)
            return provider
    return None
