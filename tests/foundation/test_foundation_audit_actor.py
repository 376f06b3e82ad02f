"""The audit trail names who did it: the signed-in user or device token, with the role used — through HTTP,
for pages and JSON routes, sync and async handlers alike. "system" is left to the worker; the CLI names its
operator."""

from __future__ import annotations

import getpass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.roles import Role
from jiaoguan.accounts.service import issue_api_token
from jiaoguan.kit.audit import AuditRecord
from tests.factories import accounts
from tests.factories.accounts import PASSWORD


def _last(db: Session, action: str) -> AuditRecord:
    db.expire_all()
    row = db.execute(select(AuditRecord).where(AuditRecord.action == action).order_by(AuditRecord.id.desc())
                     ).scalars().first()
    assert row is not None, f"no audit record {action}"
    return row


def _sign_in_through_the_form(client, username: str) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/signin", data={"username": username, "password": PASSWORD, "next": "/"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text


def test_a_password_sign_in_is_recorded_with_the_user_who_signed_in(client, make_user, db) -> None:
    clerk = make_user(Role.window_clerk)
    _sign_in_through_the_form(client, clerk.username)
    row = _last(db, "session.start")
    assert (row.actor_id, row.actor_role, row.actor_label) == (clerk.id, "window_clerk", clerk.username)


def test_a_registry_search_on_a_page_names_the_clerk_who_searched(client, make_user, db) -> None:
    clerk = make_user(Role.window_clerk)
    _sign_in_through_the_form(client, clerk.username)
    assert client.get("/registry/search", params={"q": "11010519491231002X"}).status_code == 200
    row = _last(db, "registry.search")
    assert (row.actor_id, row.actor_role) == (clerk.id, "window_clerk")


def test_a_json_call_with_a_device_token_names_the_user_and_the_device(client, make_user, db) -> None:
    import datetime as dt

    from jiaoguan.registry.models import Vehicle

    db.add(Vehicle(plate_no="京A12345", plate_type="02", vin="LSVAM4187C2184847", use_nature="non_operating",
                   vehicle_type="small_car", seats=5, registration_date=dt.date(2018, 3, 1),
                   inspection_valid_until=dt.date(2022, 3, 31), insurance_valid_until=dt.date(2023, 1, 1),
                   province_code="11"))
    officer = make_user(Role.checkpoint_officer, province_code="11")
    token = issue_api_token(db, officer, "lane-3 scanner")
    db.commit()
    client.cookies.clear()
    response = client.get("/api/v1/deadlines/check", params={"plate": "京A12345", "on": "2022-05-01"},
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    row = _last(db, "deadlines.check")
    assert (row.actor_id, row.actor_role, row.actor_label) == (
        officer.id, "checkpoint_officer", f"{officer.username} [lane-3 scanner]")


def test_an_async_handler_records_the_enterprise_agent(client, make_user, db) -> None:
    firm = accounts.enterprise(db)
    agent = make_user(Role.enterprise_agent, enterprise_id=firm.id, province_code="31")
    _sign_in_through_the_form(client, agent.username)
    from jiaoguan.passes.applications.csv_batch import template_csv

    csv = template_csv().encode()  # its sample rows may be refused: the upload is audited all the same
    response = client.post("/api/v1/passes/applications/batch", files={"file": ("fleet.csv", csv, "text/csv")})
    assert response.status_code == 200, response.text
    row = _last(db, "pass.batch.upload")
    assert (row.actor_id, row.actor_role, row.actor_label) == (agent.id, "enterprise_agent", agent.username)


def test_the_cli_names_its_operator_as_the_readme_runs_it(tmp_path) -> None:
    """A fresh process each time, as an operator types the README's commands (a process that has not
    imported every room's models must still create a user)."""
    import os
    import subprocess
    import sys

    from jiaoguan.kit.db import make_engine

    env = {**os.environ, "JIAOGUAN_DATA_DIR": str(tmp_path), "JIAOGUAN_DATABASE_URL": ""}
    for args in (["db", "upgrade"], ["user", "add", "alice", "window_clerk", "--password", PASSWORD],
                 ["calendar", "set", "2027-02-08", "--rest", "--name", "春节"]):
        done = subprocess.run([sys.executable, "-m", "jiaoguan", *args], env=env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, f"{args}: {done.stdout} {done.stderr}"
        assert "Traceback" not in done.stderr
    engine = make_engine(f"sqlite:///{tmp_path / 'jiaoguan.db'}")
    try:
        with Session(engine) as session:
            rows = session.execute(select(AuditRecord).order_by(AuditRecord.id)).scalars().all()
            assert [r.action for r in rows] == ["user.create", "calendar.override"]
            operator = (None, "cli", f"cli:{getpass.getuser()}")
            assert {(r.actor_id, r.actor_role, r.actor_label) for r in rows} == {operator}
    finally:
        engine.dispose()
