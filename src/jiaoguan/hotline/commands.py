"""`jiaoguan hotline …`: the desk's data kept by operators.

    jiaoguan hotline answers-load [FILE]     load the reusable answers (default: the shipped file)
    jiaoguan hotline desk-hours --province 11 --opens 09:00 --closes 17:00
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from jiaoguan.kit.commands import commands, fail, failing_cleanly, say
from jiaoguan.kit.i18n import N_

app = commands(N_("The hotline desk (专线服务电话): reusable answers and desk hours."))


def _cli_actor() -> None:
    import getpass

    from jiaoguan.kit.context import Actor, set_actor
    set_actor(Actor(None, "cli", f"cli:{getpass.getuser()}"))


@app.command("answers-load", help=N_("Load the reusable answers from a JSON file; the file replaces the set."))
def answers_load(file: Annotated[Path | None, typer.Argument(help=N_("The answers file (JSON).")) ] = None) -> None:
    from jiaoguan.hotline.answers import SHIPPED, load
    from jiaoguan.kit.db import unit_of_work

    _cli_actor()
    with failing_cleanly():
        text = (file or SHIPPED).read_text(encoding="utf-8")
        with unit_of_work() as session:
            report = load(session, text)
    say(N_("Answers loaded: %(added)s added, %(changed)s changed, %(removed)s removed, %(unchanged)s unchanged."),
        added=report.added, changed=report.changed, removed=report.removed, unchanged=report.unchanged)


@app.command("desk-hours", help=N_("Set a province's desk hours (local time, on working days)."))
def desk_hours(province: Annotated[str, typer.Option("--province", "-p", help=N_("Province code (2 digits)."))],
               opens: Annotated[str, typer.Option(help=N_("Opening time, HH:MM."))] = "09:00",
               closes: Annotated[str, typer.Option(help=N_("Closing time, HH:MM."))] = "17:00") -> None:
    from jiaoguan.hotline.settings import configure
    from jiaoguan.kit.db import unit_of_work

    try:
        start, end = dt.time.fromisoformat(opens), dt.time.fromisoformat(closes)
    except ValueError:
        raise fail(N_("Times are written HH:MM, e.g. 09:00."), 2) from None
    _cli_actor()
    with failing_cleanly(), unit_of_work() as session:
        configure(session, province, opens=start, closes=end)
    say(N_("Desk hours of %(province)s: %(opens)s–%(closes)s."), province=province, opens=opens, closes=closes)
