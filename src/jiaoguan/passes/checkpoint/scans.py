"""Checkpoints (快速放行): online verification with the server-side revocation check, the scan log,
offline scans synced later without duplicates.

Online verification runs the same pure verifier as the offline devices, against every signing key the
server knows, then asks the issuer's register what the QR cannot tell (REFERENCE B.5: the forgeries of
2022 were caught by a database lookup): is the pass registered, revoked, or replaced by a newer QR?
Scans are log rows, not audited state changes: the audit chain serialises its writers, and a busy
exit lane must never wait on it.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.kit import audit
from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.errors import Forbidden, InvalidInput, NotFound
from jiaoguan.kit.events import InsertThenEmit
from jiaoguan.kit.i18n import N_, both, translate
from jiaoguan.kit.ids import PROVINCES
from jiaoguan.kit.prepared import Prepared
from jiaoguan.passes import figures
from jiaoguan.passes.issuance import keystore
from jiaoguan.passes.models import Checkpoint, CheckpointScan, PassApplication, TransportPass
from jiaoguan.passes.qr import reasons as R
from jiaoguan.passes.qr.verify import Verdict, verify

# Reasons only the online check can give (the pure verifier's codes are in qr/reasons.py).
NOT_REGISTERED = "not_registered"
SUPERSEDED = "superseded"
SERVER_MESSAGES: Mapping[str, str] = {
    NOT_REGISTERED: N_("The pass is not in the issuer's register: it may be forged."),
    SUPERSEDED: N_("This QR code was replaced by a re-issued one; ask for the current pass."),
}
ALL_REASONS: tuple[str, ...] = (*R.REASONS, *SERVER_MESSAGES)
MAX_SYNC_BATCH = 1000
_CONTROL = dict.fromkeys([*range(0x20), 0x7F])


def loggable(text: str | None, size: int) -> str | None:
    """Text from a QR or a device made fit for a log column: no control characters (PostgreSQL refuses
    NUL), no lone surrogates, at most `size` characters. A forged pass chooses its own plate and number:
    a scan must be logged whatever they hold."""
    if text is None:
        return None
    clean = text.translate(_CONTROL).encode("utf-8", "replace").decode("utf-8").strip()[:size].strip()
    return clean or None


def reason_texts(reason: str | None) -> tuple[str, str]:
    if reason is not None and reason in SERVER_MESSAGES:
        return both(SERVER_MESSAGES[reason])
    return R.reason_texts(reason)


def reason_text(reason: str | None, locale: str | None = None) -> str:
    if reason is not None and reason in SERVER_MESSAGES:
        return translate(SERVER_MESSAGES[reason], locale)
    return R.reason_text(reason, locale)


@dataclass
class OnlineResult:
    valid: bool
    reason: str | None
    verdict: Verdict
    pass_status: str | None                   # None: the pass is not in the register
    application: PassApplication | None       # loaded only for the checkpoint page, which shows its cargo
    scan: CheckpointScan | LoggedScan | None  # the logged scan
    duplicate: bool = False

    def texts(self) -> tuple[str, str]:
        return reason_texts(self.reason)

    def to_json(self) -> dict[str, Any]:
        zh, en = self.texts()
        out = self.verdict.to_json()
        out.update(valid=self.valid, reason=self.reason, message_zh=zh, message_en=en,
                   registered=self.pass_status is not None)
        if self.pass_status is not None:
            out["pass_status"] = self.pass_status
        if self.scan is not None:
            out["scan_id"] = self.scan.scan_uid
            out["checked_at"] = self.scan.scanned_at.isoformat()
        out["duplicate"] = self.duplicate
        return out


class OtherProvinceCheckpoint(Forbidden):
    code = "passes.checkpoint_other_province"
    message = N_("This checkpoint is in another province.")


def get_checkpoint(session: Session, code: str) -> Checkpoint:
    code = code.strip()
    # A code no checkpoint can have (a NUL that PostgreSQL would refuse) is simply not found.
    row = None if loggable(code, 64) != code else session.execute(
        select(Checkpoint).where(Checkpoint.code == code)).scalar_one_or_none()
    if row is None:
        raise NotFound(N_("No checkpoint with this code."), code="passes.no_such_checkpoint", field="checkpoint")
    return row


def checkpoint_for(session: Session, officer: Principal, code: str) -> Checkpoint:
    """The checkpoint an officer works at: it must be in the officer's province."""
    row = get_checkpoint(session, code)
    if officer.province_code and officer.province_code != row.province_code:
        raise OtherProvinceCheckpoint()
    return row


