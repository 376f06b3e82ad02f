"""Bad numbers are the client's error, and concurrent writers on the embedded SQLite wait instead of failing."""

from __future__ import annotations

import threading

from sqlalchemy import text

from jiaoguan.accounts.roles import Role
from jiaoguan.kit import audit
from jiaoguan.kit.db import make_engine
from jiaoguan.kit.migrate import upgrade


def test_an_id_too_large_for_the_database_is_a_422_problem_not_a_500(client, make_user, sign_in) -> None:
    sign_in(client, make_user(Role.window_clerk))
    r = client.get("/api/v1/registry/persons/73034475715015316944919781844138852352")
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "web.out_of_range"


def test_concurrent_read_then_write_transactions_on_sqlite_do_not_fail_with_database_locked(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'busy.db'}"
    upgrade(url)
    engine = make_engine(url)
    errors: list[BaseException] = []

    def writer() -> None:
        from sqlalchemy.orm import Session

        try:
            for _ in range(15):
                with Session(engine) as s, s.begin():
                    s.execute(text("SELECT count(*) FROM audit_record")).scalar()  # read first …
                    audit.record(s, "busy.write", "thing", 1, "x")                 # … then write
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    engine.dispose()
    assert errors == []
