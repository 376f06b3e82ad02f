"""Fixtures for the deadlines database tests: cheap password hashing (sign-ins are not under test here)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from jiaoguan.accounts import service as accounts_service


@pytest.fixture(autouse=True)
def _cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts_service, "_hasher", PasswordHasher(time_cost=1, memory_cost=256, parallelism=1))
