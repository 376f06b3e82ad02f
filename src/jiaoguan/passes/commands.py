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
from jiaoguan.passes.qr.codec import PREFIX
from jiaoguan.passes.qr.dcc import DCC_POLICY, DCC_PREFIX
from jiaoguan.passes.qr.keys import PassKeyError
from jiaoguan.passes.qr.trust import PASS_POLICY, SigningPolicy, TrustBundleError, TrustStore, load_trust_store
from jiaoguan.passes.qr.verify import Verdict, verify

app = typer.Typer(help="重点物资运输车辆通行证 — key-material transport passes.", no_args_is_help=True)

OK, INVALID, UNUSABLE = 0, 1, 2
PROFILES = {"pass": PASS_POLICY, "dcc": DCC_POLICY}


class Unusable(Exception):
    """An argument or input line the command cannot work with (exit 2)."""


@app.callback()
def passes() -> None:
    """Passes: offline verification of pass QR codes."""


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
        raise Unusable(f"not an ISO 8601 time: {value!r}") from None
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


def policy_for(profile: str, prefix: str) -> SigningPolicy:
    if profile == "auto":
        return DCC_POLICY if prefix == DCC_PREFIX else PASS_POLICY
    if profile not in PROFILES:
        raise Unusable(f"unknown profile {profile!r} (auto, pass or dcc)")
    return PROFILES[profile]


def trust_from_certs(certs: list[str], policy: SigningPolicy) -> TrustStore:
    try:
        return TrustStore.from_certificates(certs, policy)
    except (PassKeyError, OSError) as exc:
        raise Unusable(f"unusable certificate: {exc}") from None


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
        raise Unusable("--trust-bundle needs the pinned root certificate: --root, JIAOGUAN_PASS_ROOT_CERT, "
                       "or a database holding this installation's keys (jiaoguan pass keys init)")
    try:
        return load_trust_store(bundle, root, policy)
    except (PassKeyError, TrustBundleError, OSError) as exc:
        raise Unusable(f"unusable trust bundle: {exc}") from None


def render(verdict: Verdict) -> str:
    zh, en = verdict.texts()
    lines = [f"{'VALID 有效' if verdict.valid else 'INVALID 无效'} [{verdict.reason or 'ok'}] {zh} / {en}"]
    content = verdict.content
    if content is not None:
        note = "" if verdict.authentic else "  (NOT AUTHENTIC 未经验证)"
        lines.append(
            f"pass {content.pass_no}  plate {content.plate} ({content.plate_colour})  "
            f"route {content.origin} → {content.destination}  cargo {content.cargo_category}{note}"
        )
        crew = "; ".join(f"{m.name} {m.id_number}" for m in content.crew)
        lines.append(f"crew {content.crew_count}: {crew}")
    elif verdict.claims is not None:
        lines.append(json.dumps(verdict.claims, ensure_ascii=False))
    return "\n".join(lines)


@app.command("verify")
def verify_command(
    qr: Annotated[str | None, typer.Argument(help="The QR text; '-' reads it from standard input.")] = None,
    prefix: Annotated[str, typer.Option(help="Expected prefix (HC1: for EU DCC test vectors).")] = PREFIX,
    cert: Annotated[
        list[str] | None, typer.Option("--cert", help="Trusted signing certificate: file, PEM or base64 DER.")
    ] = None,
    trust_bundle: Annotated[Path | None, typer.Option(help="Signed trust bundle file.")] = None,
    root: Annotated[
        str | None, typer.Option(envvar="JIAOGUAN_PASS_ROOT_CERT", help="National root certificate for the bundle.")
    ] = None,
    at: Annotated[str | None, typer.Option(help="Verify as of this ISO 8601 time (default: now).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line instead of text.")] = False,
    batch: Annotated[Path | None, typer.Option(help="JSON lines: {qr, prefix?, certs?, at?}.")] = None,
    plate: Annotated[str | None, typer.Option(help="The plate seen on the vehicle.")] = None,
    origin: Annotated[str | None, typer.Option(help="Route origin county code to check.")] = None,
    destination: Annotated[str | None, typer.Option(help="Route destination county code to check.")] = None,
    profile: Annotated[str, typer.Option(help="auto (dcc for HC1:), pass or dcc.")] = "auto",
) -> None:
    """Verify pass QR codes offline, with certificates given directly or a signed trust bundle."""
    try:
        if (qr is None) == (batch is None):
            raise Unusable("give either a QR text or --batch FILE")
        if cert and trust_bundle:
            raise Unusable("give either --cert or --trust-bundle, not both")
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
        typer.secho(f"jiaoguan pass verify: {exc}", err=True, fg=typer.colors.RED)
        raise typer.Exit(UNUSABLE) from None
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
        raise Unusable(f"cannot read {path}: {exc}") from None


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
        raise Unusable(f"no such batch file: {path}")
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
            typer.echo(json.dumps({"line": number, "valid": False, "reason": "bad_input", "error": str(exc)}))
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
        raise Unusable(f"not JSON: {exc}") from None
    if not isinstance(item, dict) or not isinstance(item.get("qr"), str):
        raise Unusable('each line must be an object with a "qr" string')
    if "prefix" in item and not isinstance(item["prefix"], str | None):
        raise Unusable('"prefix" must be a string')
    certs = item.get("certs")
    if certs is not None and not (isinstance(certs, list) and all(isinstance(c, str) for c in certs)):
        raise Unusable('"certs" must be a list of base64 DER strings')
    if item.get("at") is not None and not isinstance(item["at"], str):
        raise Unusable('"at" must be an ISO 8601 string or null')
    return item
