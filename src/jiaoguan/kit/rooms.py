"""Rooms declare what they plug in; one list names the rooms that are installed.

A room (accounts, registry, deadlines, passes, …) keeps one declaration, `ROOM = Room(...)` in its
`room.py`: its tables, JSON routes and pages, navigation entries per role, periodic jobs, CLI commands,
demo data, message templates, domain-event handlers and worker pumps. The installed rooms are listed
once, in `jiaoguan.rooms.INSTALLED` (bottom layer first). Everything that used to name rooms — the app
factory, the model loader, the demo loader, the worker, the CLI — reads this registry instead, so a
new room is added by writing its folder and one line in that list.

Parts are named by reference (`"jiaoguan.passes.api:router"`) and imported only when used: a CLI
command that needs no web app never imports the routers, and a lower layer (the worker in `kit`)
reaches a higher room's job without importing it by name in code.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

ROOMS_MODULE = "jiaoguan.rooms"


def resolve(ref: str) -> Any:
    """Import `"package.module:attribute"` and return the attribute."""
    module_name, _, attribute = ref.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attribute) if attribute else module


@dataclass(frozen=True)
class NavEntry:
    """A link in the page shell's navigation for the given roles (`label` is an English msgid)."""

    label: str
    path: str
    roles: frozenset[str]
    order: int = 50  # lower first; rooms' entries with the same order keep the rooms' order


@dataclass(frozen=True)
class Job:
    """A periodic job: `run` is a reference to `fn(session) -> object`, run in its own unit of work."""

    name: str
    every: dt.timedelta
    run: str


@dataclass(frozen=True)
class Handler:
    """A domain-event handler: `run` is a reference to `fn(session, event) -> None`.

    Its `name` is stable (it keys deliveries and receipts): renaming it re-delivers nothing and
    orphans nothing already delivered, but undelivered events addressed to the old name go dead.
    """

    event: str
    name: str
    run: str


@dataclass(frozen=True)
class Room:
    name: str
    models: tuple[str, ...] = ()                 # modules that define tables
    api: str | None = None                       # APIRouter mounted under /api/v1
    pages: str | None = None                     # APIRouter mounted at /
    # fn() -> list of Starlette routes placed ahead of every router: a hot path that may not pay for the framework's
    # routing and dependency solving (see passes/lane.py); each must answer as the documented API route does.
    lanes: str | None = None
    nav: tuple[NavEntry, ...] = ()
    jobs: tuple[Job, ...] = ()
    commands: tuple[tuple[str, str], ...] = ()   # (command name, Typer app reference)
    demo: str | None = None                      # fn(session, world) -> dict[str, int] | None
    templates: str | None = None                 # dict[name, (title msgid, body msgid)]
    handlers: tuple[Handler, ...] = ()
    pumps: tuple[str, ...] = ()                  # fn() -> int, called on every worker tick (own transaction)
    # fn(session, start: date | None, end: date | None) -> Iterable[(event name, payload)]: the figures'
    # facts (the domain events of the stats contract) recounted from the room's own raw data, for
    # `jiaoguan stats rebuild`; the same payloads the room emits, so a rebuild equals the live counts.
    figures: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # room-specific declarations other rooms may read


@cache
def installed() -> tuple[Room, ...]:
    """The installed rooms, bottom layer first."""
    names: Iterable[str] = resolve(ROOMS_MODULE + ":INSTALLED")
    rooms = tuple(resolve(name + ":ROOM") for name in names)
    seen: set[str] = set()
    for room in rooms:
        if room.name in seen:
            raise RuntimeError(f"room {room.name!r} is installed twice")
        seen.add(room.name)
    return rooms


def reset() -> None:
    """Forget the installed rooms (tests that install a throwaway room)."""
    installed.cache_clear()
    _models_loaded.clear()


_models_loaded: set[str] = set()


def load_models() -> None:
    """Import every installed room's tables (and the kit's own), so the metadata is complete.

    Called before the first session is made: a process that uses the ORM without having imported
    every room (a one-off CLI command) would otherwise fail on foreign keys to tables it never saw.
    """
    for module in ("jiaoguan.kit.audit", "jiaoguan.kit.outbox", "jiaoguan.kit.calendar_models",
                   "jiaoguan.kit.jobs", "jiaoguan.kit.events", "jiaoguan.kit.limits"):
        if module not in _models_loaded:
            importlib.import_module(module)
            _models_loaded.add(module)
    for room in installed():
        for module in room.models:
            if module not in _models_loaded:
                importlib.import_module(module)
                _models_loaded.add(module)


def all_jobs() -> list[Job]:
    return [job for room in installed() for job in room.jobs]


def all_handlers(event: str | None = None) -> list[Handler]:
    return [h for room in installed() for h in room.handlers if event is None or h.event == event]


def all_nav() -> list[NavEntry]:
    entries = [(entry.order, i, entry) for i, room in enumerate(installed()) for entry in room.nav]
    return [entry for _, _, entry in sorted(entries, key=lambda t: (t[0], t[1]))]


def all_figures() -> list[tuple[str, str]]:
    """(room name, recount reference) of every installed room that declares its figures."""
    return [(room.name, room.figures) for room in installed() if room.figures]


def all_templates() -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    for room in installed():
        if room.templates:
            found.update(resolve(room.templates))
    return found
