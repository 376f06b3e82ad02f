"""The `jiaoguan` command."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from jiaoguan.kit import rooms
from jiaoguan.kit.commands import commands, fail, failing_cleanly, say
from jiaoguan.kit.i18n import N_, translate
from jiaoguan.kit.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy import MetaData

app = commands(N_("jiaoguan, the traffic-administration service platform."), add_completion=False)
db_app = commands(N_("Database schema."))
audit_app = commands(N_("The audit trail."))
audit_keys_app = commands(N_("The key that signs audit checkpoints."))
calendar_app = commands(N_("Working-day calendar overrides."))
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
    # Whatever a command changes is audited under the operator's OS account, never as "system".
    import getpass

    from jiaoguan.kit.context import Actor, set_actor

    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        who = "unknown"
    set_actor(Actor(None, "cli", f"cli:{who}"))


@db_app.command("upgrade", help=N_("Apply the Alembic migrations to the configured database."))
def db_upgrade(revision: Annotated[str, typer.Option(help=N_("The revision to reach."))] = "head") -> None:
    from jiaoguan.kit.migrate import upgrade

    with failing_cleanly():
        upgrade(revision=revision)
    say(N_("Database at %(revision)s: %(url)s"), revision=revision, url=_safe_url())


def _safe_url() -> str:
    url = get_settings().effective_database_url
    if "@" in url:  # hide a password
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


@app.command(help=N_("Load the demo data set (offices, staff for every role, a synthetic population)."))
def demo(people: Annotated[int, typer.Option(help=N_("How many synthetic people."))] = 2000,
         seed: Annotated[int, typer.Option(help=N_("Random seed: the same seed gives the same data."))] = 2022
         ) -> None:
    from jiaoguan.demo import load_demo
    from jiaoguan.kit.migrate import upgrade

    if people < 0:
        raise fail(N_("--people must be zero or more."), 2)
    upgrade()
    summary = load_demo(people=people, seed=seed, progress=True)
    typer.echo(summary.describe())


def default_workers(is_sqlite: bool) -> int:
    """One process per core on PostgreSQL; one on the embedded database (a single writer anyway)."""
    import os

    if is_sqlite:
        return 1
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@app.command(help=N_("Start the web app. On first start with the embedded database, migrate and load demo data."))
def serve(host: Annotated[str, typer.Option(help=N_("The address to listen on."))] = "127.0.0.1",
          port: Annotated[int, typer.Option(help=N_("The port to listen on."))] = 8000,
          demo_people: Annotated[int | None, typer.Option(help=N_("People in the first-start demo."))] = None,
          workers: Annotated[int | None, typer.Option(help=N_(
              "Server processes (default: one per core on PostgreSQL, one on the embedded database)."))] = None
          ) -> None:
    import os

    import uvicorn

    from jiaoguan.demo import demo_loaded, load_demo, print_demo_signins
    from jiaoguan.kit.migrate import upgrade

    settings = get_settings()
    if workers is not None and workers < 1:
        raise fail(N_("--workers must be 1 or more."), 2)
    processes = workers or default_workers(settings.is_sqlite)
    if "JIAOGUAN_PUBLIC_BASE_URL" not in os.environ:
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        settings.public_base_url = f"http://{shown}:{port}"
        # The server processes read their settings from the environment, not from this process.
        os.environ["JIAOGUAN_PUBLIC_BASE_URL"] = settings.public_base_url
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    if settings.is_sqlite:
        upgrade()
        _embedded_audit_key()
        if not demo_loaded():
            say(N_("First start: loading demo data …"))
            load_demo(people=demo_people if demo_people is not None else settings.demo_people, seed=2022,
                      progress=True)
    if settings.env != "production":
        settings.effective_secret_key  # noqa: B018 - made once here, not raced for by the server processes
    say(N_("\njiaoguan is running at %(url)s/  (API docs: /api/v1/docs)\n"), url=settings.public_base_url)
    print_demo_signins()
    if processes == 1:
        from jiaoguan.web.app import create_app

        uvicorn.run(create_app(), host=host, port=port, log_level="info")
        return
    say(N_("%(n)s server processes."), n=processes)
    # Each process builds its own app (engine, pool, caches); what must be one per installation (the embedded
    # database's in-process worker) is decided by a file lock in the data folder (kit/worker.py).
    uvicorn.run("jiaoguan.web.app:create_app", factory=True, host=host, port=port, workers=processes,
                log_level="info")


@app.command(help=N_("Deliver the outbox and run periodic jobs (nightly sweeps, escalations)."))
def worker(once: Annotated[bool, typer.Option(help=N_("Deliver what is due, run due jobs, then exit."))] = False,
           interval: Annotated[float, typer.Option(help=N_("Seconds between two rounds."))] = 2.0) -> None:
    import threading

    from jiaoguan.kit import logmask
    from jiaoguan.kit.worker import run_forever, tick

    logging.basicConfig(level=logging.INFO)
    logmask.install()
    if once:
        report = tick()
        sent = sum(report.pumped.values())
        say(N_("Delivered %(sent)s message(s), %(events)s event(s); ran jobs: %(jobs)s"), sent=sent,
            events=report.events, jobs=", ".join(report.jobs) or "-")
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
        say(N_("Audit checkpoint key %(key)s created: %(path)s"), key=init_key(path), path=path)


@audit_keys_app.command("init", help=N_(
    "Create the Ed25519 key that signs audit checkpoints (JIAOGUAN_AUDIT_KEY_FILE, default under the data "
    "folder); its public half is written beside it."))
def audit_keys_init() -> None:
    from jiaoguan.kit.audit import init_key
    from jiaoguan.kit.audit.checkpoints import public_path

    path = get_settings().effective_audit_key_file
    with failing_cleanly():
        key_id = init_key(path)
    say(N_("Audit checkpoint key %(key)s created: %(path)s (public half: %(public)s). Keep a copy where the "
           "database administrator cannot change it."), key=key_id, path=path, public=public_path(path))


@audit_app.command("checkpoint", help=N_(
    "Chain what is pending and sign a checkpoint now (the worker does this periodically)."))
def audit_checkpoint() -> None:
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
        say(N_("Nothing new to sign: the last checkpoint already covers the whole chain."))
    else:
        say(N_("Checkpoint signed: %(records)s record(s), head %(head)s…, exported to %(folder)s"),
            records=cp.seq, head=cp.head_hash[:16], folder=settings.effective_audit_checkpoint_dir)


@audit_app.command("verify", help=N_(
    "Check the audit chain and every signed checkpoint, in one consistent snapshot. Exit 1 on any problem."))
def audit_verify(chain_only: Annotated[bool, typer.Option(
        "--chain-only", help=N_("Check only the chain's own links, not the signed checkpoints."))] = False) -> None:
    from jiaoguan.kit.audit import verify_snapshot

    with failing_cleanly():
        report = verify_snapshot(checkpoints=not chain_only)
    for p in report.problems:
        typer.echo(p.describe())
    if report.problems:
        raise fail(N_("Audit chain broken: %(problems)s problem(s) in %(records)s record(s)."), 1,
                   problems=len(report.problems), records=report.chained)
    say(N_("Audit chain intact: %(records)s record(s), %(pending)s waiting to be chained."),
        records=report.chained, pending=report.pending)
    if chain_only:
        return
    last = report.last_checkpoint
    if last is None:
        say(N_("%(count)s signed checkpoint(s) match (none exported yet: run `jiaoguan audit checkpoint` or the "
               "worker)."), count=report.checkpoints_checked)
    else:
        say(N_("%(count)s signed checkpoint(s) match, the latest covering %(records)s record(s) at %(at)s UTC."),
            count=report.checkpoints_checked, records=last.seq, at=f"{last.at:%Y-%m-%d %H:%M:%S}")


@app.command(help=N_(
    "Back up the database (either engine), the keys, the audit checkpoint log and uploaded documents."))
def backup(file: Annotated[Path, typer.Argument(help=N_("The backup file to write (a .tar.gz)."))]) -> None:
    from jiaoguan.kit.backup import write_backup

    with failing_cleanly():
        manifest = write_backup(file, _metadata())
    rows = sum(t.rows for t in manifest.tables)
    say(N_("Backup written to %(file)s: %(rows)s row(s) in %(tables)s table(s) and %(files)s file(s) (schema "
           "%(revision)s, %(engine)s)."), file=file, rows=rows, tables=len(manifest.tables),
        files=len(manifest.files), revision=manifest.schema_revision, engine=manifest.source_engine)
    if manifest.secret_key == "environment":
        say(N_("The secret key comes from JIAOGUAN_SECRET_KEY and is not in the backup: keep it with the backup."))


@app.command(help=N_(
    "Restore a backup into an empty database (either engine), with its keys, checkpoint log and documents."))
def restore(file: Annotated[Path, typer.Argument(help=N_("A file written by `jiaoguan backup`."))],
            force: Annotated[bool, typer.Option(
                "--force", help=N_("Replace everything in a database that is not empty."))] = False) -> None:
    from jiaoguan.kit.backup import restore_backup

    with failing_cleanly():
        summary = restore_backup(file, _metadata(), force=force)
    say(N_("Restored %(rows)s row(s) in %(tables)s table(s) and %(files)s file(s) from a %(engine)s backup at "
           "schema %(revision)s: %(url)s"), rows=sum(summary.rows.values()), tables=len(summary.rows),
        files=len(summary.files), engine=summary.source_engine, revision=summary.schema_revision, url=_safe_url())
    if summary.secret_key_in_environment:
        say(N_("The backed-up installation took its secret key from JIAOGUAN_SECRET_KEY: set the same value "
               "here, or the pass signing keys cannot be used."))


@calendar_app.command("set", help=N_(
    "Declare DAY (YYYY-MM-DD) a working day or a rest day (years chinesecalendar does not know)."))
def calendar_set(day: Annotated[str, typer.Argument(help=N_("The day, YYYY-MM-DD."))],
                 working: Annotated[bool, typer.Option("--working/--rest", help=N_("A working day or a rest day."))],
                 name: Annotated[str, typer.Option(help=N_("The holiday's name, if any."))] = "") -> None:
    import datetime as dt

    from jiaoguan.kit.calendar_service import set_override
    from jiaoguan.kit.db import unit_of_work

    try:
        when = dt.date.fromisoformat(day)
    except ValueError:
        raise fail(N_("%(day)s is not a date (YYYY-MM-DD)."), 2, day=repr(day)) from None
    with failing_cleanly(), unit_of_work() as session:
        set_override(session, when, working=working, name=name)
    said = N_("%(day)s: working day %(name)s") if working else N_("%(day)s: rest day %(name)s")
    typer.echo(translate(said, day=when, name=name).rstrip())


def _metadata() -> MetaData:
    """Every installed room's tables (a backup carries them all)."""
    from jiaoguan.kit.db import full_metadata

    return full_metadata()


def main() -> None:  # pragma: no cover
    sys.exit(app())
