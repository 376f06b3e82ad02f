"""`jiaoguan deadlines sweep --on DATE [--batch N] [--offsets 30,7,1] [--json]`: the bulk sweep, with a
progress bar; a crashed run for the same date continues where it stopped."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from jiaoguan.deadlines.options import UsageProblem, fail, parse_day


def sweep_command(
    on: Annotated[str | None, typer.Option(help="The day to sweep as of, YYYY-MM-DD (default: today).")] = None,
    batch: Annotated[int, typer.Option(min=1, help="Record ids per committed chunk.")] = 50_000,
    offsets: Annotated[str, typer.Option(help="Reminder offsets in days before the effective deadline.")]
    = "30,7,1",
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object.")] = False,
) -> None:
    """Update statuses and write reminders for every record, set-based, as of a date (idempotent)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from jiaoguan.deadlines.sweep.run import parse_offsets, sweep
    from jiaoguan.kit.clock import today
    from jiaoguan.kit.db import get_sessionmaker
    from jiaoguan.kit.errors import JiaoguanError

    try:
        day = parse_day(on, "--on") if on else today()
        wanted = parse_offsets(offsets)
    except UsageProblem as exc:
        raise fail(str(exc)) from None
    except JiaoguanError as exc:
        raise fail(exc.text("en")) from None
    session = get_sessionmaker()()
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   disable=as_json, transient=False)
    tasks: dict[str, object] = {}

    def progress(phase: str, done: int, total: int) -> None:
        if phase not in tasks:
            tasks[phase] = bar.add_task(phase, total=total)
        bar.update(tasks[phase], completed=done)  # type: ignore[arg-type]

    try:
        with bar:
            report = sweep(session, day, batch=batch, offsets=wanted, progress=progress)
    except JiaoguanError as exc:
        session.rollback()
        raise fail(exc.text("en"), 1) from None
    finally:
        session.close()
    if as_json:
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False))
        return
    state = "resumed and finished" if report.resumed else "finished"
    typer.echo(f"sweep as of {day} {state} (run {report.run_id}): {report.updates} record(s) changed, "
               f"{report.messages} reminder(s) written in {report.seconds:.1f}s")
    for name, value in sorted(report.counts.items()):
        typer.echo(f"  {name}: {value}")
