"""The `jiaoguan` command."""

from __future__ import annotations

import logging
import sys
from typing import Annotated

import typer

from jiaoguan.kit import rooms
from jiaoguan.kit.settings import get_settings

app = typer.Typer(help="jiaoguan 交管业务服务平台", no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)
calendar_app = typer.Typer(help="Working-day calendar overrides.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(audit_app, name="audit")
app.add_typer(calendar_app, name="calendar")

# Each installed room brings its own sub-commands (its declaration names them).
for _room in rooms.installed():
    for _name, _ref in _room.commands:
        app.add_typer(rooms.resolve(_ref), name=_name)


@app.callback()
def _operator() -> None:
    """jiaoguan 交管业务服务平台"""
    # Whatever a command changes is audited under the operator's OS account, never as "system".
    import getpass

    from jiaoguan.kit.context import Actor, set_actor

    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        who = "unknown"
    set_actor(Actor(None, "cli", f"cli:{who}"))


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(code)


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply the Alembic migrations to the configured database."""
    from jiaoguan.kit.migrate import upgrade

    upgrade(revision=revision)
    typer.echo(f"database at {revision}: {_safe_url()}")


def _safe_url() -> str:
    url = get_settings().effective_database_url
    if "@" in url:  # hide a password
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


@app.command()
def demo(people: Annotated[int, typer.Option(help="How many synthetic people.")] = 2000,
         seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same data.")] = 2022) -> None:
    """Load the demo data set (offices, staff for every role, a synthetic population)."""
    from jiaoguan.demo import load_demo
    from jiaoguan.kit.migrate import upgrade

    if people < 0:
        raise fail("--people must be zero or more.", 2)
    upgrade()
    summary = load_demo(people=people, seed=seed, progress=True)
    typer.echo(summary.describe())


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8000,
          demo_people: Annotated[int | None, typer.Option(help="People in the first-start demo.")] = None) -> None:
    """Start the web app. On first start with the embedded database, migrate and load demo data."""
    import os

    import uvicorn

    from jiaoguan.demo import demo_loaded, load_demo, print_demo_signins
    from jiaoguan.kit.migrate import upgrade

    settings = get_settings()
    if "JIAOGUAN_PUBLIC_BASE_URL" not in os.environ:
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        settings.public_base_url = f"http://{shown}:{port}"
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    if settings.is_sqlite:
        upgrade()
        if not demo_loaded():
            typer.echo("First start: loading demo data …")
            load_demo(people=demo_people if demo_people is not None else settings.demo_people, seed=2022,
                      progress=True)
    typer.echo(f"\njiaoguan is running at {settings.public_base_url}/  (API docs: /api/v1/docs)\n")
    print_demo_signins()
    from jiaoguan.web.app import create_app

    uvicorn.run(create_app(), host=host, port=port, log_level="info")


@app.command()
def worker(once: Annotated[bool, typer.Option(help="Deliver what is due, run due jobs, then exit.")] = False,
           interval: float = 2.0) -> None:
    """Deliver the outbox and run periodic jobs (nightly sweeps, escalations)."""
    import threading

    from jiaoguan.kit import logmask
    from jiaoguan.kit.worker import run_forever, tick

    logging.basicConfig(level=logging.INFO)
    logmask.install()
    if once:
        report = tick()
        sent = sum(report.pumped.values())
        jobs = ", ".join(report.jobs) or "none"
        typer.echo(f"delivered {sent} message(s), {report.events} event(s); ran jobs: {jobs}")
        return
    stop = threading.Event()
    try:
        run_forever(stop, interval)
    except KeyboardInterrupt:
        stop.set()


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the audit chain; report edited or deleted records. Exit 1 if any."""
    from jiaoguan.kit.audit import verify_chain
    from jiaoguan.kit.db import unit_of_work

    with unit_of_work() as session:
        checked, problems = verify_chain(session)
    for p in problems:
        typer.echo(f"record {p.record_id}: {p.problem}")
    if problems:
        raise fail(f"audit chain broken: {len(problems)} problem(s) in {checked} record(s)", 1)
    typer.echo(f"audit chain intact: {checked} record(s)")


@calendar_app.command("set")
def calendar_set(day: str, working: Annotated[bool, typer.Option("--working/--rest")],
                 name: str = "") -> None:
    """Declare DAY (YYYY-MM-DD) a working day or a rest day (years chinesecalendar does not know)."""
    import datetime as dt

    from jiaoguan.kit.calendar_service import set_override
    from jiaoguan.kit.db import unit_of_work

    try:
        when = dt.date.fromisoformat(day)
    except ValueError:
        raise fail(f"{day!r} is not a date (YYYY-MM-DD).", 2) from None
    with unit_of_work() as session:
        set_override(session, when, working=working, name=name)
    typer.echo(f"{when}: {'working day' if working else 'rest day'} {name}".rstrip())


def main() -> None:  # pragma: no cover
    sys.exit(app())
