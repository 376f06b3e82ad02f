"""Who is acting and in which request: set by the web layer, the CLI or the worker, read by the audit writer."""

from __future__ import annotations

import contextvars
import os
import random
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


# Request ids correlate log lines and audit records; they guard nothing, so they need no cryptographic randomness:
# 64 bits from a generator seeded from the OS once per process (and again in a forked child), not `uuid4` (a system
# call and a UUID object on every request: 1.5 % of a small page's CPU under load).
_ids = random.Random(os.urandom(16))
os.register_at_fork(after_in_child=lambda: _ids.seed(os.urandom(16)))


def set_request_id(value: str | None = None) -> str:
    value = value or f"{_ids.getrandbits(64):016x}"
    _request_id.set(value)
    return value
