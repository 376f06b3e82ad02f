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

from jiaoguan.kit.commands import commands, failing_cleanly, say
from jiaoguan.kit.i18n import N_

app = commands(N_("Pass keys: national root and provincial signing keys."))
BAD_USE = 2  # the exit status of a refused key operation (an unknown province or kid, a key already revoked)


def _cli_actor() -> None:
    from jiaoguan.kit.context import Actor, set_actor

    set_actor(Actor(None, "cli", "jiaoguan pass keys"))


@app.command("init", help=N_("Create the national root if missing and a signing key for each province that has none."))
def init(province: Annotated[list[str] | None, typer.Option(
        "--province", "-p", help=N_("Province code (2 digits), repeatable."))] = None) -> None:
    from jiaoguan.kit.db import unit_of_work
    from jiaoguan.passes.issuance.keystore import init_keys

    _cli_actor()
    with failing_cleanly(BAD_USE), unit_of_work() as session:
        created = init_keys(session, list(province or []))
        lines = [f"{r.kind:8} {r.province_code or '--'} {r.kid}" for r in created]
    if lines:
        typer.echo("\n".join(lines))
    else:
        say(N_("Nothing to create: every key exists."))


@app.command("rotate", help=N_("Give the province a new signing key; the previous one is retired, not revoked."))
def rotate(province: Annotated[str, typer.Option("--province", "-p", help=N_("Province code (2 digits)."))]) -> None:
    from jiaoguan.kit.db import unit_of_work
    from jiaoguan.passes.issuance.keystore import rotate_key

    _cli_actor()
    with failing_cleanly(BAD_USE), unit_of_work() as session:
        kid = rotate_key(session, province).kid
    typer.echo(f"signing  {province} {kid}")


@app.command("list", help=N_("Every key: kind, province, kid, status, certificate end."))
def list_() -> None:
    from jiaoguan.kit.db import unit_of_work
    from jiaoguan.passes.issuance.keystore import list_keys

    with failing_cleanly(), unit_of_work() as session:
        rows = [f"{r.kind:8} {r.province_code or '--'} {r.kid} {r.status:8} {r.not_after:%Y-%m-%d}"
                for r in list_keys(session)]
    if rows:
        typer.echo("\n".join(rows))
    else:
        say(N_("No keys; run `jiaoguan pass keys init`."))


@app.command("revoke", help=N_(
    "Key compromise: revoke KID (every pass it signed turns grey) and re-issue its honest passes."))
def revoke(kid: Annotated[str, typer.Argument(help=N_("The key's kid."))],
           reason: Annotated[str, typer.Option(help=N_("Why the key is revoked."))],
           reissue: Annotated[bool, typer.Option("--reissue/--no-reissue",
                                                 help=N_("Re-sign its honest passes under a new key."))] = True
           ) -> None:
    from jiaoguan.kit.db import unit_of_work
    from jiaoguan.passes.issuance.revocation import compromise_key

    _cli_actor()
    with failing_cleanly(BAD_USE), unit_of_work() as session:
        report = compromise_key(session, kid, reason, reissue=reissue)
        new_kid = report.new_key.kid if report.new_key else None
    say(N_("Revoked %(kid)s: %(count)s active pass(es) turned grey."), kid=kid, count=report.affected)
    if reissue and new_kid:
        say(N_("Re-issued %(count)s pass(es) under %(kid)s."), count=len(report.reissued), kid=new_kid)
    elif reissue:
        say(N_("Re-issued %(count)s pass(es)."), count=len(report.reissued))


@app.command("export-root", help=N_(
    "Write the national root certificate (PEM): what a checkpoint pins to open trust bundles."))
def export_root(path: Annotated[Path, typer.Argument(help=N_("The file to write."))]) -> None:
    from jiaoguan.kit.db import unit_of_work
    from jiaoguan.passes.issuance.keystore import require_root

    with failing_cleanly(BAD_USE):
        with unit_of_work() as session:
            pem = require_root(session).certificate_pem
        path.write_text(pem)
    say(N_("Root certificate written to %(path)s."), path=path)


@app.command("bundle", help=N_(
    "Write the signed trust bundle (certificates, revoked keys and passes) for offline checkpoints."))
def bundle(path: Annotated[Path, typer.Argument(help=N_("The file to write."))],
           max_age_hours: Annotated[int, typer.Option(min=1, max=24 * 14, help=N_(
               "How many hours checkpoints may rely on the bundle."))] = 24) -> None:
    from jiaoguan.kit.db import unit_of_work
    from jiaoguan.passes.issuance.keystore import trust_bundle
    from jiaoguan.passes.qr.trust import write_trust_bundle

    with failing_cleanly(BAD_USE):
        with unit_of_work() as session:
            data = trust_bundle(session, max_age=dt.timedelta(hours=max_age_hours))
        write_trust_bundle(path, data)
    say(N_("Trust bundle (%(size)s bytes) written to %(path)s."), size=len(data), path=path)
