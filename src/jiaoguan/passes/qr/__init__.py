"""The pass QR, pure: no SQLAlchemy, no FastAPI (an import-linter contract keeps it so).

* `codec` — `PassContent`, `PassClaims`, `issue_qr(claims, key, kid)`, `wrap`, `decompress`
  (the crew masked by `kit.ids.masking`).
* `cose` — COSE_Sign1: `parse_sign1`, `sign1`, `verify_signature`.
* `b45` — Base45 (RFC 9285).
* `keys` — the national root and provincial signing certificates (`create_national_root`,
  `issue_signing_certificate`, `province_of`), keys at rest.
* `trust` — the signed trust bundle and `TrustStore`, `PASS_POLICY`.
* `verify` — `verify(qr, trust, at) -> Verdict`, a checklist ending in one stable reason code (`reasons`).
* `dcc` — the same verifier in EU DCC mode, for the public test vectors.
"""
