"""The `jiaoguan` command."""

from __future__ import annotations

import logging
import sys
from typing import Annotated

import typer

from jiaoguan.kit.plugins import import_optional
from jiaoguan.kit.settings import get_settings

app = typer.Typer(help="jiaoguan 交管业务服务平台", no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
user_app = typer.Typer(help="User accounts.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)
calendar_app = typer.Typer(help="Working-day calendar overrides.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(audit_app, name="audit")
app.add_typer(calendar_app, name="calendar")

# Rooms that bring their own sub-commands (a Typer `app` in `<room>/commands.py`).
for _name, _module in (("deadlines", "jiaoguan.deadlines.commands"), ("pass", "jiaoguan.passes.commands"),
                       ("measures", "jiaoguan.deadlines.measure_commands")):
    _mod = import_optional(_module)
    if _mod is not None:
        app.add_typer(_mod.app, name=_name)


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

    from jiaoguan.notify.worker import deliver_once, load_jobs, run_due_jobs, run_forever

    logging.basicConfig(level=logging.INFO)
    from jiaoguan.kit import logmask

    logmask.install()
    if once:
        load_jobs()
        sent = deliver_once()
        ran = run_due_jobs()
        typer.echo(f"delivered {sent} message(s); ran jobs: {', '.join(ran) or 'none'}")
        return
    stop = threading.Event()
    try:
        run_forever(stop, interval)
    except KeyboardInterrupt:
        stop.set()


@user_app.command("add")
def user_add(username: str, role: str,
             password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
             display_name: str = "", province: str | None = None, phone: str | None = None) -> None:
    """Create a user with a role (citizen, window_clerk, …, admin)."""
    from jiaoguan.accounts.roles import Role
    from jiaoguan.accounts.service import create_user
    from jiaoguan.kit.db import unit_of_work
    from jiaoguan.kit.errors import JiaoguanError

    if role not in Role.__members__:
        raise fail(f"Unknown role {role!r}; choose one of: {', '.join(Role.__members__)}.", 2)
    try:
        with unit_of_work() as session:
            user = create_user(session, username=username, display_name=display_name or username, role=role,
                               password=password, province_code=province, phone=phone)
            typer.echo(f"created user {user.username} ({role})")
    except JiaoguanError as exc:
        raise fail(exc.text("en"), 1) from None


@user_app.command("token")
def user_token(username: str, name: str = "device") -> None:
    """Issue a device API token (e.g. for a checkpoint scanner) acting as USERNAME."""
    from sqlalchemy import select

    from jiaoguan.accounts.models import User
    from jiaoguan.accounts.service import issue_api_token
    from jiaoguan.kit.db import unit_of_work

    with unit_of_work() as session:
        user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if user is None:
            raise fail(f"No user named {username!r}.", 1)
        typer.echo(issue_api_token(session, user, name))


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
