"""`jiaoguan pass …`: verify pass QR codes offline (the main CLI mounts `app` as `pass`).

    jiaoguan pass verify [--prefix P] [--cert FILE_OR_BASE64_DER …] [--trust-bundle FILE --root CERT]
                         [--at ISO8601] [--json] QR
    jiaoguan pass verify --batch FILE.jsonl

Exit status: 0 every pass valid, 1 any invalid, 2 unusable arguments or input lines.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.commands import commands, fail
from jiaoguan.kit.i18n import N_, translate
from jiaoguan.passes.qr.codec import PREFIX
from jiaoguan.passes.qr.dcc import DCC_POLICY, DCC_PREFIX
from jiaoguan.passes.qr.keys import PassKeyError
from jiaoguan.passes.qr.trust import PASS_POLICY, SigningPolicy, TrustBundleError, TrustStore, load_trust_store
from jiaoguan.passes.qr.verify import Verdict, verify

app = commands(N_("Key-material transport passes (重点物资运输车辆通行证): offline verification and keys."))

OK, INVALID, UNUSABLE = 0, 1, 2
PROFILES = {"pass": PASS_POLICY, "dcc": DCC_POLICY}


class Unusable(Exception):
    """An argument or input line the command cannot work with (exit 2): an English msgid and its params."""

    def __init__(self, msgid: str, **params: Any) -> None:
        super().__init__(msgid)
        self.msgid, self.params = msgid, params

    def text(self, locale: str | None = None) -> str:
        return translate(self.msgid, locale, **self.params)


@app.callback()
def passes() -> None:
    """`pass` stays a group of commands (verify, keys …) however many commands it has."""


# `jiaoguan pass keys …` is database-backed and lives in key_commands.py (the DB layer's file);
# mounted here because the main CLI mounts this `app` as `pass`.
try:
    from jiaoguan.passes.key_commands import app as _keys_app
except ModuleNotFoundError as _missing:
    if _missing.name != "jiaoguan.passes.key_commands":
        raise
else:
    app.add_typer(_keys_app, name="keys")


def parse_at(value: str | None) -> dt.datetime | None:
    """ISO 8601; a time without a zone is taken as UTC."""
    if value is None:
        return None
    try:
        at = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise Unusable(N_("not an ISO 8601 time: %(value)s"), value=repr(value)) from None
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


def policy_for(profile: str, prefix: str) -> SigningPolicy:
    if profile == "auto":
        return DCC_POLICY if prefix == DCC_PREFIX else PASS_POLICY
    if profile not in PROFILES:
        raise Unusable(N_("unknown profile %(value)s (auto, pass or dcc)"), value=repr(profile))
    return PROFILES[profile]


def trust_from_certs(certs: list[str], policy: SigningPolicy) -> TrustStore:
    try:
        return TrustStore.from_certificates(certs, policy)
    except (PassKeyError, OSError) as exc:
        raise Unusable(N_("unusable certificate: %(reason)s"), reason=exc) from None


def _installed_root() -> str | None:
    """This installation's national root certificate (PEM), when a database with pass keys is reachable."""
    try:
        from jiaoguan.kit.db import unit_of_work
        from jiaoguan.passes.issuance.keystore import root_row

        with unit_of_work() as session:
            row = root_row(session)
            return row.certificate_pem if row is not None else None
    except Exception:  # no database, no tables, no keys: the caller says what is missing
        return None


def trust_from_bundle(bundle: Path, root: str | None, policy: SigningPolicy) -> TrustStore:
    root = root or _installed_root()
    if not root:
        raise Unusable(N_("--trust-bundle needs the pinned root certificate: --root, JIAOGUAN_PASS_ROOT_CERT, "
                          "or a database holding this installation's keys (jiaoguan pass keys init)"))
    try:
        return load_trust_store(bundle, root, policy)
    except (PassKeyError, TrustBundleError, OSError) as exc:
        raise Unusable(N_("unusable trust bundle: %(reason)s"), reason=exc) from None


def render(verdict: Verdict) -> str:
    """The verdict in the CLI's language: valid or not, the reason's code and sentence, what the pass says."""
    said = translate(N_("VALID") if verdict.valid else N_("INVALID"))
    lines = [f"{said} [{verdict.reason or 'ok'}] {verdict.text()}"]
    content = verdict.content
    if content is not None:
        note = "" if verdict.authentic else "  " + translate(N_("(NOT AUTHENTIC)"))
        lines.append(translate(
            N_("pass %(pass_no)s  plate %(plate)s (%(colour)s)  route %(origin)s → %(destination)s  cargo %(cargo)s"),
            pass_no=content.pass_no, plate=content.plate, colour=content.plate_colour, origin=content.origin,
            destination=content.destination, cargo=content.cargo_category) + note)
        crew = "; ".join(f"{m.name} {m.id_number}" for m in content.crew)
        lines.append(translate(N_("crew %(count)s: %(crew)s"), count=content.crew_count, crew=crew))
    elif verdict.claims is not None:
        lines.append(json.dumps(verdict.claims, ensure_ascii=False))
    return "\n".join(lines)


@app.command("verify", help=N_(
    "Verify pass QR codes offline, with certificates given directly or a signed trust bundle."))
