"""`jiaoguan deadlines …`: explain one deadline as of a date; check a measure file.

    jiaoguan deadlines explain --kind inspection --due 2022-03-15 --on 2022-05-01 [--province 14]
                               [--issued DATE] [--vehicle-class heavy|other] [--measures FILE …] [--json]
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
from jiaoguan.deadlines.options import USAGE, parse_day, parse_kind, parse_province, parse_vehicle_class
from jiaoguan.deadlines.sweep.command import sweep_command
from jiaoguan.kit.commands import commands, failing_cleanly, say
from jiaoguan.kit.i18n import N_, current_locale, translate

app = commands(N_("Deadlines (延期办): base rules and temporary measures, as of any date."))
measures_app = commands(N_("Temporary-measure files."))
app.add_typer(measures_app, name="measures")
# The database sweep imports the database only when it runs.
app.command("sweep", help=N_("Update statuses and write reminders for every record, set-based, as of a date "
                             "(idempotent)."))(sweep_command)


def load_measures_for_cli(files: list[Path] | None = None) -> list[Measure]:
    """The measures `explain` judges by: the given files; else, when a database is configured and holds
    published measures, those (what officers and the sweep see); else the shipped files."""
    if files:
        return load_measures(files)
    from jiaoguan.deadlines.measures.configured import configured_measures

    return configured_measures() or list(shipped_measures())


@app.command(help=N_("Original and effective deadline, overdue or not, penalty or not, and why — as of a date."))
def explain(
    kind: Annotated[str, typer.Option(help=N_("inspection, licence-renewal, licence-review, learner-permit, "
                                              "preselected-plate, licence-cancellation, licence-restoration, "
                                              "compulsory-scrapping, plate-retention, full-score-education, "
                                              "medical-certificate or compulsory-insurance."))],
    due: Annotated[str, typer.Option(help=N_("The deadline by the regulations, YYYY-MM-DD."))],
    on: Annotated[str, typer.Option(help=N_("The day to judge, YYYY-MM-DD."))],
    issued: Annotated[str | None, typer.Option(help=N_(
        "When the record's validity began (a learner permit's issue, a plate number's selection), YYYY-MM-DD, "
        "if known."))] = None,
    province: Annotated[str | None, typer.Option(help=N_("Province code, e.g. 14 (山西)."))] = None,
    vehicle_class: Annotated[str | None, typer.Option(help=N_("heavy or other, for staged exits."))] = None,
    measures: Annotated[list[Path] | None, typer.Option(help=N_(
        "Measure JSON file; repeat for several. Default: the shipped measures."))] = None,
    as_json: Annotated[bool, typer.Option("--json", help=N_("Print one JSON object."))] = False,
) -> None:
    with failing_cleanly(USAGE):
        decision = evaluate(parse_kind(kind), parse_day(due, "--due"), parse_day(on, "--on"),
                            load_measures_for_cli(measures), parse_province(province),
                            parse_vehicle_class(vehicle_class),
                            issued=parse_day(issued, "--issued") if issued else None)
    if as_json:
        typer.echo(json.dumps(decision.to_json(), ensure_ascii=False))
    else:
        typer.echo(_describe(decision))


@measures_app.command("validate", help=N_(
    "Check measure files without storing them; the first problem is named by its field."))
def validate(files: Annotated[list[Path], typer.Argument(help=N_("Measure JSON files."))]) -> None:
    failed = False
    for path in files:
        try:
            found = load_measures([path])
        except MeasureError as exc:
            typer.secho(f"{path}: {exc.text()}", err=True, fg=typer.colors.RED)
            failed = True
            continue
        say(N_("%(file)s: ok — %(count)s measure(s): %(refs)s"), file=path, count=len(found),
            refs=", ".join(m.ref for m in found))
    if failed:
        raise typer.Exit(1)


def _describe(d: Decision) -> str:
    """The decision in the CLI's language: dates, yes/no answers, what decided it, and why."""
    yes, no = translate(N_("yes")), translate(N_("no"))
    effective = translate(N_("until further notice")) if d.open_ended else str(d.effective_due)
    lines = [
        translate(N_("%(kind)s as of %(on)s: original %(original)s, effective %(effective)s"), kind=d.kind.value,
                  on=d.on, original=d.original_due, effective=effective)
        + (translate(N_("; can no longer be handled (cancelled or scrapped)")) if d.lapsed else ""),
        translate(N_("overdue: %(overdue)s; penalty allowed: %(penalty)s"), overdue=yes if d.overdue else no,
                  penalty=yes if d.penalty_allowed else no),
        translate(N_("measures: %(measures)s; rules: %(rules)s"), measures=", ".join(d.measure_refs) or "-",
                  rules=", ".join(d.rules)),
        d.reason_zh if current_locale().startswith("zh") else d.reason_en,
    ]
    return "\n".join(lines)
