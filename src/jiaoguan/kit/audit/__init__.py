"""Append-only audit trail, chained by hash after commit and anchored by signed checkpoints.

Each record's hash covers its own fields and the previous record's hash, so an edited row breaks its
own hash and a deleted row breaks the link of the next one; signed checkpoints exported outside the
database catch what the chain alone cannot (a rewritten or shortened chain). Writers never wait on
the chain: see `chain.py`. Database triggers (migrations 0001, 0060) refuse changes to the table.
"""

from jiaoguan.kit.audit.chain import (
    chain_job,
    chain_now,
    chain_pending,
    digest,
    fields_of,
    pending_count,
    record,
    record_look_up,
)
from jiaoguan.kit.audit.checkpoints import (
    AuditKeyExists,
    AuditKeyMissing,
    AuditKeyUnusable,
    AuditSinkUnwritable,
    Checkpoint,
    checkpoint_job,
    init_key,
    load_signing_key,
    take_checkpoint,
)
from jiaoguan.kit.audit.models import GENESIS, AuditCheckpoint, AuditHead, AuditRecord
from jiaoguan.kit.audit.verify import ChainProblem, ChainReport, verify_chain, verify_snapshot

__all__ = [
    "GENESIS", "AuditCheckpoint", "AuditHead", "AuditKeyExists", "AuditKeyMissing", "AuditKeyUnusable", "AuditRecord",
    "AuditSinkUnwritable", "ChainProblem", "ChainReport", "Checkpoint", "chain_job", "chain_now", "chain_pending",
    "checkpoint_job", "digest", "fields_of", "init_key", "load_signing_key", "pending_count", "record",
    "record_look_up",
    "take_checkpoint", "verify_chain", "verify_snapshot",
]

