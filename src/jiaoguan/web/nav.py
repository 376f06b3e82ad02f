"""Navigation per role: Home, then the entries the installed rooms declare for the role (`Room.nav`)."""

from __future__ import annotations

from jiaoguan.kit import rooms
from jiaoguan.kit.i18n import N_

HOME = (N_("Home"), "/")


def nav_for(role: str | None) -> list[tuple[str, str]]:
    if role is None:
        return [HOME]
    return [HOME] + [(entry.label, entry.path) for entry in rooms.all_nav() if role in entry.roles]