@dataclass(frozen=True, slots=True)
class CheckpointRef:
    """What a scan is logged with: the checkpoint's id, code and province (the scanner API needs no more), and the
    signing keys' stamp read with it (`keystore.server_trust_store`)."""

    id: int
    code: str
    province_code: str
    signers: keystore.Stamp | None = None


# Built once: the scanner API runs these on every scan (see accounts.service on prepared statements).
# What `checkpoint_ref_of` reads, for a caller that may read them in a statement of its own (the scanner's lane,
# with the device token: one round trip instead of two). None in every column when no checkpoint has the code.
CHECKPOINT_REF_COLUMNS = (Checkpoint.id, Checkpoint.code, Checkpoint.province_code, keystore.SIGNER_STAMP_TEXT)
_CHECKPOINT_REF = Prepared(select(*CHECKPOINT_REF_COLUMNS).where(Checkpoint.code == bindparam("code")))
_PASS_STATE = Prepared(select(TransportPass.status, TransportPass.qr_text, TransportPass.application_id).where(
    TransportPass.pass_no == bindparam("pass_no")))


def checkpoint_code_of(code: str) -> str | None:
    """The code to look a checkpoint up by; None for one no checkpoint can have."""
    code = code.strip()
    return code if loggable(code, 64) == code else None


def checkpoint_ref_for(session: Session, officer: Principal, code: str) -> CheckpointRef:
    """`checkpoint_for` for the scanner API: the same checks, three columns read, no ORM row."""
    looked_up = checkpoint_code_of(code)
    found = None if looked_up is None else _CHECKPOINT_REF.first(session, {"code": looked_up})
    return checkpoint_ref_of(officer, found)


def checkpoint_ref_of(officer: Principal, found: Sequence[Any] | None) -> CheckpointRef:
    """The checkpoint of `CHECKPOINT_REF_COLUMNS` as read, if the officer may scan there."""
    if found is None or found[0] is None:
        raise NotFound(N_("No checkpoint with this code."), code="passes.no_such_checkpoint", field="checkpoint")
    ref = CheckpointRef(found[0], found[1], found[2], keystore.stamp_of(found[3]))
    if officer.province_code and officer.province_code != ref.province_code:
        raise OtherProvinceCheckpoint()
    return ref


def checkpoints_for(session: Session, user: Principal) -> list[Checkpoint]:
    stmt = select(Checkpoint).order_by(Checkpoint.code)
    if user.province_code:
        stmt = stmt.where(Checkpoint.province_code == user.province_code)
    return list(session.execute(stmt).scalars())


def ensure_checkpoint(session: Session, code: str, name: str, *, province_code: str, division_code: str,
                      name_en: str = "", lanes: int = 4) -> Checkpoint:
    row = session.execute(select(Checkpoint).where(Checkpoint.code == code)).scalar_one_or_none()
    if row is not None:
        return row
    if province_code not in PROVINCES or division_code[:2] != province_code:
        raise InvalidInput(N_("The checkpoint's division is not in its province."),
                           code="passes.bad_checkpoint_division")
    row = Checkpoint(code=code, name=name, name_en=name_en, province_code=province_code,
                     division_code=division_code, lanes=lanes)
    session.add(row)
    session.flush()
    audit.record(session, "checkpoint.create", "checkpoint", code, name)
    return row


def _insert_scan(session: Session, values: dict[str, Any]) -> bool:
    """Insert unless a scan with this uid is already stored; True when inserted (race-safe)."""
    return _inserted_scan(session, values) is not None


