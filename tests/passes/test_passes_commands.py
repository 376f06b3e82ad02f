from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jiaoguan.passes.commands import app
from jiaoguan.passes.qr.keys import KeyPair, certificate_der, certificate_pem
from jiaoguan.passes.qr.trust import build_trust_bundle, write_trust_bundle
from tests.conformance import DCC_VECTORS

runner = CliRunner()


@pytest.fixture(scope="module")
def cert_b64(signer: KeyPair) -> str:
    return base64.b64encode(certificate_der(signer.certificate)).decode()


def run(*args: str, lang: str | None = None):  # type: ignore[no-untyped-def]
    env = {"JIAOGUAN_CLI_LOCALE": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": lang} if lang else None
    return runner.invoke(app, ["verify", *args], env=env)


@pytest.mark.parametrize(("lang", "says", "not_said"), [
    ("en_US.UTF-8", ["VALID", "The pass is valid.", "plate 粤B12345"], "通行证有效"),
    ("zh_CN.UTF-8", ["有效", "通行证有效", "粤B12345"], "The pass is valid."),
])
def test_a_valid_pass_with_a_certificate_exits_0_and_speaks_the_operators_language(
    qr: str, cert_b64: str, during: dt.datetime, lang: str, says: list[str], not_said: str
) -> None:
    result = run("--cert", cert_b64, "--at", during.isoformat(), qr, lang=lang)
    assert result.exit_code == 0, result.output
    assert all(word in result.output for word in says), result.output
    assert not_said not in result.output


def test_json_output_has_valid_reason_and_claims(qr: str, cert_b64: str, during: dt.datetime) -> None:
    result = run("--json", "--cert", cert_b64, "--at", during.isoformat(), qr)
    out = json.loads(result.output)
    assert out["valid"] is True and out["reason"] is None
    assert out["claims"]["pass"]["pass_no"] == "440300000001"


def test_an_expired_pass_exits_1_with_its_reason(qr: str, cert_b64: str, claims) -> None:  # type: ignore[no-untyped-def]
    result = run("--json", "--cert", cert_b64, "--at", (claims.valid_until + dt.timedelta(days=1)).isoformat(), qr)
    assert result.exit_code == 1
    assert json.loads(result.output)["reason"] == "expired"


def test_a_certificate_file_in_pem_is_accepted(tmp_path: Path, qr: str, signer: KeyPair, during: dt.datetime) -> None:
    path = tmp_path / "signer.pem"
    path.write_bytes(certificate_pem(signer.certificate))
    assert run("--cert", str(path), "--at", during.isoformat(), qr).exit_code == 0


def test_a_trust_bundle_with_its_pinned_root_verifies_and_goes_stale(
    tmp_path: Path, qr: str, root: KeyPair, signer: KeyPair, now: dt.datetime
) -> None:
    bundle = tmp_path / "trust.cose"
    write_trust_bundle(bundle, build_trust_bundle([signer.certificate], root, issued_at=now))
    root_pem = tmp_path / "root.pem"
    root_pem.write_bytes(certificate_pem(root.certificate))
    args = ["--json", "--trust-bundle", str(bundle), "--root", str(root_pem)]
    fresh = run(*args, "--at", (now + dt.timedelta(hours=2)).isoformat(), qr)
    assert fresh.exit_code == 0, fresh.output
    stale = run(*args, "--at", (now + dt.timedelta(days=2)).isoformat(), qr)
    assert stale.exit_code == 1 and json.loads(stale.output)["reason"] == "trust_stale"


def test_plate_and_route_can_be_checked_from_the_command_line(qr: str, cert_b64: str, during: dt.datetime) -> None:
    base = ["--json", "--cert", cert_b64, "--at", during.isoformat()]
    assert run(*base, "--plate", "粤B 12345", "--origin", "440305", qr).exit_code == 0
    wrong = run(*base, "--destination", "110101", qr)
    assert json.loads(wrong.output)["reason"] == "route_mismatch"


@pytest.mark.parametrize(
    "args",
    [
        [],  # neither QR nor --batch
        ["--at", "yesterday", "JG1:X"],
        ["--batch", "/nonexistent/file.jsonl"],
        ["--cert", "not a certificate", "JG1:X"],
        ["--trust-bundle", "/nonexistent/bundle"],  # and no --root
        ["--profile", "eu", "JG1:X"],
    ],
)
def test_unusable_arguments_exit_2(args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JIAOGUAN_PASS_ROOT_CERT", raising=False)
    assert run(*args).exit_code == 2


def test_a_batch_gives_one_json_line_per_input_and_exit_1_when_any_is_invalid(
    tmp_path: Path, qr: str, cert_b64: str, during: dt.datetime, claims
) -> None:  # type: ignore[no-untyped-def]
    late = (claims.valid_until + dt.timedelta(days=1)).isoformat()
    lines = [
        {"qr": qr, "certs": [cert_b64], "at": during.isoformat()},
        {"qr": qr, "certs": [cert_b64], "at": late},
        {"qr": qr, "certs": [cert_b64], "at": None},  # time checks skipped
        {"qr": "XX:" + qr[4:], "certs": [cert_b64]},
    ]
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n", encoding="utf-8")
    result = run("--batch", str(batch))
    outs = [json.loads(line) for line in result.output.splitlines()]
    assert [(o["valid"], o["reason"]) for o in outs] == [
        (True, None),
        (False, "expired"),
        (True, None),
        (False, "bad_prefix"),
    ]
    assert outs[0]["claims"]["pass"]["plate"] == "粤B12345"
    assert result.exit_code == 1


def test_a_batch_of_valid_passes_exits_0_and_a_malformed_line_exits_2(
    tmp_path: Path, qr: str, cert_b64: str, during: dt.datetime
) -> None:
    batch = tmp_path / "ok.jsonl"
    batch.write_text(json.dumps({"qr": qr, "certs": [cert_b64], "at": during.isoformat()}) + "\n", encoding="utf-8")
    assert run("--batch", str(batch)).exit_code == 0
    batch.write_text(batch.read_text() + "{not json\n" + json.dumps({"qr": 5}) + "\n", encoding="utf-8")
    result = run("--batch", str(batch))
    assert result.exit_code == 2
    assert [json.loads(x)["reason"] for x in result.output.splitlines()] == [None, "bad_input", "bad_input"]


def test_dcc_vectors_verify_through_the_command_with_their_certificate_and_clock(tmp_path: Path) -> None:
    lines = []
    for name in ("CO3", "CO1", "CO5", "CO17"):
        vector = json.loads((DCC_VECTORS / f"{name}.json").read_text(encoding="utf-8"))
        ctx = vector["TESTCTX"]
        lines.append(
            {"qr": vector["PREFIX"], "prefix": "HC1:", "certs": [ctx["CERTIFICATE"]], "at": ctx["VALIDATIONCLOCK"]}
        )
    batch = tmp_path / "dcc.jsonl"
    batch.write_text("\n".join(json.dumps(x) for x in lines), encoding="utf-8")
    result = run("--batch", str(batch))
    assert [json.loads(x)["reason"] for x in result.output.splitlines()] == [None, None, "bad_signature", "expired"]
    single = json.loads((DCC_VECTORS / "CO3.json").read_text(encoding="utf-8"))
    one = run(
        "--prefix",
        "HC1:",
        "--cert",
        single["TESTCTX"]["CERTIFICATE"],
        "--at",
        single["TESTCTX"]["VALIDATIONCLOCK"],
        single["PREFIX"],
    )
    assert one.exit_code == 0, one.output


def test_the_qr_can_come_from_standard_input(qr: str, cert_b64: str, during: dt.datetime) -> None:
    result = runner.invoke(app, ["verify", "--cert", cert_b64, "--at", during.isoformat(), "-"], input=qr + "\n")
    assert result.exit_code == 0, result.output
