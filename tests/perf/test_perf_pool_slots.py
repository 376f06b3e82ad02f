"""More concurrent requests than the database pool holds: they wait their turn, none waits out the pool's timeout.

A request keeps its connection from its first statement (the session lookup, in a dependency's worker thread)
to its end (the endpoint, in another). With the worker threads all taken by requests waiting for a connection and
every connection held by a request waiting for a thread, one process stood still until the pool's timeout
(measured before the fix: 80 clients, 2.6 pages a second, p95 31 s). `kit.web.get_db` now waits for one of
`kit.db.connection_slots` on the event loop first. Here: a server whose pool holds 2 connections with a 3-second
timeout, and 60 signed-in citizens opening their records at once, more than the server's 40 worker threads.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import re
import sqlite3
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy.pool import QueuePool

from jiaoguan.demo.accounts import DEMO_PASSWORD
from jiaoguan.kit.db import connection_slots, make_engine
from tests.perf.servers import serve_process

CLIENTS = 60


def _signed_in_cookie(url: str) -> str:
    """Sign in as the demo citizen through the form, as a browser does; the session cookie it sets."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(url + "/signin", timeout=30) as r:
        token = re.search(r'name="csrf_token" value="([^"]+)"', r.read().decode()).group(1)  # type: ignore[union-attr]
    form = urllib.parse.urlencode({"csrf_token": token, "username": "citizen", "password": DEMO_PASSWORD,
                                   "next": "/my/records"}).encode()
    with opener.open(url + "/signin", data=form, timeout=30) as r:
        assert r.status == 200 and "/my/records" in r.url, r.url
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def _open_records(url: str, cookie: str) -> tuple[int, float]:
    started = time.monotonic()
    request = urllib.request.Request(url + "/my/records", headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            r.read()
            return r.status, time.monotonic() - started
    except urllib.error.HTTPError as err:
        return err.code, time.monotonic() - started


@contextlib.contextmanager
def _server(tmp_path: Path, **settings: str) -> Iterator[tuple[str, Path]]:
    with serve_process(tmp_path, "--workers", "1", **settings) as (url, log_path, _):
        yield url, log_path


def test_sixty_citizens_at_once_on_a_pool_of_two_all_get_their_records(tmp_path: Path) -> None:
    with _server(tmp_path, JIAOGUAN_DB_POOL_SIZE="2", JIAOGUAN_DB_MAX_OVERFLOW="0",
                 JIAOGUAN_DB_POOL_TIMEOUT="3") as (url, log_path):
        cookie = _signed_in_cookie(url)
        with ThreadPoolExecutor(CLIENTS) as pool:
            results = list(pool.map(lambda _: _open_records(url, cookie), range(CLIENTS)))
        statuses = [status for status, _ in results]
        assert statuses == [200] * CLIENTS, (sorted(statuses), log_path.read_text()[-3000:])
        assert "QueuePool limit" not in log_path.read_text()


def _open_board(url: str, office_id: int, opened: threading.Event) -> None:
    request = urllib.request.Request(f"{url}/api/v1/halls/offices/{office_id}/board/stream?seconds=15")
    with urllib.request.urlopen(request, timeout=60) as r:
        r.readline()   # the stream's first line: it is open
        opened.set()
        r.read()


def test_open_hall_boards_do_not_keep_the_turns_of_the_database(tmp_path: Path) -> None:
    """Two requests in flight at most: three boards streaming for 15 s must not leave a citizen waiting."""
    with _server(tmp_path, JIAOGUAN_REQUESTS_IN_FLIGHT="2") as (url, log_path):
        with sqlite3.connect(tmp_path / "jiaoguan.db") as conn:
            office_id = conn.execute("SELECT id FROM hall_office ORDER BY id").fetchone()[0]
        cookie = _signed_in_cookie(url)
        boards = [threading.Event() for _ in range(3)]
        with ThreadPoolExecutor(3) as pool:
            for opened in boards:
                pool.submit(_open_board, url, office_id, opened)
            assert all(opened.wait(30) for opened in boards), log_path.read_text()[-3000:]
            status, took = _open_records(url, cookie)
            assert status == 200 and took < 10, (status, took)


def test_connection_slots_leave_two_connections_beside_the_requests(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}", pool_size=10, max_overflow=20)
    assert isinstance(engine.pool, QueuePool) and connection_slots(engine) == 28
    assert connection_slots(make_engine(f"sqlite:///{tmp_path / 'y.db'}", pool_size=2, max_overflow=0)) == 1
    assert connection_slots(make_engine(f"sqlite:///{tmp_path / 'z.db'}", pool_size=2, max_overflow=-1)) is None
