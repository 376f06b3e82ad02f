"""Audit under concurrency (issue 10.6, 10.7): writers never wait on the chain, late committers are chained,
and a verify running while others write sees one consistent state."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from jiaoguan.kit import audit
from jiaoguan.kit.audit import AuditRecord, checkpoint_job, verify_snapshot
from jiaoguan.kit.db import get_engine, unit_of_work
from jiaoguan.kit.settings import reset_settings
from tests.installations import Installation, cli


def _postgres_only(inst: Installation) -> None:
    if not inst.url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time: there is no second transaction to overtake the first")


def _seq_of(record_id: int) -> int | None:
    with Session(get_engine()) as s:
        return s.execute(select(AuditRecord.seq).where(AuditRecord.id == record_id)).scalar_one()


def test_a_commit_does_not_wait_for_an_open_batch_and_the_batch_is_chained_after(installations) -> None:
    inst = installations()
    _postgres_only(inst)
    batch = Session(get_engine())
    batch_ids = [audit.record(batch, "pass.batch.row", "pass_application", i, "row").id for i in range(300)]
    try:
        started = time.perf_counter()
        with Session(get_engine()) as signin, signin.begin():
            late = audit.record(signin, "session.start", "user", 1, "signed in").id
        waited = time.perf_counter() - started
        assert waited < 1.0, f"a sign-in waited {waited:.2f} s behind an open batch"
        assert late > max(batch_ids) and _seq_of(late) is not None  # chained at once, the batch still open
        batch.commit()
    finally:
        batch.close()
    # The batch's records have lower ids but committed later: they come after in the chain, none is lost.
    assert all((_seq_of(i) or 0) > (_seq_of(late) or 0) for i in batch_ids[:5] + batch_ids[-5:])
    report = verify_snapshot(checkpoints=False)
    assert report.intact and report.pending == 0 and report.chained == 301


def test_a_busy_chainer_is_skipped_not_waited_for(installations) -> None:
    inst = installations()
    _postgres_only(inst)
    with unit_of_work() as s:
        audit.record(s, "thing.change", "thing", 0, "first")  # creates the head row
    holder = Session(get_engine())
    holder.execute(text("SELECT * FROM audit_head WHERE id = 1 FOR UPDATE"))
    try:
        started = time.perf_counter()
        with unit_of_work() as s:
            rec_id = audit.record(s, "thing.change", "thing", 1, "while the head is held").id
        assert time.perf_counter() - started < 1.0
        assert _seq_of(rec_id) is None  # left for the next chainer
    finally:
        holder.rollback()
        holder.close()
    assert audit.chain_now(get_engine()) == 1 and _seq_of(rec_id) is not None


def test_verify_while_writers_write_and_checkpoints_are_signed_reports_no_problem(
        installations, monkeypatch) -> None:
    installations()
    monkeypatch.setenv("JIAOGUAN_AUDIT_CHECKPOINT_MINUTES", "0")  # sign on every run of the job
    reset_settings()
    assert cli("audit", "keys", "init").exit_code == 0
    stop = threading.Event()
    errors: list[BaseException] = []

    def guarded(work: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                while not stop.is_set():
                    work()
            except BaseException as exc:  # surfaced below
                errors.append(exc)
        return run

    def write() -> None:
        with unit_of_work() as s:
            for i in range(5):
                audit.record(s, "thing.change", "thing", i, "concurrent")
        time.sleep(0.005)

    def sign() -> None:
        with unit_of_work() as s:
            checkpoint_job(s)
        time.sleep(0.02)

    threads = [threading.Thread(target=guarded(write)) for _ in range(2)]
    threads.append(threading.Thread(target=guarded(sign)))
    reports = []
    for t in threads:
        t.start()
    try:
        deadline = time.monotonic() + 4
        while time.monotonic() < deadline or len(reports) < 10:
            reports.append(verify_snapshot())
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert errors == []
    false_alarms = [p.describe() for r in reports for p in r.problems]
    print(f"audit verify runs while writing: {len(reports)}, false alarms: {len(false_alarms)}, "
          f"records at the end: {reports[-1].chained}, checkpoints checked at the end: "
          f"{reports[-1].checkpoints_checked}")
    assert false_alarms == []
    assert reports[-1].chained > reports[0].chained and reports[-1].checkpoints_checked > 0
    with Session(get_engine()) as s:
        assert s.execute(select(func.count()).select_from(AuditRecord)).scalar_one() >= reports[-1].chained
