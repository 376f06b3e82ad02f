"""The audit chain: records are written without a lock and chained after commit, in the order the chainer
sees them; the database refuses every change except the chainer's one-time fill."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from jiaoguan.kit import audit
from jiaoguan.kit.audit import AuditHead, AuditRecord
from jiaoguan.kit.context import Actor, set_actor


def _drop_guards(db: Session) -> None:
    # Only inside the test's transaction, which is rolled back afterwards (DDL is transactional on both engines).
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("DROP TRIGGER audit_record_no_change ON audit_record"))
    else:
        db.execute(text("DROP TRIGGER audit_record_no_update"))
        db.execute(text("DROP TRIGGER audit_record_no_delete"))


def _refused(db: Session, sql: str, **params: object) -> None:
    with pytest.raises(DBAPIError), db.begin_nested():
        db.execute(text(sql), params)


def test_a_record_is_written_unchained_and_chained_after(db: Session) -> None:
    rec = audit.record(db, "thing.change", "thing", 1, "one")
    assert (rec.seq, rec.prev_hash, rec.hash) == (None, None, None)
    assert audit.chain_pending(db) >= 1
    db.refresh(rec)
    assert rec.seq is not None and rec.hash == audit.digest(rec.prev_hash or "", audit.fields_of(rec))


def test_chained_records_link_in_the_order_the_chainer_saw_them(db: Session) -> None:
    recs = [audit.record(db, "thing.change", "thing", i, f"change {i}") for i in range(5)]
    audit.chain_pending(db)
    for r in recs:
        db.refresh(r)
    seqs = [r.seq or 0 for r in recs]
    assert seqs == list(range(seqs[0], seqs[0] + 5))
    assert all(b.prev_hash == a.hash for a, b in zip(recs, recs[1:], strict=False))
    head = db.get(AuditHead, 1)
    assert head is not None and (head.last_seq, head.last_hash) == (recs[-1].seq, recs[-1].hash)
    report = audit.verify_chain(db)
    assert report.intact and report.chained >= 5 and report.pending == 0


def test_audit_summaries_never_hold_a_full_id_number(db: Session) -> None:
    set_actor(Actor(None, "window_clerk", "clerk"))
    rec = audit.record(db, "person.view", "person", "11010519491231002X", "looked up 11010519491231002X")
    assert "11010519491231002X" not in rec.summary and "110105********002X" in rec.summary
    assert rec.object_id == "110105********002X"


def test_the_database_refuses_every_change_but_the_one_time_chain_fill(db: Session) -> None:
    rec = audit.record(db, "thing.change", "thing", 1, "original")
    _refused(db, "UPDATE audit_record SET summary = 'forged' WHERE id = :id", id=rec.id)
    _refused(db, "UPDATE audit_record SET seq = -1, prev_hash = 'x', hash = 'y', summary = 'forged' WHERE id = :id",
             id=rec.id)
    _refused(db, "DELETE FROM audit_record WHERE id = :id", id=rec.id)
    audit.chain_pending(db)  # the chainer's fill is let through …
    db.refresh(rec)
    assert rec.seq is not None
    _refused(db, "UPDATE audit_record SET hash = :h WHERE id = :id", h="0" * 64, id=rec.id)  # … once
    _refused(db, "UPDATE audit_record SET seq = NULL, prev_hash = NULL, hash = NULL WHERE id = :id", id=rec.id)


def test_the_chain_head_only_moves_forward(db: Session) -> None:
    audit.record(db, "thing.change", "thing", 1, "x")
    audit.chain_pending(db)
    _refused(db, "UPDATE audit_head SET last_seq = last_seq - 1")
    _refused(db, "DELETE FROM audit_head")


def test_signed_checkpoints_cannot_be_changed_or_deleted(db: Session) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    audit.record(db, "thing.change", "thing", 1, "x")
    audit.chain_pending(db)
    cp = audit.take_checkpoint(db, Ed25519PrivateKey.generate())
    assert cp is not None
    _refused(db, "UPDATE audit_checkpoint SET seq = seq + 1")
    _refused(db, "DELETE FROM audit_checkpoint")


def test_truncate_is_refused_on_postgresql(db: Session) -> None:
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE (DELETE is refused by the same guard)")
    for table in ("audit_record", "audit_head", "audit_checkpoint"):
        _refused(db, f"TRUNCATE {table}")


def test_an_edited_record_is_reported(db: Session) -> None:
    recs = [audit.record(db, "thing.change", "thing", i, f"change {i}") for i in range(3)]
    audit.chain_pending(db)
    _drop_guards(db)
    db.execute(text("UPDATE audit_record SET summary = 'forged' WHERE id = :id"), {"id": recs[1].id})
    db.expire_all()
    problems = audit.verify_chain(db).problems
    assert (recs[1].id, "edited") in {(p.record_id, p.problem) for p in problems}


def test_a_deleted_record_is_reported(db: Session) -> None:
    recs = [audit.record(db, "thing.change", "thing", i, f"change {i}") for i in range(3)]
    audit.chain_pending(db)
    _drop_guards(db)
    db.execute(text("DELETE FROM audit_record WHERE id = :id"), {"id": recs[1].id})
    db.expire_all()
    problems = audit.verify_chain(db).problems
    assert (recs[2].id, "missing_before") in {(p.record_id, p.problem) for p in problems}


def test_unchained_records_are_counted_not_reported(db: Session) -> None:
    audit.chain_pending(db)
    audit.record(db, "thing.change", "thing", 1, "waiting")
    report = audit.verify_chain(db)
    assert report.intact and report.pending == 1
    assert db.execute(select(AuditRecord.seq).order_by(AuditRecord.id.desc()).limit(1)).scalar() is None


def test_a_checkpoint_is_announced_to_rooms_that_listen_for_it(db: Session, monkeypatch) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from jiaoguan.kit import rooms
    from jiaoguan.kit.audit.checkpoints import Checkpoint, key_id_of, signature_problem
    from jiaoguan.kit.outbox import OutboxMessage
    from jiaoguan.kit.rooms import Handler

    exporter = Handler("audit.checkpoint", "exporter.send", "nowhere:send")
    monkeypatch.setattr(rooms, "all_handlers", lambda event=None: [exporter] if event in (None, exporter.event) else [])
    key = Ed25519PrivateKey.generate()
    audit.record(db, "thing.change", "thing", 1, "x")
    audit.chain_pending(db)
    cp = audit.take_checkpoint(db, key)
    assert cp is not None
    row = db.execute(select(OutboxMessage).where(OutboxMessage.channel == "event",
                                                 OutboxMessage.template == "audit.checkpoint")).scalar_one()
    sent = Checkpoint.from_line(json.dumps(row.params["payload"]))
    assert row.recipient == "exporter.send" and sent == cp
    assert signature_problem(sent, {key_id_of(key.public_key()): key.public_key()}) is None
