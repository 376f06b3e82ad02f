"""Revocation: a revoked pass turns grey online and offline; a compromised key turns every pass it signed
grey, and its honest passes are re-issued in one batch under a new key."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.passes.applications import service as apps
from jiaoguan.passes.issuance import keystore
from jiaoguan.passes.issuance.revocation import PassAlreadyRevoked, compromise_key, revoke_pass
from jiaoguan.passes.models import TransportPass
from jiaoguan.passes.qr import reasons as R
from jiaoguan.passes.qr.keys import read_certificate
from jiaoguan.passes.qr.trust import TrustStore
from jiaoguan.passes.qr.verify import verify
from jiaoguan.passes.service import enterprise_has_active_passes, vehicle_holds_active_pass
from tests.factories.passes import FRIDAY, application


def issue(db: Session, agent: Principal, issuer: Principal, n: int) -> TransportPass:
    return apps.approve(db, apps.submit_application(db, agent, application(n)).id, issuer)


def offline_store(db: Session) -> TrustStore:
    root = read_certificate(keystore.require_root(db).certificate_pem.encode())
    return TrustStore.from_bundle(keystore.trust_bundle(db), root)


def test_a_revoked_pass_is_grey_online_and_in_the_next_trust_bundle(db: Session, agent: Principal, issuer: Principal,
                                                                   keys: None) -> None:
    p = issue(db, agent, issuer, 1)
    assert verify(p.qr_text, offline_store(db), FRIDAY).valid
    revoke_pass(db, p.pass_no, issuer, "车辆与申请不符")
    assert verify(p.qr_text, offline_store(db), FRIDAY).reason == R.REVOKED_PASS
    assert not vehicle_holds_active_pass(db, p.plate_no)
    with pytest.raises(PassAlreadyRevoked):
        revoke_pass(db, p.pass_no, issuer, "again")


def test_revocation_needs_a_reason_and_an_issuer_of_the_province(db: Session, agent: Principal, issuer: Principal,
                                                                 make_user, keys: None) -> None:
    p = issue(db, agent, issuer, 1)
    with pytest.raises(apps.InvalidInput):
        revoke_pass(db, p.pass_no, issuer, "   ")
    with pytest.raises(apps.NotYourApplication):
        revoke_pass(db, p.pass_no, make_user("pass_issuer", province_code="11"), "no")
    assert p.status == "active"


def test_a_compromised_key_greys_its_passes_and_their_honest_ones_are_reissued_under_a_new_key(
        db: Session, agent: Principal, issuer: Principal, keys: None) -> None:
    honest = [issue(db, agent, issuer, n) for n in (1, 2)]
    revoked = issue(db, agent, issuer, 3)
    revoke_pass(db, revoked.pass_no, issuer, "伪造货物")
    old_qrs = {p.pass_no: p.qr_text for p in honest}
    old_kid = keystore.current_signing_key(db, "31").kid

    report = compromise_key(db, old_kid, "private key leaked")

    assert report.affected == 2 and sorted(report.reissued) == sorted(old_qrs)
    assert report.new_key is not None and report.new_key.kid != old_kid
    store = offline_store(db)
    for p in honest:
        assert verify(old_qrs[p.pass_no], store, FRIDAY).reason == R.REVOKED_KEY
        assert p.status == "active" and p.reissue_count == 1 and p.qr_text != old_qrs[p.pass_no]
        fresh = verify(p.qr_text, store, FRIDAY)
        assert fresh.valid and fresh.kid is not None and fresh.kid.hex() == report.new_key.kid
        assert fresh.content is not None and fresh.content.pass_no == p.pass_no  # same number, new signature
    assert revoked.status == "revoked" and revoked.reissue_count == 0


def test_without_reissue_the_passes_of_a_revoked_key_stay_grey(db: Session, agent: Principal, issuer: Principal,
                                                             keys: None) -> None:
    p = issue(db, agent, issuer, 1)
    report = compromise_key(db, keystore.current_signing_key(db, "31").kid, "HSM lost", reissue=False)
    assert report.affected == 1 and report.reissued == []
    assert p.status == "key_revoked"
    assert not vehicle_holds_active_pass(db, p.plate_no)
    assert not enterprise_has_active_passes(db, p.enterprise_id)
    with pytest.raises(apps.VehicleAlreadyHasPass):  # the honest pass still holds its vehicle and route
        apps.submit_application(db, agent, application(1))


def test_a_rotation_keeps_old_passes_green_and_signs_new_ones_with_the_new_key(db: Session, agent: Principal,
                                                                              issuer: Principal, keys: None) -> None:
    before = issue(db, agent, issuer, 1)
    new_key = keystore.rotate_key(db, "31")
    after = issue(db, agent, issuer, 2)
    store = offline_store(db)
    assert verify(before.qr_text, store, FRIDAY).valid
    verdict = verify(after.qr_text, store, FRIDAY)
    assert verdict.valid and verdict.kid is not None and verdict.kid.hex() == new_key.kid


def test_a_stale_trust_bundle_never_passes_silently(db: Session, agent: Principal, issuer: Principal,
                                                    keys: None) -> None:
    p = issue(db, agent, issuer, 1)
    later = FRIDAY + dt.timedelta(hours=25)
    assert verify(p.qr_text, offline_store(db), later).reason == R.TRUST_STALE


def test_priority_service_sees_active_passes_only_within_their_validity(db: Session, agent: Principal,
                                                                        issuer: Principal,
                                                                       keys: None, clock) -> None:
    p = issue(db, agent, issuer, 1)
    assert vehicle_holds_active_pass(db, "沪D·10001") and enterprise_has_active_passes(db, p.enterprise_id)
    clock.advance(dt.timedelta(days=10))  # the day after its last day
    assert not vehicle_holds_active_pass(db, p.plate_no)
    assert not enterprise_has_active_passes(db, p.enterprise_id)
