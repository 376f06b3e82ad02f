"""`jiaoguan measures …`: publish and list the temporary measures kept in the database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jiaoguan.kit.commands import commands, failing_cleanly, say
from jiaoguan.kit.i18n import N_

app = commands(N_("Temporary measures (临时措施) kept as data."))


@app.command("load", help=N_(
    "Validate and publish measures; a file with any error publishes nothing. Re-loading is harmless. A new "
    "version queues a count of today's reach, which the worker stores for /measures."))
def load(files: Annotated[list[Path], typer.Argument(help=N_("JSON files, each one measure or an array."))]) -> None:
    from jiaoguan.deadlines.measures.store import publish_file
    from jiaoguan.deadlines.sweep.counts import ask
    from jiaoguan.kit.clock import today
    from jiaoguan.kit.db import unit_of_work

    with failing_cleanly(), unit_of_work() as session:
        created_any = False
        for f in files:
            for row, created in publish_file(session, f):
                created_any = created_any or created
                say(N_("%(ref)s: published — %(title)s") if created else
                    N_("%(ref)s: already published — %(title)s"), ref=f"{row.measure_id}@{row.version}",
                    title=row.title_zh)
        if created_any:
            ask(session, today(), reason="publish", by="jiaoguan measures load")


@app.command("list", help=N_("List every published version."))
def list_measures() -> None:
    from jiaoguan.deadlines.measures.store import versions
    from jiaoguan.kit.db import unit_of_work

    with failing_cleanly(), unit_of_work() as session:
        rows = versions(session)
        for r in rows:
            window = f"{r.effective_from}..{r.effective_to or ''}"
            say(N_("%(ref)s\tannounced %(announced)s\t%(window)s\t%(region)s\t%(title)s"),
                ref=f"{r.measure_id}@{r.version}", announced=r.announced, window=window, region=r.region,
                title=r.title_zh)
        if not rows:
            say(N_("No measures published."))