class LoggedScan(NamedTuple):
    """The logged scan as stored, its columns as attributes (no ORM object: a log row is never changed afterwards)."""

    id: int
    scan_uid: str
    checkpoint_id: int
    lane: str
    officer_user_id: int | None
    scanned_at: dt.datetime
    received_at: dt.datetime
    valid: bool
    reason: str | None
    plate_no: str | None
    pass_no: str | None
    check_ms: int | None
    source: str
    province_code: str


# RETURNING gives the columns in the table's order: the tuple above must name them in that order.
assert LoggedScan._fields == tuple(c.name for c in CheckpointScan.__table__.c), "LoggedScan and the table differ"


# The columns every scan is logged with (online and synced alike).
SCAN_COLUMNS = ("scan_uid", "checkpoint_id", "lane", "officer_user_id", "scanned_at", "received_at", "valid", "reason",
                "plate_no", "pass_no", "check_ms", "source", "province_code")
_SCAN_INSERTS = {
    # RETURNING, not rowcount: drivers disagree on the rowcount of a skipped ON CONFLICT insert. Built once per
    # dialect and run as `Prepared` (see accounts.service): a log row is never an ORM object.
    name: Prepared(insert(cast(Table, CheckpointScan.__table__))
                   .values({column: bindparam(column) for column in SCAN_COLUMNS})
                   .on_conflict_do_nothing(index_elements=["scan_uid"])
                   .returning(*CheckpointScan.__table__.c))
    for name, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}


# The online scan with its `pass.verified` fact: one statement on PostgreSQL (see `kit.events.InsertThenEmit`).
_SCAN_WITH_FACT = InsertThenEmit({name: prepared.statement for name, prepared in _SCAN_INSERTS.items()})


def _inserted_scan(session: Session, values: dict[str, Any]) -> LoggedScan | None:
    """The stored scan, or None when a scan with this uid was already stored (race-safe)."""
    found = _SCAN_INSERTS[session.get_bind().dialect.name].first(session, values)
    return None if found is None else LoggedScan(*found)


def _scan_by_uid(session: Session, uid: str) -> CheckpointScan | None:
    return session.execute(select(CheckpointScan).where(CheckpointScan.scan_uid == uid)).scalar_one_or_none()


def verify_online(session: Session, qr: str, *, checkpoint: Checkpoint | CheckpointRef, lane: str,
                  officer: Principal, plate: str | None = None, check_ms: int | None = None,
                  scan_uid: str | None = None, with_application: bool = True) -> OnlineResult:
    """Verify one QR for an officer at a checkpoint lane and log the scan (`with_application`: also load the
    pass's application, which the checkpoint page shows and the scanner API does not)."""
    started = time.perf_counter()
    qr = qr.strip()
    now = utc_now()
    trust = keystore.server_trust_store(session, getattr(checkpoint, "signers", None))
    verdict = verify(qr, trust, now, expect_plate=(plate or "").strip() or None)
    reason = verdict.reason
    status = app = None
    # Another province's key proves the forgery by itself; its number must not call up a real pass's data.
    if verdict.authentic and verdict.content is not None and reason != R.WRONG_PROVINCE:
        row = _PASS_STATE.first(session, {"pass_no": verdict.content.pass_no})
        if row is None:
            reason = NOT_REGISTERED
        else:
            status, qr_text, application_id = row
            if with_application:
                app = session.get(PassApplication, application_id)
            if status == "revoked":
                reason = R.REVOKED_PASS
            elif reason is None and qr_text != qr:
                reason = SUPERSEDED
    elapsed = max(1, round((time.perf_counter() - started) * 1000))
    uid = loggable(scan_uid, 64) or uuid.uuid4().hex
    values = dict(
        scan_uid=uid, checkpoint_id=checkpoint.id, lane=loggable(lane, 12) or "-", officer_user_id=officer.id,
        scanned_at=now, received_at=now, valid=reason is None, reason=reason,
        plate_no=loggable(verdict.content.plate if verdict.content else plate, 12),
        pass_no=loggable(verdict.content.pass_no, 12) if verdict.content else None,
        check_ms=check_ms if check_ms is not None and 0 < check_ms < 3_600_000 else elapsed,
        source="online", province_code=checkpoint.province_code,
    )
    fact = figures.verified(values, checkpoint.code)
    found = _SCAN_WITH_FACT.run(session, values, "pass.verified", fact, province_code=figures.province_of(fact))
    if found is None:   # a retried request: the scan is stored already
        return OnlineResult(reason is None, reason, verdict, status, app, _scan_by_uid(session, uid), True)
    return OnlineResult(reason is None, reason, verdict, status, app, LoggedScan(*found), False)