def verify_command(
    qr: Annotated[str | None, typer.Argument(help=N_("The QR text; '-' reads it from standard input."))] = None,
    prefix: Annotated[str, typer.Option(help=N_("Expected prefix (HC1: for EU DCC test vectors)."))] = PREFIX,
    cert: Annotated[
        list[str] | None, typer.Option("--cert", help=N_("Trusted signing certificate: file, PEM or base64 DER."))
    ] = None,
    trust_bundle: Annotated[Path | None, typer.Option(help=N_("Signed trust bundle file."))] = None,
    root: Annotated[str | None, typer.Option(envvar="JIAOGUAN_PASS_ROOT_CERT",
                                             help=N_("National root certificate for the bundle."))] = None,
    at: Annotated[str | None, typer.Option(help=N_("Verify as of this ISO 8601 time (default: now)."))] = None,
    as_json: Annotated[bool, typer.Option("--json", help=N_("One JSON line instead of text."))] = False,
    batch: Annotated[Path | None, typer.Option(help=N_("JSON lines: {qr, prefix?, certs?, at?}."))] = None,
    plate: Annotated[str | None, typer.Option(help=N_("The plate seen on the vehicle."))] = None,
    origin: Annotated[str | None, typer.Option(help=N_("Route origin county code to check."))] = None,
    destination: Annotated[str | None, typer.Option(help=N_("Route destination county code to check."))] = None,
    profile: Annotated[str, typer.Option(help=N_("auto (dcc for HC1:), pass or dcc."))] = "auto",
) -> None:
    try:
        if (qr is None) == (batch is None):
            raise Unusable(N_("give either a QR text or --batch FILE"))
        if cert and trust_bundle:
            raise Unusable(N_("give either --cert or --trust-bundle, not both"))
        default_at = parse_at(at) if at is not None else utc_now()
        policy = policy_for(profile, prefix)
        if cert:
            trust = trust_from_certs(cert, policy)
        elif trust_bundle:
            trust = trust_from_bundle(trust_bundle, root, policy)
        else:
            trust = TrustStore(policy=policy)
        route = (origin, destination) if origin or destination else None
        if batch is not None:
            raise typer.Exit(run_batch(batch, prefix, profile, trust, default_at, plate, route))
        assert qr is not None
        text = sys.stdin.read() if qr == "-" else qr
    except Unusable as exc:
        raise fail(f"jiaoguan pass verify: {exc.text()}", UNUSABLE) from None
    verdict = verify(text.strip(), trust, default_at, expect_plate=plate, expect_route=route, prefix=prefix)
    typer.echo(json.dumps(verdict.to_json(), ensure_ascii=False) if as_json else render(verdict))
    raise typer.Exit(OK if verdict.valid else INVALID)


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    try:
        with path.open(encoding="utf-8") as fh:
            for number, line in enumerate(fh, 1):
                if line.strip():
                    yield number, line
    except (OSError, UnicodeDecodeError) as exc:
        raise Unusable(N_("cannot read %(path)s: %(reason)s"), path=path, reason=exc) from None


def run_batch(
    path: Path,
    prefix: str,
    profile: str,
    trust: TrustStore,
    default_at: dt.datetime | None,
    plate: str | None,
    route: tuple[str | None, str | None] | None,
) -> int:
    """One JSON line out per line in; the worst outcome decides the exit status."""
    if not path.is_file():
        raise Unusable(N_("no such batch file: %(path)s"), path=path)
    stores: dict[tuple[str, tuple[str, ...]], TrustStore] = {}
    status = OK
    for number, line in _lines(path):
        try:
            item = _batch_item(line)
            line_prefix = item.get("prefix") or prefix
            line_trust = trust
            if item.get("certs"):
                key = (line_prefix, tuple(item["certs"]))
                if key not in stores:
                    stores[key] = trust_from_certs(item["certs"], policy_for(profile, line_prefix))
                line_trust = stores[key]
            line_at = parse_at(item["at"]) if "at" in item else default_at
        except Unusable as exc:
            # JSON lines are for machines: the error stays in English whatever the CLI's language.
            typer.echo(json.dumps({"line": number, "valid": False, "reason": "bad_input", "error": exc.text("en")}))
            status = UNUSABLE
            continue
        verdict = verify(
            item["qr"].strip(), line_trust, line_at, expect_plate=plate, expect_route=route, prefix=line_prefix
        )
        typer.echo(json.dumps({"line": number, **verdict.to_json()}, ensure_ascii=False))
        if not verdict.valid and status == OK:
            status = INVALID
    return status


def _batch_item(line: str) -> dict[str, Any]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise Unusable(N_("not JSON: %(reason)s"), reason=exc) from None
    if not isinstance(item, dict) or not isinstance(item.get("qr"), str):
        raise Unusable(N_('each line must be an object with a "qr" string'))
    if "prefix" in item and not isinstance(item["prefix"], str | None):
        raise Unusable(N_('"prefix" must be a string'))
    certs = item.get("certs")
    if certs is not None and not (isinstance(certs, list) and all(isinstance(c, str) for c in certs)):
        raise Unusable(N_('"certs" must be a list of base64 DER strings'))
    if item.get("at") is not None and not isinstance(item["at"], str):
        raise Unusable(N_('"at" must be an ISO 8601 string or null'))
    return item
