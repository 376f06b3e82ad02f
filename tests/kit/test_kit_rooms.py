"""A new room plugs in by its own folder and one line in the list of installed rooms: a throwaway room with
one route, one job, one command, one event handler and one navigation entry is added that way and works."""

from __future__ import annotations

import importlib
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import Request
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

import jiaoguan.rooms
from jiaoguan.kit import rooms

ROOM_PY = '''
import datetime as dt

from jiaoguan.accounts.roles import Role
from jiaoguan.kit.rooms import Handler, Job, NavEntry, Room

ROOM = Room(
    name="throwaway",
    api="throwaway_room.parts:router",
    nav=(NavEntry("Throwaway desk", "/api/v1/throwaway/ping", frozenset({Role.admin})),),
    jobs=(Job("throwaway.tick", dt.timedelta(hours=1), "throwaway_room.parts:tick"),),
    commands=(("throwaway", "throwaway_room.parts:app"),),
    handlers=(Handler("throwaway.happened", "throwaway.note", "throwaway_room.parts:note"),),
)
'''
PARTS_PY = '''
import typer
from fastapi import APIRouter

from jiaoguan.accounts.auth import Admin
from jiaoguan.kit.web import UnitOfWorkRoute

router = APIRouter(route_class=UnitOfWorkRoute)
app = typer.Typer(no_args_is_help=True)
SEEN = {"ticks": 0, "events": []}


@router.get("/throwaway/ping")
def ping(user: Admin) -> dict[str, str]:
    return {"pong": user.username}


@app.command("hello")
def hello() -> None:
    typer.echo("hello from the throwaway room")


@app.command("again")
def again() -> None:
    typer.echo("again")


def tick(session) -> None:
    SEEN["ticks"] += 1


def note(session, event) -> None:
    SEEN["events"].append(event.payload["n"])
'''


@pytest.fixture()
def throwaway_room(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    package = tmp_path / "throwaway_room"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "room.py").write_text(textwrap.dedent(ROOM_PY))
    (package / "parts.py").write_text(textwrap.dedent(PARTS_PY))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(jiaoguan.rooms, "INSTALLED", (*jiaoguan.rooms.INSTALLED, "throwaway_room.room"))
    rooms.reset()
    try:
        yield importlib.import_module("throwaway_room.parts")
    finally:
        monkeypatch.undo()
        rooms.reset()
        for name in [m for m in sys.modules if m.startswith("throwaway_room")]:
            del sys.modules[name]
        if "jiaoguan.cli" in sys.modules:  # a test rebuilt the CLI with the throwaway room: rebuild it without
            importlib.reload(sys.modules["jiaoguan.cli"])


def test_the_installed_rooms_come_from_one_list_bottom_layer_first() -> None:
    names = [room.name for room in rooms.installed()]
    assert names[0] == "notify" and names[-1] == "web"
    assert names.index("accounts") < names.index("registry") < names.index("deadlines") < names.index("passes")


def test_a_room_added_to_the_list_brings_its_route_and_navigation(throwaway_room, db, make_user, sign_in) -> None:
    from jiaoguan.kit.web import get_db
    from jiaoguan.web.app import create_app
    from jiaoguan.web.nav import nav_for

    app = create_app(start_worker=False)

    def _test_db(request: Request) -> Iterator[object]:
        request.state.db = db
        yield db

    app.dependency_overrides[get_db] = _test_db
    admin = make_user("admin")
    with TestClient(app) as client:
        sign_in(client, admin)
        assert client.get("/api/v1/throwaway/ping").json() == {"pong": admin.username}
        sign_in(client, make_user("citizen"))
        assert client.get("/api/v1/throwaway/ping").status_code == 403
    assert ("Throwaway desk", "/api/v1/throwaway/ping") in nav_for("admin")
    assert ("Throwaway desk", "/api/v1/throwaway/ping") not in nav_for("supervisor")


def test_a_room_added_to_the_list_brings_its_command(throwaway_room) -> None:
    import jiaoguan.cli

    cli = importlib.reload(jiaoguan.cli)
    result = CliRunner().invoke(cli.app, ["throwaway", "hello"])
    assert result.exit_code == 0, result.output
    assert "hello from the throwaway room" in result.output


def test_a_room_added_to_the_list_brings_its_job_and_event_handler(throwaway_room, tmp_path, monkeypatch) -> None:
    from jiaoguan.kit import db as kitdb
    from jiaoguan.kit import events
    from jiaoguan.kit.migrate import upgrade
    from jiaoguan.kit.settings import reset_settings
    from jiaoguan.kit.worker import tick

    url = f"sqlite:///{tmp_path / 'rooms.db'}"
    monkeypatch.setenv("JIAOGUAN_DATABASE_URL", url)
    reset_settings()
    kitdb.reset_engine()
    try:
        upgrade(url)
        with kitdb.unit_of_work() as session:
            events.emit(session, "throwaway.happened", {"n": 7})
        report = tick()
        assert "throwaway.tick" in report.jobs
        assert throwaway_room.SEEN == {"ticks": 1, "events": [7]}
        assert "throwaway.tick" not in tick().jobs   # not due again within the hour
        with kitdb.unit_of_work() as session:
            assert session.execute(text("SELECT count(*) FROM event_receipt")).scalar() == 1
    finally:
        monkeypatch.undo()
        reset_settings()
        kitdb.reset_engine()
