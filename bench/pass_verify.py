"""Pass verification speed on one core, against a raw ES256 verify measured in the same run.

    .venv/bin/python bench/pass_verify.py [--seconds 0.3] [--repeat 5]

Prints one JSON object: full verifications per second (QR text → Verdict, a genuine pass against a
trust store built from a signed bundle), raw ES256 verifications per second of the same signature
over the same Sig_structure (a DER signature prepared once), their ratio (target ≥ 0.6), and
issuances per second (claims → signed QR text). Medians of `--repeat` timed rounds; the machines are
shared, so only the ratio is comparable across runs (PERFORMANCE.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature  # noqa: E402

from jiaoguan.passes.qr.b45 import b45decode  # noqa: E402
from jiaoguan.passes.qr.codec import PREFIX, CrewMember, PassClaims, PassContent, decompress, issue_qr  # noqa: E402
from jiaoguan.passes.qr.cose import parse_sign1  # noqa: E402
from jiaoguan.passes.qr.keys import create_national_root, issue_signing_certificate  # noqa: E402
from jiaoguan.passes.qr.trust import TrustStore, build_trust_bundle  # noqa: E402
from jiaoguan.passes.qr.verify import verify  # noqa: E402


def rate(action: Callable[[], object], seconds: float, repeat: int) -> float:
    """Median operations per second over `repeat` rounds of about `seconds` each."""
    batch = 1
    while True:  # size a batch so that one round takes about `seconds`
        start = time.perf_counter()
        for _ in range(batch):
            action()
        elapsed = time.perf_counter() - start
        if elapsed >= seconds / 4:
            break
        batch *= 2
    batch = max(1, int(batch * seconds / elapsed))
    rates = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(batch):
            action()
        rates.append(batch / (time.perf_counter() - start))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.3, help="length of one timed round")
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds per figure")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core

    issued = dt.datetime(2022, 5, 1, tzinfo=dt.UTC)
    root = create_national_root(now=issued - dt.timedelta(days=30))
    signer = issue_signing_certificate(root, "440000", now=issued - dt.timedelta(days=1))
    crew = (CrewMember.masked("张三丰", "110105199001011234"), CrewMember.masked("李四", "44030519851212123X"))
    content = PassContent("440300000001", "粤B12345", "yellow", "440305", "310115", "medical", crew, 3)
    claims = PassClaims("440000", issued, issued, issued + dt.timedelta(days=15), content)
    bundle = build_trust_bundle(
        [signer.certificate], root, issued_at=issued, revoked_pass_numbers=[f"4403000{n:05d}" for n in range(2, 2000)]
    )
    store = TrustStore.from_bundle(bundle, root.certificate)
    at = issued + dt.timedelta(hours=6)

    qr = issue_qr(claims, signer.private_key, signer.kid)
    verdict = verify(qr, store, at, expect_plate="粤B12345")
    if not verdict.valid:
        raise SystemExit(f"the benchmark pass does not verify: {verdict.reason}")

    message = parse_sign1(decompress(b45decode(qr[len(PREFIX) :])))
    to_be_signed = message.to_be_signed()
    der = encode_dss_signature(
        int.from_bytes(message.signature[:32], "big"), int.from_bytes(message.signature[32:], "big")
    )
    public_key = signer.certificate.public_key()
    assert isinstance(public_key, ec.EllipticCurvePublicKey)
    ecdsa = ec.ECDSA(hashes.SHA256())

    # Interleave the two so that noise from other tenants hits both alike.
    raw_rates, full_rates = [], []
    for _ in range(3):
        raw_rates.append(rate(lambda: public_key.verify(der, to_be_signed, ecdsa), args.seconds, args.repeat))
        full_rates.append(rate(lambda: verify(qr, store, at, expect_plate="粤B12345"), args.seconds, args.repeat))
    raw, full = statistics.median(raw_rates), statistics.median(full_rates)
    issue = rate(lambda: issue_qr(claims, signer.private_key, signer.kid), args.seconds, args.repeat)

    print(
        json.dumps(
            {
                "full_verify_per_s": round(full),
                "raw_es256_verify_per_s": round(raw),
                "ratio": round(full / raw, 3),
                "target_ratio": 0.6,
                "issue_per_s": round(issue),
                "qr_chars": len(qr),
                "revoked_passes_in_bundle": len(store.revoked_passes),
                "rounds": args.repeat,
                "round_seconds": args.seconds,
            }
        )
    )


if __name__ == "__main__":
    main()
