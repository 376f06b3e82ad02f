"""Who is acting and in which request: set by the web layer, the CLI or the worker, read by the audit writer."""

from __future__ import annotations

import contextvars
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    role: str
    label: str  # a display name safe to store (never a full ID number)


SYSTEM = Actor(None, "system", "system")

_actor: contextvars.ContextVar[Actor] = contextvars.ContextVar("actor", default=SYSTEM)
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def current_actor() -> Actor:
    return _actor.get()


def set_actor(actor: Actor) -> contextvars.Token[Actor]:
    return _actor.set(actor)


def request_id() -> str:
    return _request_id.get() or "-"


def set_request_id(value: str | None = None) -> str:
    value = value or uuid.uuid4().hex[:16]
    _request_id.set(value)
    return value
