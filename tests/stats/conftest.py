"""The figures room's tests reuse the pass room's people and places (a Shanghai haulier, its agent and
issuer, a Beijing checkpoint and its officer, keys, the clock on 2022-04-29)."""

from tests.passes_db.conftest import agent, checkpoint, clock, enterprise, issuer, keys, make_user, officer

__all__ = ["agent", "checkpoint", "clock", "enterprise", "issuer", "keys", "make_user", "officer"]
