"""The signed-in user as every other room sees it: a plain, immutable value, never the ORM row.

Rooms receive a `Principal` from the role dependencies in `accounts.auth`; they never import
`accounts.models`. It stays readable after the request's transaction has rolled back (error pages
still show who is signed in) and carries how the user came in (a browser session or a device token),
which the audit trail records.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import with_config

from jiaoguan.kit.context import Actor
from jiaoguan.kit.views import REQUIRED_IN_JSON


@with_config(REQUIRED_IN_JSON)  # it is also the answer of /api/v1/accounts/me
@dataclass(frozen=True, slots=True)
class Principal:
    id: int
    username: str
    display_name: str
    role: str
    province_code: str | None = None
    enterprise_id: int | None = None
    person_id: int | None = None
    office_id: int | None = None
    phone: str | None = None
    device: str | None = None  # the device token's name when the request came with one

    @property
    def actor(self) -> Actor:
        label = self.username if self.device is None else f"{self.username} [{self.device}]"
        return Actor(self.id, self.role, label)
