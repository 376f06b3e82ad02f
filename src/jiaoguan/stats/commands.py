"""`jiaoguan stats …`: recount the figures from the rooms' raw data.

    jiaoguan stats rebuild [--from DATE] [--to DATE] [--check] [--json]

Exit status 0 when the maintained figures equal the recount, 3 when they differed (and, without
`--check`, were replaced by the recount), 2 for a bad date.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer

from jiaoguan.kit.commands import commands, fail, failing_cleanly, say
from jiaoguan.kit.i18n import N_

app = commands(N_("Figures of the six measures (the dashboard's aggregates)."))
DIFFERED = 3


def _day(text: str | None, option: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise fail(N_("%(option)s must be a date, YYYY-MM-DD."), 2, option=option) from None


@app.command(help=N_("Recount the figures from the rooms' raw data, report every difference from the maintained "
                     "figures and replace them (only report with --check)."))
def rebuild(
    start: Annotated[str | None, typer.Option("--from", help=N_("First day, YYYY-MM-DD (default: all)."))] = None,
    end: Annotated[str | None, typer.Option("--to", help=N_("Last day, YYYY-MM-DD (default: all)."))] = None,
    check: Annotated[bool, typer.Option("--check", help=N_("Only report; change nothing."))] = False,
    as_json: Annotated[bool, typer.Option("--json", help=N_("Print one JSON object."))] = False,
) -> None:
    first, last = _day(start, "--from"), _day(end, "--to")
    from jiaoguan.kit.db import unit_of_work
    from jiaoguan.stats.rebuild import rebuild as run

    with failing_cleanly(), unit_of_work() as session:
        report = run(session, first, last, write=not check)
    if as_json:
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        say(N_("Recounted %(rows)s figure rows and %(people)s people rows from: %(rooms)s."),
            rows=report.counts, people=report.persons, rooms=", ".join(report.rooms) or "-")
        for d in report.differences[:50]:
            typer.echo(f"  {d.key[0]} {d.key[1]} {d.key[2] or '-'} {d.key[4]} {d.key[5] or '-'}: "
                       f"{d.maintained} -> {d.recounted}")
        if report.differences or report.person_differences:
            say(N_("%(n)s figures and %(p)s people rows differed."), n=len(report.differences),
                p=report.person_differences)
            say(N_("They were replaced by the recount.") if report.written else N_("Nothing was changed."))
        else:
            say(N_("The maintained figures equal the recount."))
    if report.differences or report.person_differences:
        raise typer.Exit(DIFFERED)
