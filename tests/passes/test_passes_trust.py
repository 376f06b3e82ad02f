from __future__ import annotations

import datetime as dt
from pathlib import Path

import cbor2
import pytest

from jiaoguan.passes.qr.keys import KeyPair, create_national_root, issue_signing_certificate
from jiaoguan.passes.qr.trust import (
    TrustBundle,
    TrustBundleError,
    TrustStore,
    build_trust_bundle,
    load_trust_store,
    open_trust_bundle,
    pass_revocation_hash,
    write_trust_bundle,
)


def test_a_bundle_signed_by_the_root_opens_with_everything_it_carries(
    root: KeyPair, signer: KeyPair, now: dt.datetime
) -> None:
    data = build_trust_bundle(
        [signer.certificate],
        root,
        issued_at=now,
        max_age=dt.timedelta(hours=12),
        revoked_kids=[b"\x01" * 8],
        revoked_pass_numbers=["440300000009"],
        sequence=7,
    )
    bundle = open_trust_bundle(data, root.certificate)
    assert bundle.issued_at == now
    assert bundle.max_age == dt.timedelta(hours=12)
    assert bundle.sequence == 7
    assert bundle.revoked_kids == {b"\x01" * 8}
    assert bundle.revoked_pass_hashes == {pass_revocation_hash("440300000009")}
    assert len(pass_revocation_hash("440300000009")) == 16

    store = TrustStore.from_bundle(data, root.certificate)
    assert set(store.signers) == {signer.kid}
    assert store.pass_revoked("440300000009") and not store.pass_revoked("440300000001")


def test_a_bundle_from_another_root_is_refused(root: KeyPair, signer: KeyPair, now: dt.datetime) -> None:
    impostor = create_national_root(now=now)
    data = build_trust_bundle([signer.certificate], impostor, issued_at=now)
    with pytest.raises(TrustBundleError):
        open_trust_bundle(data, root.certificate)


def test_an_altered_bundle_is_refused(root: KeyPair, signer: KeyPair, now: dt.datetime) -> None:
    data = build_trust_bundle([signer.certificate], root, issued_at=now, max_age=dt.timedelta(hours=1))
    message = cbor2.loads(data)
    protected, unprotected, payload, signature = message.value
    content = cbor2.loads(payload)
    content["max_age"] = 10 * 365 * 86400  # a forger would like the bundle never to go stale
    forged = cbor2.dumps(cbor2.CBORTag(18, [protected, unprotected, cbor2.dumps(content), signature]))
    with pytest.raises(TrustBundleError):
        open_trust_bundle(forged, root.certificate)
    with pytest.raises(TrustBundleError):
        open_trust_bundle(b"\x00garbage", root.certificate)


def test_a_signing_certificate_the_root_did_not_issue_is_not_trusted(
    root: KeyPair, signer: KeyPair, now: dt.datetime
) -> None:
    stranger = issue_signing_certificate(create_national_root(now=now), "440000", now=now)
    data = build_trust_bundle([signer.certificate, stranger.certificate], root, issued_at=now)
    store = TrustStore.from_bundle(data, root.certificate)
    assert signer.kid in store.signers
    assert stranger.kid not in store.signers


def test_trust_goes_stale_after_its_maximum_age(root: KeyPair, signer: KeyPair, now: dt.datetime) -> None:
    data = build_trust_bundle([signer.certificate], root, issued_at=now, max_age=dt.timedelta(hours=24))
    store = TrustStore.from_bundle(data, root.certificate)
    assert not store.is_stale(now + dt.timedelta(hours=24))
    assert store.is_stale(now + dt.timedelta(hours=24, seconds=1))


def test_certificates_given_directly_never_go_stale(signer: KeyPair, now: dt.datetime) -> None:
    store = TrustStore.from_certificates([signer.certificate])
    assert not store.is_stale(now + dt.timedelta(days=3650))


def test_bundle_files_are_written_whole_and_loaded_against_a_pinned_root(
    tmp_path: Path, root: KeyPair, signer: KeyPair, now: dt.datetime
) -> None:
    path = tmp_path / "trust.cose"
    write_trust_bundle(path, build_trust_bundle([signer.certificate], root, issued_at=now))
    assert [p.name for p in tmp_path.iterdir()] == ["trust.cose"]
    assert signer.kid in load_trust_store(path, root.certificate).signers


def test_unreadable_bundle_content_is_a_bundle_error() -> None:
    with pytest.raises(TrustBundleError):
        TrustBundle.from_cbor(cbor2.dumps({"v": 1, "dsc": ["text"], "rk": [], "rp": []}))
