"""`jiaoguan business …`: the catalogue (seed, export, import, check) and the SLA escalation.

    jiaoguan business catalogue seed                 load the shipped catalogue into an empty table
    jiaoguan business catalogue export FILE [--csv]  the catalogue as JSON (or CSV)
    jiaoguan business catalogue import FILE [--replace]   validate everything, then save (JSON or CSV)
    jiaoguan business catalogue check FILE           validate a file without saving
    jiaoguan business escalate                       tell assignees and supervisors about due and overdue cases
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jiaoguan.kit.commands import commands, fail, failing_cleanly, say
from jiaoguan.kit.i18n import N_

app = commands(N_("Online business (网上办): the catalogue of businesses and the seats' SLAs."))
catalogue_app = commands(N_("The catalogue of businesses: seed, export, import, check."))
app.add_typer(catalogue_app, name="catalogue")


def _cli_actor() -> None:
    from jiaoguan.kit.context import Actor, set_actor

    set_actor(Actor(None, "cli", "jiaoguan business"))


def _read(path: Path) -> list:  # type: ignore[type-arg]
    from jiaoguan.business.catalogue import CatalogueInvalid, from_csv, from_json

    data = path.read_bytes()
    try:
        return from_csv(data) if path.suffix.lower() == ".csv" else from_json(data)
    except CatalogueInvalid as exc:
        for p in exc.problems:
            typer.echo(f"{path.name}:{p.row}: {p.field}: {p.text()}", err=True)
        raise


@catalogue_app.command("seed", help=N_("Load the shipped catalogue (34 businesses) into an empty table."))
def seed() -> None:
    from jiaoguan.business.catalogue_store import seed as seed_catalogue
    from jiaoguan.kit.db import unit_of_work

    _cli_actor()
    with failing_cleanly(), unit_of_work() as session:
        counts = seed_catalogue(session)
    say(N_("%(added)s business(es) added."), **counts)


@catalogue_app.command("export", help=N_("Write the catalogue to FILE (JSON, or CSV with --csv)."))
def export(file: Annotated[Path, typer.Argument(help=N_("Where to write."))],
           as_csv: Annotated[bool, typer.Option("--csv", help=N_("Write CSV instead of JSON."))] = False) -> None:
    from jiaoguan.business.catalogue import to_csv, to_json
    from jiaoguan.business.catalogue_store import all_specs
    from jiaoguan.kit.db import unit_of_work

    with failing_cleanly(), unit_of_work() as session:
        specs = all_specs(session)
        file.write_text(to_csv(specs) if as_csv or file.suffix.lower() == ".csv" else to_json(specs), "utf-8")
    say(N_("%(count)s business(es) written to %(file)s."), count=len(specs), file=str(file))


@catalogue_app.command("import", help=N_("Validate FILE (JSON or CSV) and save every business in it."))
def import_(file: Annotated[Path, typer.Argument(help=N_("The catalogue file."))],
            replace: Annotated[bool, typer.Option(help=N_("Remove businesses the file does not list."))] = False,
            ) -> None:
    from jiaoguan.business.catalogue_store import save_specs
    from jiaoguan.kit.db import unit_of_work

    _cli_actor()
    with failing_cleanly():
        specs = _read(file)
        with unit_of_work() as session:
            counts = save_specs(session, specs, replace=replace)
    say(N_("Imported: %(added)s added, %(updated)s updated, %(removed)s removed."), **counts)


@catalogue_app.command("check", help=N_("Validate FILE (JSON or CSV) without saving."))
def check(file: Annotated[Path, typer.Argument(help=N_("The catalogue file."))]) -> None:
    with failing_cleanly():
        specs = _read(file)
    if not specs:
        raise fail(N_("The file lists no business."))
    say(N_("%(count)s business(es), no problem found."), count=len(specs))


@app.command("escalate", help=N_("Remind assignees of cases due today and tell supervisors of overdue ones."))
def escalate_cmd() -> None:
    from jiaoguan.business.inbox import escalate
    from jiaoguan.kit.db import unit_of_work

    _cli_actor()
    with failing_cleanly(), unit_of_work() as session:
        result = escalate(session)
    say(N_("%(due)s due today, %(overdue)s overdue, %(messages)s message(s)."), due=result.due_today,
        overdue=result.overdue, messages=result.messages)
