"""The `jiaoguan` command."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from jiaoguan.kit import rooms
from jiaoguan.kit.commands import fail, failing_cleanly
from jiaoguan.kit.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy import MetaData

app = typer.Typer(help="jiaoguan 交管业务服务平台", no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)
audit_keys_app = typer.Typer(help="The key that signs audit checkpoints.", no_args_is_help=True)
calendar_app = typer.Typer(help="Working-day calendar overrides.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(audit_app, name="audit")
audit_app.add_typer(audit_keys_app, name="keys")
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


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply the Alembic migrations to the configured database."""
    from jiaoguan.kit.migrate import upgrade

    with failing_cleanly():
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
        _embedded_audit_key()
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


def _embedded_audit_key() -> None:
    """The embedded product signs its audit checkpoints from the first start (production creates its key
    with `jiaoguan audit keys init`, on a volume the database administrator cannot write)."""
    from jiaoguan.kit.audit import init_key

    path = get_settings().effective_audit_key_file
    if get_settings().env != "production" and not path.exists():
        typer.echo(f"audit checkpoint key {init_key(path)} created: {path}")


@audit_keys_app.command("init")
def audit_keys_init() -> None:
    """Create the Ed25519 key that signs audit checkpoints (JIAOGUAN_AUDIT_KEY_FILE, default under the data
    folder); its public half is written beside it."""
    from jiaoguan.kit.audit import init_key
    from jiaoguan.kit.audit.checkpoints import public_path

    path = get_settings().effective_audit_key_file
    with failing_cleanly():
        key_id = init_key(path)
    typer.echo(f"audit checkpoint key {key_id} created: {path} (public half: {public_path(path)}). "
               "Keep a copy where the database administrator cannot change it.")


@audit_app.command("checkpoint")
def audit_checkpoint() -> None:
    """Chain what is pending and sign a checkpoint now (the worker does this periodically)."""
    from jiaoguan.kit.audit import chain_now, load_signing_key, take_checkpoint
    from jiaoguan.kit.audit.checkpoints import export_missing
    from jiaoguan.kit.db import get_engine, unit_of_work

    settings = get_settings()
    with failing_cleanly():
        key = load_signing_key(settings.effective_audit_key_file)
        chain_now(get_engine(), rounds=1_000_000)
        with unit_of_work() as session:
            export_missing(session)
            cp = take_checkpoint(session, key)
    if cp is None:
        typer.echo("nothing new to sign: the last checkpoint already covers the whole chain")
    else:
        typer.echo(f"checkpoint signed: {cp.seq} record(s), head {cp.head_hash[:16]}…, "
                   f"exported to {settings.effective_audit_checkpoint_dir}")


@audit_app.command("verify")
def audit_verify(chain_only: Annotated[bool, typer.Option(
        "--chain-only", help="Check only the chain's own links, not the signed checkpoints.")] = False) -> None:
    """Check the audit chain and every signed checkpoint, in one consistent snapshot. Exit 1 on any problem."""
    from jiaoguan.kit.audit import verify_snapshot

    with failing_cleanly():
        report = verify_snapshot(checkpoints=not chain_only)
    for p in report.problems:
        typer.echo(p.describe())
    if report.problems:
        raise fail(f"audit chain broken: {len(report.problems)} problem(s) in {report.chained} record(s)", 1)
    summary = f"audit chain intact: {report.chained} record(s), {report.pending} waiting to be chained"
    if not chain_only:
        last = report.last_checkpoint
        summary += f"; {report.checkpoints_checked} signed checkpoint(s) match" + (
            f", the latest covering {last.seq} record(s) at {last.at:%Y-%m-%d %H:%M:%S} UTC" if last else
            " (none exported yet: run `jiaoguan audit checkpoint` or the worker)")
    typer.echo(summary)


@app.command()
def backup(file: Annotated[Path, typer.Argument(help="The backup file to write (a .tar.gz).")]) -> None:
    """Back up the database (either engine), the keys, the audit checkpoint log and uploaded documents."""
    from jiaoguan.kit.backup import write_backup

    with failing_cleanly():
        manifest = write_backup(file, _metadata())
    rows = sum(t.rows for t in manifest.tables)
    typer.echo(f"backup written to {file}: {rows} row(s) in {len(manifest.tables)} table(s) and "
               f"{len(manifest.files)} file(s) (schema {manifest.schema_revision}, {manifest.source_engine})")
    if manifest.secret_key == "environment":
        typer.echo("The secret key comes from JIAOGUAN_SECRET_KEY and is not in the backup: keep it with the backup.")


@app.command()
def restore(file: Annotated[Path, typer.Argument(help="A file written by `jiaoguan backup`.")],
            force: Annotated[bool, typer.Option(
                "--force", help="Replace everything in a database that is not empty.")] = False) -> None:
    """Restore a backup into an empty database (either engine), with its keys, checkpoint log and documents."""
    from jiaoguan.kit.backup import restore_backup

    with failing_cleanly():
        summary = restore_backup(file, _metadata(), force=force)
    typer.echo(f"restored {sum(summary.rows.values())} row(s) in {len(summary.rows)} table(s) and "
               f"{len(summary.files)} file(s) from a {summary.source_engine} backup at schema "
               f"{summary.schema_revision}: {_safe_url()}")
    if summary.secret_key_in_environment:
        typer.echo("The backed-up installation took its secret key from JIAOGUAN_SECRET_KEY: set the same value "
                   "here, or the pass signing keys cannot be used.")


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
    with failing_cleanly(), unit_of_work() as session:
        set_override(session, when, working=working, name=name)
    typer.echo(f"{when}: {'working day' if working else 'rest day'} {name}".rstrip())


def _metadata() -> MetaData:
    """Every installed room's tables (a backup carries them all)."""
    from jiaoguan.kit.db import full_metadata

    return full_metadata()


def main() -> None:  # pragma: no cover
    sys.exit(app())
