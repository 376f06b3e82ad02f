"""EU DCC mode beyond the public vectors: lenient where the format is."""

from __future__ import annotations

import datetime as dt
from typing import Any

import cbor2
import pytest
from cryptography import x509

from jiaoguan.passes.qr import reasons as R
from jiaoguan.passes.qr.codec import wrap
from jiaoguan.passes.qr.cose import sign1
from jiaoguan.passes.qr.dcc import DCC_PREFIX, HCERT_CLAIM, dcc_trust
from jiaoguan.passes.qr.keys import KeyPair, issue_signing_certificate
from jiaoguan.passes.qr.verify import verify

VACCINATION_SIGNER = x509.ObjectIdentifier("1.3.6.1.4.1.1847.2021.1.2")
VACCINATION = [{"tg": "840539006", "dn": 1, "sd": 2, "dt": "2021-06-01", "co": "SE", "ci": "URN:UVCI:01:SE:1"}]
TEST = [{"tg": "840539006", "tt": "LP6464-4", "sc": "2021-06-01T10:00:00Z", "tr": "260415000", "co": "SE"}]


@pytest.fixture(scope="module")
def vaccination_signer(root: KeyPair, now: dt.datetime) -> KeyPair:
    return issue_signing_certificate(root, "11", now=now - dt.timedelta(days=1), usages=(VACCINATION_SIGNER,))


def _dcc(signer: KeyPair, entries: dict[str, Any], now: dt.datetime) -> str:
    hcert = {"ver": "1.3.0", "nam": {"fn": "Svensson", "fnt": "SVENSSON"}, "dob": "1990-01-01", **entries}
    claims = {1: "SE", 6: int(now.timestamp()), 4: int((now + dt.timedelta(days=300)).timestamp()),
              HCERT_CLAIM: {1: hcert}}
    return wrap(sign1(cbor2.dumps(claims), signer.private_key, signer.kid), DCC_PREFIX)


@pytest.mark.parametrize("entries", [{"v": VACCINATION}, {"v": VACCINATION, "t": None, "r": None}])
def test_a_vaccination_certificate_is_of_one_kind_even_with_the_unused_kinds_written_as_null(
    vaccination_signer: KeyPair, now: dt.datetime, during: dt.datetime, entries: dict[str, Any]
) -> None:
    verdict = verify(_dcc(vaccination_signer, entries, now), dcc_trust([vaccination_signer.certificate]), during,
                     prefix=DCC_PREFIX)
    assert verdict.valid, verdict.reason


@pytest.mark.parametrize("entries", [{"t": TEST}, {"v": VACCINATION, "t": TEST}, {"v": None, "t": None}])
def test_a_signer_for_vaccinations_may_not_sign_a_test_or_a_certificate_of_no_single_kind(
    vaccination_signer: KeyPair, now: dt.datetime, during: dt.datetime, entries: dict[str, Any]
) -> None:
    verdict = verify(_dcc(vaccination_signer, entries, now), dcc_trust([vaccination_signer.certificate]), during,
                     prefix=DCC_PREFIX)
    assert verdict.reason == R.KEY_NOT_ALLOWED
