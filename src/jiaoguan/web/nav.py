"""Navigation per role: Home, then the entries the installed rooms declare for the role (`Room.nav`)."""

from __future__ import annotations

from jiaoguan.kit import rooms
from jiaoguan.kit.i18n import N_

HOME = (N_("Home"), "/")

# Every page shows its role's navigation: worked out once per role and set of installed rooms (the rooms' entries
# were collected and sorted on every page). A new set (a test's throwaway room) is another tuple: worked out again.
_kept: dict[tuple[str | None, int], tuple[tuple[rooms.Room, ...], tuple[tuple[str, str], ...]]] = {}


def nav_for(role: str | None) -> list[tuple[str, str]]:
    installed = rooms.installed()
    found = _kept.get((role, id(installed)))
    if found is None or found[0] is not installed:
        if len(_kept) > 256:
            _kept.clear()
        found = _kept[(role, id(installed))] = (installed, _nav(role))
    return list(found[1])


def _nav(role: str | None) -> tuple[tuple[str, str], ...]:
    if role is None:
        return (HOME,)
    return (HOME, *((entry.label, entry.path) for entry in rooms.all_nav() if role in entry.roles))
