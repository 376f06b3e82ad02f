"""Checking the audit trail: the chain links, the head, and every signed checkpoint.

The walk runs in one consistent snapshot (`kit.snapshot`), so writers committing meanwhile cannot make
it disagree with itself. The exported checkpoints are read *before* the snapshot opens: each line was
written after the state it names had committed, so the snapshot always contains it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.kit.audit.chain import digest, fields_of, pending_count
from jiaoguan.kit.audit.checkpoints import Checkpoint, load_verify_keys, read_sink, signature_problem
from jiaoguan.kit.audit.models import GENESIS, AuditCheckpoint, AuditHead, AuditRecord
from jiaoguan.kit.i18n import N_, translate
from jiaoguan.kit.settings import get_settings
from jiaoguan.kit.snapshot import read_snapshot

EXPLAIN = {
    "edited": N_("edited: its hash no longer matches its content"),
    "missing_before": N_("a record before it is missing or out of place"),
    "head_mismatch": N_("the chain head does not point at the last record"),
    "checkpoint_beyond_chain": N_("the chain is shorter than this signed checkpoint (records deleted)"),
    "checkpoint_mismatch": N_("the chain differs from what this signed checkpoint recorded (records rewritten)"),
    "checkpoint_bad_signature": N_("the checkpoint's signature is not valid"),
    "checkpoint_unknown_key": N_("the checkpoint was signed by a key this installation does not know"),
    "checkpoint_unreadable": N_("a line of the checkpoint log cannot be read"),
}


@dataclass(frozen=True)
class ChainProblem:
    record_id: int  # the record (chain problems) or the chain length a checkpoint names (checkpoint problems)
    problem: str
    detail: str = ""

    def describe(self) -> str:
        """One line in the current language: where, the problem's code, and what it means."""
        what = translate(EXPLAIN[self.problem]) if self.problem in EXPLAIN else self.problem
        if self.problem.startswith("checkpoint_"):
            where = self.detail or translate(N_("checkpoint at record %(record)s"), record=self.record_id)
        else:
            where = translate(N_("record %(record)s"), record=self.record_id)
        return f"{where}: {self.problem} ({what})"


@dataclass
class ChainReport:
    chained: int = 0
    pending: int = 0
    checkpoints_checked: int = 0
    last_checkpoint: Checkpoint | None = None
    problems: list[ChainProblem] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def _walk(session: Session, report: ChainReport, wanted: set[int], batch: int) -> tuple[int, str, dict[int, str]]:
    table = AuditRecord.__table__
    prev_seq, prev_hash, seen = 0, GENESIS, dict[int, str]()
    while True:
        rows = session.execute(select(table).where(table.c.seq > prev_seq).order_by(table.c.seq).limit(batch)).all()
        if not rows:
            return prev_seq, prev_hash, seen
        for r in rows:
            report.chained += 1
            if r.seq != prev_seq + 1 or r.prev_hash != prev_hash:
                report.problems.append(ChainProblem(r.id, "missing_before"))
            if digest(r.prev_hash or "", fields_of(r)) != r.hash:  # type: ignore[arg-type]
                report.problems.append(ChainProblem(r.id, "edited"))
            if r.seq in wanted:
                seen[r.seq] = r.hash
            prev_seq, prev_hash = r.seq, r.hash


def verify_chain(session: Session, checkpoints: Iterable[Checkpoint] = (),
                 keys: dict[str, Ed25519PublicKey] | None = None, batch: int = 5000) -> ChainReport:
    """Walk the chain in `session` (give it a snapshot); with `keys`, check every checkpoint against it."""
    report = ChainReport(pending=pending_count(session))
    unique = sorted(set(checkpoints), key=lambda c: (c.seq, c.at))
    last_seq, last_hash, seen = _walk(session, report, {c.seq for c in unique}, batch)
    head = session.execute(select(AuditHead.last_seq, AuditHead.last_hash).where(AuditHead.id == 1)).first()
    if (head is None and last_seq) or (head is not None and (head.last_seq, head.last_hash) != (last_seq, last_hash)):
        report.problems.append(ChainProblem(head.last_seq if head is not None else 0, "head_mismatch"))
    if keys is None:
        return report
    for cp in unique:
        wrong = signature_problem(cp, keys)
        if wrong is not None:
            report.problems.append(ChainProblem(cp.seq, "checkpoint_" + wrong))
        elif cp.seq > last_seq:
            report.problems.append(ChainProblem(cp.seq, "checkpoint_beyond_chain"))
        elif seen.get(cp.seq) != cp.head_hash:
            report.problems.append(ChainProblem(cp.seq, "checkpoint_mismatch"))
        else:
            report.checkpoints_checked += 1
            report.last_checkpoint = cp
    return report


def verify_snapshot(url: str | None = None, *, checkpoints: bool = True) -> ChainReport:
    """`audit verify`: the chain, and (unless told otherwise) every exported and stored checkpoint.

    Raises AuditKeyMissing when checkpoints are to be checked and no key is there to check them with.
    """
    settings = get_settings()
    keys = load_verify_keys(settings.effective_audit_key_file) if checkpoints else None
    exported, unreadable = read_sink(settings.effective_audit_checkpoint_dir) if checkpoints else ([], [])
    with read_snapshot(url) as session:
        stored = [Checkpoint.from_row(r) for r in session.execute(select(AuditCheckpoint)).scalars()] \
            if checkpoints else []
        report = verify_chain(session, exported + stored, keys)
    report.problems += [ChainProblem(0, "checkpoint_unreadable", f"checkpoint log {where}") for where in unreadable]
    return report
