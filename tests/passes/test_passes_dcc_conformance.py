"""The public EU DCC QR test vectors (tests/conformance/dcc/common, vendored), read unchanged.

Each expectation of a vector is mapped onto the verifier's checklist (`Verdict.checks`):
the step must appear when the vector expects `true` and must not when it expects `false`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image, UnidentifiedImageError

from jiaoguan.passes.qr.dcc import DCC_PREFIX, dcc_trust
from jiaoguan.passes.qr.verify import Verdict, verify
from tests.conformance import DCC_VECTORS

VECTORS = sorted(DCC_VECTORS.glob("*.json"))

# Expectations about the health certificate's content (claim -260): outside this project, as
# conformance/README.md says. They are named here so that an unknown expectation still fails.
OUT_OF_SCOPE = {"SCHEMAVALIDATION": "the DGC JSON schema of claim -260 is outside this project"}


def _norm(key: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", key.upper())


def _walk(node: Any) -> Any:
    """Every (normalised key, value) pair anywhere in the file: keys may be nested or respelled."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield _norm(str(key)), value
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def _as_bool(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).strip().lower() == "true"


@dataclass
class Vector:
    name: str
    qr: str
    certificate: str
    clock: dt.datetime
    expected: dict[str, bool]
    picture: str | None


def load(path: Path) -> Vector:
    data = json.loads(path.read_text(encoding="utf-8"))
    found: dict[str, Any] = {}
    expected: dict[str, bool] = {}
    for key, value in _walk(data):
        if key.startswith("EXPECTED") and key != "EXPECTEDRESULTS" and not isinstance(value, dict):
            expected[key.removeprefix("EXPECTED")] = _as_bool(value)
        elif key not in found:
            found[key] = value
    clock_key = next(k for k in found if "VALIDATIONCLOCK" in k)
    clock = dt.datetime.fromisoformat(str(found[clock_key]).replace("Z", "+00:00"))
    return Vector(path.stem, found["PREFIX"], found["CERTIFICATE"], clock, expected, found.get("2DCODE"))


def picture_text(picture: str) -> str | None:
    try:
        image = Image.open(io.BytesIO(base64.b64decode(picture)))
        results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    except (UnidentifiedImageError, binascii.Error, ValueError, OSError):
        return None
    return results[0].text if results else None


def reached(step: str, verdict: Verdict, vector: Vector) -> bool | None:
    """Whether the verifier got through `step`; None when the vector gives nothing to test it on."""
    if step == "UNPREFIX":
        return "prefix" in verdict.checks
    if step == "B45DECODE":
        return "base45" in verdict.checks
    if step == "COMPRESSION":
        return "compression" in verdict.checks
    if step == "DECODE":  # CBOR, COSE and the CWT/HCERT container could all be read
        return verdict.claims is not None and verdict.reason != "bad_cose"
    if step == "VERIFY":
        return "signature" in verdict.checks
    if step == "EXPIRATIONCHECK":
        return "validity_period" in verdict.checks
    if step == "KEYUSAGE":
        return "key_usage" in verdict.checks
    if step == "VALIDJSON":
        return verdict.claims is not None and "hcert" in verdict.claims and bool(json.dumps(verdict.claims))
    if step == "PICTUREDECODE":
        return None if vector.picture is None else picture_text(vector.picture) == vector.qr
    raise AssertionError(f"{vector.name}: unknown expectation EXPECTED{step}")


@pytest.mark.parametrize("path", VECTORS, ids=[p.stem for p in VECTORS])
def test_the_verifier_reaches_every_expected_result_of_the_dcc_vector(path: Path) -> None:
    vector = load(path)
    verdict = verify(vector.qr, dcc_trust([vector.certificate]), vector.clock, prefix=DCC_PREFIX)
    tested, untestable = {}, []
    for step, want in vector.expected.items():
        if step in OUT_OF_SCOPE:
            untestable.append(f"{step} ({OUT_OF_SCOPE[step]})")
            continue
        got = reached(step, verdict, vector)
        if got is None:
            untestable.append(f"{step} (no picture in the vector)")
            continue
        tested[step] = (want, got)
    wrong = {step: pair for step, pair in tested.items() if pair[0] != pair[1]}
    assert wrong == {}, f"{vector.name}: (expected, reached) {wrong}; verdict {verdict.reason} {verdict.checks}"
    if not tested:
        pytest.skip(f"{vector.name}: nothing in scope to test: {', '.join(untestable)}")


def test_all_dcc_vectors_are_present_and_a_valid_one_is_green() -> None:
    assert len(VECTORS) >= 38, f"expected the DCC vectors under {DCC_VECTORS}"
    vector = load(next(p for p in VECTORS if p.stem == "CO28"))
    verdict = verify(vector.qr, dcc_trust([vector.certificate]), vector.clock, prefix=DCC_PREFIX)
    assert verdict.valid and verdict.claims is not None and verdict.claims["iss"] == "SE"
