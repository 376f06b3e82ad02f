"""The audit tables: records, the chain head, and signed checkpoints.

A record is written unchained (`seq`, `prev_hash` and `hash` empty) in the caller's transaction; the
chainer fills those three fields once, after commit. Database triggers (migration 0060) refuse every
other UPDATE, every DELETE and TRUNCATE.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from jiaoguan.kit.db import Base

GENESIS = "0" * 64


class AuditRecord(Base):
    __tablename__ = "audit_record"
    # The chainer looks for unchained rows on every commit: a partial index keeps that cheap on a big table.
    __table_args__ = (Index("ix_audit_record_unchained", "id", postgresql_where=text("seq IS NULL"),
                            sqlite_where=text("seq IS NULL")),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[dt.datetime]
    actor_id: Mapped[int | None]
    actor_role: Mapped[str] = mapped_column(String(32))
    actor_label: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[str] = mapped_column(String(80))
    summary: Mapped[str] = mapped_column(Text)
    request_id: Mapped[str] = mapped_column(String(40))
    # Position in the chain (1, 2, …), assigned by the chainer in the order it sees records committed.
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


class AuditHead(Base):
    """The single row naming the last chained record; locked only by the chainer, briefly."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS)


class AuditCheckpoint(Base):
    """A signed statement "the chain had `seq` records ending in `head_hash` at `at`" (also exported to files)."""

    __tablename__ = "audit_checkpoint"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    head_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime]
    key_id: Mapped[str] = mapped_column(String(32))
    signature: Mapped[str] = mapped_column(String(120))
