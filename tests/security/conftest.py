"""A live installation for the attack tests: its own committed database (a schema of its own on PostgreSQL), the
real app on it, clients that come from a chosen address and carry the CSRF token a browser would."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from jiaoguan.accounts.auth import CSRF_COOKIE, csrf_token_for
from jiaoguan.accounts.service import create_user
from jiaoguan.kit.db import unit_of_work
from tests.conftest import _bind_csrf
from tests.installations import Installation, installations  # noqa: F401 -- a fixture

PASSWORD = "right-password-1"


class Live:
    def __init__(self, inst: Installation) -> None:
        from jiaoguan.web.app import create_app

        self.inst = inst
        self.app = create_app(start_worker=False)
        self._clients: list[TestClient] = []

    def client(self, address: str = "198.51.100.7", base_url: str = "http://testserver") -> TestClient:
        """A browser at `address`: it has opened the sign-in page, so it holds the CSRF cookie and token."""
        c = TestClient(self.app, base_url=base_url, client=(address, 40000))
        c.__enter__()
        self._clients.append(c)
        page = c.get("/signin")
        found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert found is not None
        # The token is bound to the session: after a sign-in the browser's next page carries another one, which
        # the hook computes as that page would.
        c.headers["X-CSRF-Token"] = "test-csrf-token"
        c.event_hooks["request"].append(_bind_csrf)
        assert csrf_token_for(c.cookies.get(CSRF_COOKIE), None) == found.group(1)
        return c

    def user(self, username: str, *, role: str = "citizen", phone: str | None = None) -> None:
        with unit_of_work() as s:
            create_user(s, username=username, display_name=username, role=role, password=PASSWORD, phone=phone)

    def close(self) -> None:
        for c in self._clients:
            c.__exit__(None, None, None)


@pytest.fixture()
def live(installations: Callable[..., Installation]) -> Iterator[Live]:  # noqa: F811
    app = Live(installations())
    try:
        yield app
    finally:
        app.close()


def at_once(calls: list[Callable[[], Any]], threads: int = 32) -> list[Any]:
    """Run the calls concurrently (a pool of `threads`), return their results in order."""
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(lambda call: call(), calls))
