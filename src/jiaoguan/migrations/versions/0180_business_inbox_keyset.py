"""business: the inbox's indexes in its keyset order, its counts per state kept by triggers, the catalogue's revision

Revision ID: 0180
Revises: 0171

Issue 11.12. The inbox pages by keyset on (priority, due day, id), the due day of a case without one (not yet
accepted, or its clock stopped) read as 9999-12-31 so that it sorts last and the key is never NULL: the three
partial indexes of open cases are rebuilt on that expression. `business_type.revision` is bumped on every change of
an entry, so a process that keeps the parsed catalogue sees any change by a cheap stamp, even two in one clock tick.

`business_inbox_count` holds the open cases per (province, queue role, assignee, state) as signed deltas: a trigger
on `business_application` adds -1 for the row as it was and +1 for the row as it is whenever one of those four
changes (inserts only, so concurrent submissions never wait on a shared counter row); the worker's job folds the
deltas into one row per key (business.inbox.compact_counts). The inbox sums a handful of rows instead of counting
every open case.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0180"
down_revision: str | Sequence[str] | None = "0171"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# Written out: a migration does not follow later code (business.states.ACTIVE; business.models.DUE_KEY).
_OPEN = ("status IN ('submitted', 'accepted', 'in_review', 'correction_requested', 'resubmitted', 'approved', "
         "'issued')")
_DUE = "coalesce(sla_due, '9999-12-31')"
_INDEXES = {
    "ix_business_application_queue": (["province_code", "queue_role", "priority", "{due}", "id", "status"],
                                      f"assignee_user_id IS NULL AND {_OPEN}"),
    "ix_business_application_assigned": (["assignee_user_id", "priority", "{due}", "id", "status"], _OPEN),
    "ix_business_application_open": (["province_code", "priority", "{due}", "id", "status"], _OPEN),
}


def _create(due: str) -> None:
    for name, (columns, where) in _INDEXES.items():
        op.create_index(name, "business_application",
                        [sa.text(due) if c == "{due}" else c for c in columns],
                        postgresql_where=sa.text(where), sqlite_where=sa.text(where))


def _drop() -> None:
    for name in _INDEXES:
        op.drop_index(name, table_name="business_application")


_KEY = ("province_code", "queue_role", "assignee_user_id", "status")
_CHANGED = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in _KEY)


def _delta(row: str, n: int) -> str:
    return (f"INSERT INTO business_inbox_count (province_code, queue_role, assignee_user_id, status, n) "
            f"VALUES ({row}.province_code, {row}.queue_role, {row}.assignee_user_id, {row}.status, {n})")


def _open(row: str) -> str:
    return _OPEN.replace("status IN", f"{row}.status IN")


def _postgres_triggers() -> list[str]:
    return [f"""CREATE FUNCTION business_inbox_count_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND {_open("OLD")} THEN {_delta("OLD", -1)}; END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND {_open("NEW")} THEN {_delta("NEW", 1)}; END IF;
    RETURN NULL;
END $$""",
            f"""CREATE TRIGGER business_inbox_count_insert AFTER INSERT ON business_application FOR EACH ROW
WHEN ({_open("NEW")}) EXECUTE FUNCTION business_inbox_count_track()""",
            f"""CREATE TRIGGER business_inbox_count_update AFTER UPDATE ON business_application FOR EACH ROW
WHEN ({_CHANGED}) EXECUTE FUNCTION business_inbox_count_track()""",
            f"""CREATE TRIGGER business_inbox_count_delete AFTER DELETE ON business_application FOR EACH ROW
WHEN ({_open("OLD")}) EXECUTE FUNCTION business_inbox_count_track()"""]


def _sqlite_triggers() -> list[str]:
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _KEY)
    as_select = {row: _delta(row, n).replace("VALUES (", "SELECT ").rstrip(")") + f" WHERE {_open(row)}"
                 for row, n in (("OLD", -1), ("NEW", 1))}
    return [f"CREATE TRIGGER business_inbox_count_insert AFTER INSERT ON business_application "
            f"WHEN {_open('NEW')} BEGIN {_delta('NEW', 1)}; END",
            f"CREATE TRIGGER business_inbox_count_update AFTER UPDATE ON business_application "
            f"WHEN {changed} BEGIN {as_select['OLD']}; {as_select['NEW']}; END",
            f"CREATE TRIGGER business_inbox_count_delete AFTER DELETE ON business_application "
            f"WHEN {_open('OLD')} BEGIN {_delta('OLD', -1)}; END"]


def upgrade() -> None:
    with op.batch_alter_table("business_type") as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))
    _drop()
    _create(_DUE)
    op.create_table("business_inbox_count",
                    sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
                    sa.Column("province_code", sa.String(length=2), nullable=False),
                    sa.Column("queue_role", sa.String(length=24), nullable=False),
                    sa.Column("assignee_user_id", sa.Integer(), nullable=True),
                    sa.Column("status", sa.String(length=24), nullable=False),
                    sa.Column("n", sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint("id", name=op.f("pk_business_inbox_count")))
    op.create_index("ix_business_inbox_count_queue", "business_inbox_count", ["province_code", "queue_role"])
    op.create_index("ix_business_inbox_count_assignee", "business_inbox_count", ["assignee_user_id"])
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in _postgres_triggers() if postgres else _sqlite_triggers():
        op.execute(statement)
    op.execute(f"""INSERT INTO business_inbox_count (province_code, queue_role, assignee_user_id, status, n)
        SELECT province_code, queue_role, assignee_user_id, status, count(*) FROM business_application
        WHERE {_OPEN} GROUP BY province_code, queue_role, assignee_user_id, status""")


def downgrade() -> None:
    for name in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER business_inbox_count_{name}"
                   + (" ON business_application" if op.get_bind().dialect.name == "postgresql" else ""))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION business_inbox_count_track()")
    op.drop_table("business_inbox_count")
    _drop()
    _create("sla_due")
    with op.batch_alter_table("business_type") as batch_op:
        batch_op.drop_column("revision")
