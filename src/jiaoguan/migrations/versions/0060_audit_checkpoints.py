"""audit: records chained after commit (seq), signed checkpoints, TRUNCATE refused

Revision ID: 0060
Revises: 0040

Records are now inserted unchained and the chainer fills `seq`, `prev_hash` and `hash` once, after
commit. The guards refuse every UPDATE except that one fill, every DELETE, and TRUNCATE (PostgreSQL);
the head only moves forward; checkpoints are append-only. Existing records were chained in id order
from 1 under the old head lock, so their position is their id and their hashes replay unchanged.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import jiaoguan.kit.db

revision: str = "0060"
down_revision: str | Sequence[str] | None = "0040"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CHAIN_FILLED_ONCE = """
    OLD.seq IS NULL AND OLD.prev_hash IS NULL AND OLD.hash IS NULL
    AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL
"""
_SQLITE_SAME_CONTENT = " AND ".join(
    f"NEW.{c} IS OLD.{c}" for c in ("id", "at", "actor_id", "actor_role", "actor_label", "action", "object_type",
                                    "object_id", "summary", "request_id"))


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    _drop_old_guards(postgres)
    with op.batch_alter_table("audit_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=True)
        batch_op.create_unique_constraint(batch_op.f("uq_audit_record_seq"), ["seq"])
    op.execute("UPDATE audit_record SET seq = id")
    with op.batch_alter_table("audit_record", schema=None) as batch_op:
        batch_op.create_index("ix_audit_record_unchained", ["id"], unique=False,
                              postgresql_where=sa.text("seq IS NULL"), sqlite_where=sa.text("seq IS NULL"))
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.alter_column("last_id", new_column_name="last_seq", existing_type=sa.BigInteger(),
                              existing_nullable=False)
    op.create_table("audit_checkpoint",
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
    sa.Column("seq", sa.BigInteger(), nullable=False),
    sa.Column("head_hash", sa.String(length=64), nullable=False),
    sa.Column("at", jiaoguan.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column("key_id", sa.String(length=32), nullable=False),
    sa.Column("signature", sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoint"))
    )
    with op.batch_alter_table("audit_checkpoint", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_checkpoint_seq"), ["seq"], unique=False)
    if postgres:
        # The old writer set ids itself, so the id sequence never moved: move it past the existing rows.
        op.execute("SELECT setval(pg_get_serial_sequence('audit_record', 'id'), max(id)) FROM audit_record "
                   "HAVING max(id) IS NOT NULL")
        _postgres_guards()
    else:
        _sqlite_guards()


def _drop_old_guards(postgres: bool) -> None:
    if postgres:
        op.execute("DROP TRIGGER IF EXISTS audit_record_no_change ON audit_record")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_record_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_record_no_delete")


def _postgres_guards() -> None:
    op.execute(f"""
        CREATE OR REPLACE FUNCTION audit_record_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'UPDATE' AND {_CHAIN_FILLED_ONCE}
             AND to_jsonb(NEW) - 'seq' - 'prev_hash' - 'hash' = to_jsonb(OLD) - 'seq' - 'prev_hash' - 'hash' THEN
            RETURN NEW;
          END IF;
          RAISE EXCEPTION 'audit_record is append-only';
        END $$;
    """)
    op.execute("""
        CREATE OR REPLACE FUNCTION audit_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.last_seq >= OLD.last_seq THEN
            RETURN NEW;
          END IF;
          RAISE EXCEPTION 'the audit chain head only moves forward';
        END $$;
    """)
    op.execute("""
        CREATE OR REPLACE FUNCTION audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$;
    """)
    op.execute("CREATE TRIGGER audit_record_no_change BEFORE UPDATE OR DELETE ON audit_record "
               "FOR EACH ROW EXECUTE FUNCTION audit_record_guard()")
    op.execute("CREATE TRIGGER audit_head_forward_only BEFORE UPDATE OR DELETE ON audit_head "
               "FOR EACH ROW EXECUTE FUNCTION audit_head_guard()")
    op.execute("CREATE TRIGGER audit_checkpoint_no_change BEFORE UPDATE OR DELETE ON audit_checkpoint "
               "FOR EACH ROW EXECUTE FUNCTION audit_refuse()")
    for table in ("audit_record", "audit_head", "audit_checkpoint"):
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse()")


def _sqlite_guards() -> None:
    refuse = "BEGIN SELECT RAISE(ABORT, '{} is append-only'); END"
    op.execute(f"CREATE TRIGGER audit_record_no_update BEFORE UPDATE ON audit_record "
               f"WHEN NOT ({_CHAIN_FILLED_ONCE} AND {_SQLITE_SAME_CONTENT}) {refuse.format('audit_record')}")
    op.execute(f"CREATE TRIGGER audit_record_no_delete BEFORE DELETE ON audit_record {refuse.format('audit_record')}")
    op.execute("CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head "
               "WHEN NEW.id IS NOT OLD.id OR NEW.last_seq < OLD.last_seq "
               "BEGIN SELECT RAISE(ABORT, 'the audit chain head only moves forward'); END")
    op.execute(f"CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head {refuse.format('audit_head')}")
    for event in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER audit_checkpoint_no_{event.lower()} BEFORE {event} ON audit_checkpoint "
                   f"{refuse.format('audit_checkpoint')}")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        for table in ("audit_record", "audit_head", "audit_checkpoint"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP TRIGGER IF EXISTS audit_checkpoint_no_change ON audit_checkpoint")
        op.execute("DROP TRIGGER IF EXISTS audit_head_forward_only ON audit_head")
        op.execute("DROP TRIGGER IF EXISTS audit_record_no_change ON audit_record")
        for fn in ("audit_record_guard", "audit_head_guard", "audit_refuse"):
            op.execute(f"DROP FUNCTION IF EXISTS {fn}()")
    else:
        for trigger in ("audit_record_no_update", "audit_record_no_delete", "audit_head_forward_only",
                        "audit_head_no_delete", "audit_checkpoint_no_update", "audit_checkpoint_no_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    with op.batch_alter_table("audit_checkpoint", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_checkpoint_seq"))
    op.drop_table("audit_checkpoint")
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.alter_column("last_seq", new_column_name="last_id", existing_type=sa.BigInteger(),
                              existing_nullable=False)
    # The old layout has no unchained records and no seq: records keep their hashes, ordered by id again
    # (verify under 0020 reports records chained out of id order as moved).
    with op.batch_alter_table("audit_record", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_record_unchained")
        batch_op.drop_constraint(batch_op.f("uq_audit_record_seq"), type_="unique")
        batch_op.drop_column("seq")
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
    if postgres:
        op.execute("""
            CREATE TRIGGER audit_record_no_change BEFORE UPDATE OR DELETE ON audit_record
            FOR EACH ROW EXECUTE FUNCTION audit_record_append_only();
        """)
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(f"""
                CREATE TRIGGER audit_record_no_{event.lower()} BEFORE {event} ON audit_record
                BEGIN SELECT RAISE(ABORT, 'audit_record is append-only'); END;
            """)
