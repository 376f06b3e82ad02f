"""`jiaoguan deadlines …`: explain one deadline as of a date; check a measure file.

    jiaoguan deadlines explain --kind inspection --due 2022-03-15 --on 2022-05-01 [--province 14]
                               [--vehicle-class heavy|other] [--measures FILE …] [--json]
    jiaoguan deadlines measures validate FILE …
    jiaoguan deadlines sweep [--on DATE] [--batch N] [--offsets 30,7,1] [--json]   (sweep/command.py)

Nothing here imports the database: `explain` reads the published measures only when a database is
configured and holds some (`measures.configured`), and `sweep` loads its modules when it runs. A bad date,
kind, province or class is one sentence on stderr and exit status 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from jiaoguan.deadlines.engine import Decision, evaluate
from jiaoguan.deadlines.measures.loader import MeasureError, load_measures, shipped_measures
from jiaoguan.deadlines.measures.model import Measure
from jiaoguan.deadlines.options import (
    UsageProblem,
    fail,
    parse_day,
    parse_kind,
    parse_province,
    parse_vehicle_class,
)
from jiaoguan.deadlines.sweep.command import sweep_command

app = typer.Typer(help="Deadlines (延期办): base rules and temporary measures, as of any date.",
                  no_args_is_help=True)
measures_app = typer.Typer(help="Temporary-measure files.", no_args_is_help=True)
app.add_typer(measures_app, name="measures")
# The database sweep imports the database only when it runs.
app.command("sweep")(sweep_command)


def load_measures_for_cli(files: list[Path] | None = None) -> list[Measure]:
    """The measures `explain` judges by: the given files; else, when a database is configured and holds
    published measures, those (what officers and the sweep see); else the shipped files."""
    if files:
        return load_measures(files)
    from jiaoguan.deadlines.measures.configured import configured_measures

    return configured_measures() or list(shipped_measures())


@app.command()
def explain(
    kind: Annotated[str, typer.Option(help="inspection, licence-renewal, licence-review, learner-permit or "
                                           "preselected-plate (other kinds: see DeadlineKind).")],
    due: Annotated[str, typer.Option(help="The deadline by the regulations, YYYY-MM-DD.")],
    on: Annotated[str, typer.Option(help="The day to judge, YYYY-MM-DD.")],
    province: Annotated[str | None, typer.Option(help="Province code, e.g. 14 (山西).")] = None,
    vehicle_class: Annotated[str | None, typer.Option(help="heavy or other, for staged exits.")] = None,
    measures: Annotated[list[Path] | None, typer.Option(help="Measure JSON file; repeat for several. "
                                                             "Default: the shipped measures.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Original and effective deadline, overdue or not, penalty or not, and why — as of a date."""
    try:
        decision = evaluate(parse_kind(kind), parse_day(due, "--due"), parse_day(on, "--on"),
                            load_measures_for_cli(measures), parse_province(province),
                            parse_vehicle_class(vehicle_class))
    except UsageProblem as exc:
        raise fail(str(exc), 2) from None
    except MeasureError as exc:
        raise fail(exc.text("en"), 2) from None
    if as_json:
        typer.echo(json.dumps(decision.to_json(), ensure_ascii=False))
    else:
        typer.echo(_describe(decision))


@measures_app.command("validate")
def validate(files: Annotated[list[Path], typer.Argument(help="Measure JSON files.")]) -> None:
    """Check measure files without storing them; the first problem is named by its field."""
    failed = False
    for path in files:
        try:
            found = load_measures([path])
        except MeasureError as exc:
            typer.secho(f"{path}: {exc.text('en')}", err=True, fg=typer.colors.RED)
            failed = True
            continue
        typer.echo(f"{path}: ok — {len(found)} measure(s): {', '.join(m.ref for m in found)}")
    if failed:
        raise typer.Exit(1)


def _describe(d: Decision) -> str:
    lines = [
        f"{d.kind.value} as of {d.on}: original {d.original_due}, effective {d.effective_due}",
        f"overdue: {'yes' if d.overdue else 'no'}; penalty allowed: {'yes' if d.penalty_allowed else 'no'}",
        f"measures: {', '.join(d.measure_refs) or 'none'}; rules: {', '.join(d.rules)}",
        d.reason_zh,
        d.reason_en,
    ]
    return "\n".join(lines)