@dataclass(frozen=True)
class OfflineScan:
    """One scan a device made without network, as it reports it afterwards."""

    scan_uid: str
    checkpoint: str
    lane: str
    scanned_at: dt.datetime
    valid: bool
    reason: str | None = None
    plate: str | None = None
    pass_no: str | None = None
    check_ms: int | None = None


@dataclass
class SyncReport:
    accepted: list[str]
    duplicates: list[str]
    rejected: list[tuple[str, str]]  # (scan uid, problem code)

    def to_json(self) -> dict[str, Any]:
        return {"accepted": len(self.accepted), "duplicates": len(self.duplicates),
                "rejected": [{"scan_id": uid, "code": code} for uid, code in self.rejected],
                "accepted_ids": self.accepted, "duplicate_ids": self.duplicates}


def _offline_problem(scan: OfflineScan, now: dt.datetime) -> str | None:
    if not scan.scan_uid.strip() or len(scan.scan_uid) > 64 or loggable(scan.scan_uid, 64) != scan.scan_uid.strip():
        return "bad_scan_id"
    if scan.scanned_at.tzinfo is None:
        return "naive_time"
    if scan.scanned_at > now + dt.timedelta(hours=1):
        return "time_in_future"
    if scan.valid != (scan.reason is None) or (scan.reason is not None and scan.reason not in ALL_REASONS):
        return "bad_reason"
    return None


def record_offline_scans(session: Session, officer: Principal, scans: list[OfflineScan]) -> SyncReport:
    """Store scans made offline; a scan id already stored (a batch sent twice) is counted, not stored again."""
    if len(scans) > MAX_SYNC_BATCH:
        raise InvalidInput(N_("At most %(max)s scans per batch."), code="passes.sync_batch_too_large",
                           max=MAX_SYNC_BATCH)
    now = utc_now()
    report = SyncReport([], [], [])
    checkpoints: dict[str, Checkpoint] = {}
    for scan in scans:
        problem = _offline_problem(scan, now)
        if problem is None and scan.checkpoint not in checkpoints:
            try:
                checkpoints[scan.checkpoint] = checkpoint_for(session, officer, scan.checkpoint)
            except (NotFound, Forbidden) as exc:
                problem = exc.code
        if problem is not None:
            report.rejected.append((scan.scan_uid, problem))
            continue
        cp = checkpoints[scan.checkpoint]
        values = dict(
            scan_uid=scan.scan_uid.strip(), checkpoint_id=cp.id, lane=loggable(scan.lane, 12) or "-",
            officer_user_id=officer.id, scanned_at=scan.scanned_at, received_at=now, valid=scan.valid,
            reason=scan.reason, plate_no=loggable(scan.plate, 12), pass_no=loggable(scan.pass_no, 12),
            check_ms=scan.check_ms if scan.check_ms is not None and 0 < scan.check_ms < 3_600_000 else None,
            source="offline", province_code=cp.province_code,
        )
        inserted = _insert_scan(session, values)
        if inserted:
            figures.emit_fact(session, "pass.verified", figures.verified(values, cp.code))
        (report.accepted if inserted else report.duplicates).append(scan.scan_uid)
    if report.accepted:
        audit.record(session, "checkpoint.sync", "checkpoint", " ".join(sorted(checkpoints))[:80],
                     f"{len(report.accepted)} offline scan(s) stored, {len(report.duplicates)} duplicate(s)")
    return report
