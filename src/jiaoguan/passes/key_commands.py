"""`jiaoguan pass keys …`: the national root and provincial signing keys kept in the database.

    jiaoguan pass keys init [--province 31 …]      root (once) + a signing key per province without one
    jiaoguan pass keys rotate --province 31        new signing key; the old one keeps verifying its passes
    jiaoguan pass keys list
    jiaoguan pass keys revoke KID --reason TEXT [--no-reissue]   key compromise (+ batch re-issue)
    jiaoguan pass keys export-root FILE            root certificate (PEM) for checkpoints to pin
    jiaoguan pass keys bundle FILE [--max-age-hours 24]          signed trust bundle for offline use
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Pass keys: national root and provincial signing keys.", no_args_is_help=True)


def _cli_actor() -> None:
    from jiaoguan.kit.context import Actor, set_actor

    set_actor(Actor(None, "cli", "jiaoguan pass keys"))


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(code)


@app.command("init")
def init(province: Annotated[list[str] | None, typer.Option(
        "--province", "-p", help="Province code (2 digits), repeatable.")] = None) -> None:
    """Create the national root if missing and a signing key for each province that has none."""
    from jiaoguan.kit.db import unit_of_work
    from jiaoguan.kit.errors import JiaoguanError
    from jiaoguan.passes.issuance.keystore import init_keys

    _cli_actor()
    try:
        with unit_of_work() as session:
            created = init_keys(session, list(province or []))
            lines = [f"{r.kind:8} {r.province_code or '--'} {r.kid}" for r in created]
    except JiaoguanError as exc:
        raise _fail(exc.text("en"), 2) from None
    typer.echo("\n".join(lines) if lines else "nothing to create: every key exists")


@app.command("rotate")
def rotate(province: Annotated[str, typer.Option("--province", "-p", help="Province code (2 digits).")]) -> None:
    """Give the province a new signing key; the previous one is retired, not revoked."""
    from jiaoguan.kit.db import unit_of_work
    from jiaoguan.kit.errors import JiaoguanError
    from jiaoguan.passes.issuance.keystore import rotate_key

    _cli_actor()
    try:
        with unit_of_work() as session:
            row = rotate_key(session, province)
            kid = row.kid
    except JiaoguanError as exc:
        raise _fail(exc.text("en"), 2) from None
    typer.echo(f"signing  {province} {kid}")


@app.command("list")
def list_() -> None:
    """Every key: kind, province, kid, status, certificate end."""
    from jiaoguan.kit.db import unit_of_work
    from jiaoguan.passes.issuance.keystore import list_keys

    with unit_of_work() as session:
        rows = [f"{r.kind:8} {r.province_code or '--'} {r.kid} {r.status:8} until {r.not_after:%Y-%m-%d}"
                for r in list_keys(session)]
    typer.echo("\n".join(rows) if rows else "no keys; run `jiaoguan pass keys init`")


@app.command("revoke")
def revoke(kid: str, reason: Annotated[str, typer.Option(help="Why the key is revoked.")],
           reissue: Annotated[bool, typer.Option("--reissue/--no-reissue",
                                                 help="Re-sign its honest passes under a new key.")] = True) -> None:
    """Key compromise: revoke KID (every pass it signed turns grey) and re-issue its honest passes."""
    from jiaoguan.kit.db import unit_of_work
    from jiaoguan.kit.errors import JiaoguanError
    from jiaoguan.passes.issuance.revocation import compromise_key

    _cli_actor()
    try:
        with unit_of_work() as session:
            report = compromise_key(session, kid, reason, reissue=reissue)
            new_kid = report.new_key.kid if report.new_key else None
    except JiaoguanError as exc:
        raise _fail(exc.text("en"), 2) from None
    typer.echo(f"revoked {kid}: {report.affected} active pass(es) turned grey")
    if reissue:
        typer.echo(f"re-issued {len(report.reissued)} pass(es)" + (f" under {new_kid}" if new_kid else ""))


@app.command("export-root")
def export_root(path: Path) -> None:
    """Write the national root certificate (PEM): what a checkpoint pins to open trust bundles."""
    from jiaoguan.kit.db import unit_of_work
    from jiaoguan.kit.errors import JiaoguanError
    from jiaoguan.passes.issuance.keystore import require_root

    try:
        with unit_of_work() as session:
            pem = require_root(session).certificate_pem
    except JiaoguanError as exc:
        raise _fail(exc.text("en"), 2) from None
    path.write_text(pem)
    typer.echo(f"root certificate written to {path}")


@app.command("bundle")
def bundle(path: Path, max_age_hours: Annotated[int, typer.Option(min=1, max=24 * 14)] = 24) -> None:
    """Write the signed trust bundle (certificates, revoked keys and passes) for offline checkpoints."""
    from jiaoguan.kit.db import unit_of_work
    from jiaoguan.kit.errors import JiaoguanError
    from jiaoguan.passes.issuance.keystore import trust_bundle
    from jiaoguan.passes.qr.trust import write_trust_bundle

    try:
        with unit_of_work() as session:
            data = trust_bundle(session, max_age=dt.timedelta(hours=max_age_hours))
    except JiaoguanError as exc:
        raise _fail(exc.text("en"), 2) from None
    write_trust_bundle(path, data)
    typer.echo(f"trust bundle ({len(data)} bytes) written to {path}")
