"""EU Digital COVID Certificate mode: the same verifier core with the DCC's prefix, algorithms and
key usages, so the public DCC test vectors (conformance/dcc) check our container handling.

The DCC marks a document-signer certificate with extended key usages naming which certificate types
it may sign (test, vaccination, recovery); a certificate with none of them may sign all three. Both
the registered arc 1.3.6.1.4.1.1847.2021.1.x and the 1.3.6.1.4.1.0.1847.2021.1.x spelling used by the
test data are recognised. Only the container of claim -260 and the *type* of the health certificate
(which of v/t/r is present) are read; its content is outside this project.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from cryptography import x509

from jiaoguan.passes.qr.cose import ES256, PS256
from jiaoguan.passes.qr.trust import Signer, SigningPolicy, TrustStore

DCC_PREFIX = "HC1:"
HCERT_CLAIM = -260

_TYPE_OF_USAGE: dict[str, str] = {}
for _arc in ("1.3.6.1.4.1.1847.2021.1", "1.3.6.1.4.1.0.1847.2021.1"):
    _TYPE_OF_USAGE.update({f"{_arc}.1": "t", f"{_arc}.2": "v", f"{_arc}.3": "r"})


def certificate_type(claims: Mapping[Any, Any]) -> str | None:
    """'v', 't' or 'r' when the health certificate holds exactly one kind of entry.

    Some issuers write the kinds they do not use as null ({"v": [...], "t": null, "r": null}); a null
    entry holds nothing, so such a certificate is still of one kind.
    """
    hcert = claims.get(HCERT_CLAIM)
    inner = hcert.get(1) if isinstance(hcert, Mapping) else None
    if not isinstance(inner, Mapping):
        return None
    kinds = [kind for kind in ("v", "t", "r") if inner.get(kind) is not None]
    return kinds[0] if len(kinds) == 1 else None


def dcc_key_usage(signer: Signer, claims: Mapping[Any, Any]) -> bool:
    allowed = {_TYPE_OF_USAGE[u] for u in signer.usages if u in _TYPE_OF_USAGE}
    if not allowed:
        return True
    return certificate_type(claims) in allowed


def hcert_structure_ok(claims: Mapping[Any, Any]) -> bool:
    """The HCERT container: claim -260 is a map whose key 1 holds the certificate as a map (CBO1)."""
    hcert = claims.get(HCERT_CLAIM)
    return isinstance(hcert, Mapping) and isinstance(hcert.get(1), Mapping)


DCC_POLICY = SigningPolicy("dcc", frozenset({ES256, PS256}), False, dcc_key_usage, hcert_structure_ok)


def dcc_trust(certificates: Iterable[x509.Certificate | bytes | str]) -> TrustStore:
    """Trust the given document-signer certificates (base64 DER as in the test vectors, PEM or DER)."""
    return TrustStore.from_certificates(certificates, DCC_POLICY)
