"""`jiaoguan measures …`: publish and list the temporary measures kept in the database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Temporary measures (临时措施) kept as data.", no_args_is_help=True)


@app.command("load")
def load(files: Annotated[list[Path], typer.Argument(help="JSON files, each one measure or an array.")]) -> None:
    """Validate and publish measures; a file with any error publishes nothing. Re-loading is harmless."""
    from jiaoguan.deadlines.measures.store import publish_file
    from jiaoguan.kit.db import unit_of_work
    from jiaoguan.kit.errors import JiaoguanError

    try:
        with unit_of_work() as session:
            for f in files:
                for row, created in publish_file(session, f):
                    state = "published" if created else "already published"
                    typer.echo(f"{row.measure_id}@{row.version}: {state} — {row.title_zh}")
    except JiaoguanError as exc:
        typer.secho(f"error: {exc.text('en')}", err=True, fg=typer.colors.RED)
        raise typer.Exit(1) from None


@app.command("list")
def list_measures() -> None:
    """List every published version."""
    from jiaoguan.deadlines.measures.store import versions
    from jiaoguan.kit.db import unit_of_work

    with unit_of_work() as session:
        rows = versions(session)
        for r in rows:
            window = f"{r.effective_from}..{r.effective_to or ''}"
            typer.echo(f"{r.measure_id}@{r.version}\tannounced {r.announced}\t{window}\t{r.region}\t{r.title_zh}")
        if not rows:
            typer.echo("no measures published")
