"""Keys, a trust bundle and a sample pass, fixed in time (2022-05-01, the month the national pass began)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from jiaoguan.passes.qr.codec import CrewMember, PassClaims, PassContent, issue_qr
from jiaoguan.passes.qr.keys import KeyPair, create_national_root, issue_signing_certificate
from jiaoguan.passes.qr.trust import TrustStore, build_trust_bundle

NOW = dt.datetime(2022, 5, 1, 8, 0, tzinfo=dt.UTC)
DURING = NOW + dt.timedelta(days=3)


@pytest.fixture(scope="session")
def root() -> KeyPair:
    return create_national_root(now=NOW - dt.timedelta(days=30))


@pytest.fixture(scope="session")
def signer(root: KeyPair) -> KeyPair:
    return issue_signing_certificate(root, "440000", now=NOW - dt.timedelta(days=10))


@pytest.fixture(scope="session")
def content() -> PassContent:
    return PassContent(
        pass_no="440300000001",
        plate="粤B12345",
        plate_colour="yellow",
        origin="440305",
        destination="310115",
        cargo_category="medical",
        crew=(CrewMember.masked("张三丰", "110105199001011234"), CrewMember.masked("李四", "44030519851212123x")),
        crew_count=2,
    )


@pytest.fixture(scope="session")
def claims(content: PassContent) -> PassClaims:
    return PassClaims("440000", NOW, NOW, NOW + dt.timedelta(days=15), content)


@pytest.fixture(scope="session")
def qr(claims: PassClaims, signer: KeyPair) -> str:
    return issue_qr(claims, signer.private_key, signer.kid)


@pytest.fixture(scope="session")
def make_store(root: KeyPair, signer: KeyPair) -> Callable[..., TrustStore]:
    def make(**bundle_args: object) -> TrustStore:
        args: dict[str, object] = {"issued_at": NOW, "max_age": dt.timedelta(days=7)}
        args.update(bundle_args)
        certs = args.pop("certificates", [signer.certificate])
        data = build_trust_bundle(certs, root, **args)  # type: ignore[arg-type]
        return TrustStore.from_bundle(data, root.certificate)

    return make


@pytest.fixture(scope="session")
def store(make_store: Callable[..., TrustStore]) -> TrustStore:
    return make_store()


@pytest.fixture(scope="session")
def now() -> dt.datetime:
    """When the sample pass was issued and became valid (valid for 15 days)."""
    return NOW


@pytest.fixture(scope="session")
def during() -> dt.datetime:
    """A moment inside the sample pass's validity and the trust bundle's maximum age."""
    return DURING
