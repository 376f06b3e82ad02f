"""Checkpoints: online verification with the server-side check, the scan log, offline sync without
duplicates, and the figures per checkpoint."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.passes.applications import service as apps
from jiaoguan.passes.checkpoint import scans as cp
from jiaoguan.passes.checkpoint.figures import checkpoint_figures
from jiaoguan.passes.issuance import keystore
from jiaoguan.passes.issuance.issue import crew_of, sign
from jiaoguan.passes.issuance.revocation import revoke_pass
from jiaoguan.passes.models import Checkpoint, CheckpointScan, TransportPass
from jiaoguan.passes.qr import reasons as R
from jiaoguan.passes.qr.codec import CrewMember, PassClaims, PassContent, issue_qr
from tests.factories.passes import FRIDAY, application


def issue(db: Session, agent: Principal, issuer: Principal, n: int = 1) -> TransportPass:
    return apps.approve(db, apps.submit_application(db, agent, application(n)).id, issuer)


def scans(db: Session) -> int:
    return db.execute(select(func.count()).select_from(CheckpointScan)).scalar_one()


def test_an_online_verification_is_green_and_logged_with_checkpoint_lane_officer_and_plate(
        db: Session, agent: Principal, issuer: Principal, officer: Principal, checkpoint: Checkpoint,
        keys: None) -> None:
    p = issue(db, agent, issuer)
    result = cp.verify_online(db, p.qr_text, checkpoint=checkpoint, lane="3", officer=officer, plate="沪D10001")
    assert result.valid and result.reason is None and result.pass_status == "active"
    scan = result.scan
    assert scan is not None
    assert (scan.checkpoint_id, scan.lane, scan.officer_user_id, scan.valid, scan.reason, scan.plate_no,
            scan.pass_no, scan.source) == (checkpoint.id, "3", officer.id, True, None, "沪D10001", p.pass_no, "online")
    assert scan.scanned_at == FRIDAY and scan.check_ms and scan.check_ms > 0
    assert result.to_json()["message_en"] == "The pass is valid."


def test_online_verification_sees_a_revocation_at_once(db: Session, agent: Principal, issuer: Principal,
                                                       officer: Principal,
                                                      checkpoint: Checkpoint, keys: None) -> None:
    p = issue(db, agent, issuer)
    revoke_pass(db, p.pass_no, issuer, "申请材料造假")
    result = cp.verify_online(db, p.qr_text, checkpoint=checkpoint, lane="1", officer=officer)
    assert (result.valid, result.reason) == (False, R.REVOKED_PASS)
    zh, en = result.texts()
    assert en == "The pass has been revoked." and zh and zh != en
    assert result.scan is not None and result.scan.reason == R.REVOKED_PASS


def test_a_pass_signed_with_a_real_key_but_missing_from_the_register_is_refused(
        db: Session, officer: Principal, checkpoint: Checkpoint, keys: None) -> None:
    # What a stolen signing key would produce: a good signature over a pass nobody issued.
    pair = keystore.key_pair(keystore.current_signing_key(db, "31"))
    content = PassContent("310000999999", "沪D66666", "yellow", "310115", "420102", "medical",
                          (CrewMember.masked("李四", "310115198001010000"),), 1)
    start = FRIDAY - dt.timedelta(hours=1)
    qr = issue_qr(PassClaims("310000", start, start, start + dt.timedelta(days=3), content), pair.private_key,
                  pair.kid)
    result = cp.verify_online(db, qr, checkpoint=checkpoint, lane="1", officer=officer)
    assert (result.valid, result.reason) == (False, cp.NOT_REGISTERED)
    assert "forged" in result.texts()[1]


def test_a_replaced_qr_is_refused_as_superseded(db: Session, agent: Principal, issuer: Principal, officer: Principal,
                                              checkpoint: Checkpoint, keys: None) -> None:
    p = issue(db, agent, issuer)
    old = p.qr_text
    app = apps.get_application(db, p.application_id)
    sign(p, app, crew_of(db, app.id), keystore.rotate_key(db, "31"), FRIDAY)
    assert cp.verify_online(db, old, checkpoint=checkpoint, lane="1", officer=officer).reason == cp.SUPERSEDED
    assert cp.verify_online(db, p.qr_text, checkpoint=checkpoint, lane="1", officer=officer).valid


def test_a_plate_that_does_not_match_the_pass_is_refused(db: Session, agent: Principal, issuer: Principal,
                                                         officer: Principal,
                                                       checkpoint: Checkpoint, keys: None) -> None:
    p = issue(db, agent, issuer)
    result = cp.verify_online(db, p.qr_text, checkpoint=checkpoint, lane="1", officer=officer, plate="沪D99999")
    assert result.reason == R.PLATE_MISMATCH


def test_garbage_is_refused_and_still_logged(db: Session, officer: Principal, checkpoint: Checkpoint,
                                             keys: None) -> None:
    result = cp.verify_online(db, "https://example.com/fake-pass", checkpoint=checkpoint, lane="2", officer=officer)
    assert result.reason == R.BAD_PREFIX
    assert scans(db) == 1


def test_the_same_online_scan_id_is_logged_once(db: Session, agent: Principal, issuer: Principal, officer: Principal,
                                              checkpoint: Checkpoint, keys: None) -> None:
    p = issue(db, agent, issuer)
    first = cp.verify_online(db, p.qr_text, checkpoint=checkpoint, lane="1", officer=officer, scan_uid="dev-1")
    again = cp.verify_online(db, p.qr_text, checkpoint=checkpoint, lane="1", officer=officer, scan_uid="dev-1")
    assert not first.duplicate and again.duplicate and scans(db) == 1


def offline(uid: str, minutes: int, *, valid: bool = True, reason: str | None = None, ms: int = 4000,
            checkpoint: str = "BJ-G4-DJK") -> cp.OfflineScan:
    return cp.OfflineScan(uid, checkpoint, "2", FRIDAY + dt.timedelta(minutes=minutes), valid, reason,
                          "沪D10001", "310000000001", ms)


def test_offline_scans_sent_twice_are_stored_once(db: Session, officer: Principal, checkpoint: Checkpoint) -> None:
    batch = [offline("a", 1), offline("b", 2), offline("c", 3, valid=False, reason=R.EXPIRED)]
    first = cp.record_offline_scans(db, officer, batch)
    second = cp.record_offline_scans(db, officer, [*batch, offline("d", 4)])
    assert (len(first.accepted), len(first.duplicates)) == (3, 0)
    assert (second.accepted, sorted(second.duplicates)) == (["d"], ["a", "b", "c"])
    assert scans(db) == 4


def test_an_offline_scan_repeated_inside_one_batch_is_stored_once(db: Session, officer: Principal,
                                                                 checkpoint: Checkpoint) -> None:
    report = cp.record_offline_scans(db, officer, [offline("x", 1), offline("x", 1)])
    assert (report.accepted, report.duplicates) == (["x"], ["x"])


def test_offline_scans_that_make_no_sense_are_rejected_one_by_one(db: Session, officer: Principal,
                                                                 checkpoint: Checkpoint, make_user) -> None:
    cp.ensure_checkpoint(db, "SH-G60", "沪昆高速枫泾", province_code="31", division_code="310117")
    report = cp.record_offline_scans(db, officer, [
        offline("ok", 1), offline("bad-reason", 2, valid=False, reason="looked_shifty"),
        offline("valid-with-reason", 3, valid=True, reason=R.EXPIRED), offline("nowhere", 4, checkpoint="XX-1"),
        offline("other-province", 5, checkpoint="SH-G60")])
    assert report.accepted == ["ok"]
    assert dict(report.rejected) == {"bad-reason": "bad_reason", "valid-with-reason": "bad_reason",
                                     "nowhere": "passes.no_such_checkpoint",
                                     "other-province": "passes.checkpoint_other_province"}


def test_figures_count_releases_per_hour_denials_by_reason_and_the_median_check_time(
        db: Session, officer: Principal, checkpoint: Checkpoint, clock) -> None:
    clock.advance(dt.timedelta(hours=3))  # the device syncs at noon what it scanned from 09:00 (FRIDAY)
    report = cp.record_offline_scans(db, officer, [
        offline("1", 0, ms=3000), offline("2", 10, ms=5000), offline("3", 70, ms=9000),
        offline("4", 75, valid=False, reason=R.EXPIRED, ms=20000),
        offline("5", 80, valid=False, reason=R.EXPIRED, ms=1000),
        offline("6", 90, valid=False, reason=R.REVOKED_PASS, ms=7000),
        offline("7", -60 * 10, ms=1),  # 23:00 the day before: another day
    ])
    assert report.rejected == []
    figures = checkpoint_figures(db, checkpoint, FRIDAY.date())
    assert (figures.total, figures.released, figures.offline) == (6, 3, 6)
    assert (figures.hours[9].released, figures.hours[9].denied) == (2, 0)
    assert (figures.hours[10].released, figures.hours[10].denied) == (1, 3)
    assert [(d.reason, d.count) for d in figures.denials] == [(R.EXPIRED, 2), (R.REVOKED_PASS, 1)]
    assert figures.median_check_ms == 6000
    assert figures.to_json()["per_hour"][10] == {"hour": 10, "released": 1, "denied": 3}
