"""`jiaoguan deadlines sweep --on DATE [--batch N] [--offsets 30,7,1] [--json]`: the bulk sweep, with a
progress bar; a crashed run for the same date continues where it stopped."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from jiaoguan.deadlines.options import USAGE, parse_day
from jiaoguan.kit.commands import failing_cleanly, say
from jiaoguan.kit.i18n import N_


def sweep_command(
    on: Annotated[str | None, typer.Option(help=N_("The day to sweep as of, YYYY-MM-DD (default: today)."))] = None,
    batch: Annotated[int, typer.Option(min=1, help=N_("Record ids per committed chunk."))] = 50_000,
    offsets: Annotated[str, typer.Option(help=N_("Reminder offsets in days before the effective deadline."))]
    = "30,7,1",
    as_json: Annotated[bool, typer.Option("--json", help=N_("Print the report as one JSON object."))] = False,
) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from jiaoguan.deadlines.sweep.run import parse_offsets, sweep
    from jiaoguan.kit.clock import today
    from jiaoguan.kit.db import get_sessionmaker

    with failing_cleanly(USAGE):
        day = parse_day(on, "--on") if on else today()
        wanted = parse_offsets(offsets)
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   disable=as_json, transient=False)
    tasks: dict[str, object] = {}

    def progress(phase: str, done: int, total: int) -> None:
        if phase not in tasks:
            tasks[phase] = bar.add_task(phase, total=total)
        bar.update(tasks[phase], completed=done)  # type: ignore[arg-type]

    session = get_sessionmaker()()
    try:
        with failing_cleanly(), bar:
            try:
                report = sweep(session, day, batch=batch, offsets=wanted, progress=progress)
            except BaseException:
                session.rollback()
                raise
    finally:
        session.close()
    if as_json:
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False))
        return
    said = (N_("Sweep as of %(day)s resumed and finished (run %(run)s): %(updates)s record(s) changed, "
               "%(messages)s reminder(s) written in %(seconds)ss.") if report.resumed else
            N_("Sweep as of %(day)s finished (run %(run)s): %(updates)s record(s) changed, %(messages)s "
               "reminder(s) written in %(seconds)ss."))
    say(said, day=day, run=report.run_id, updates=report.updates, messages=report.messages,
        seconds=f"{report.seconds:.1f}")
    for name, value in sorted(report.counts.items()):
        typer.echo(f"  {name}: {value}")
