"""accounts: a change to an account or a browser session is announced (NOTIFY jiaoguan_changes)

Revision ID: 0260
Revises: 0250

Every page looks up who sends it by the session cookie: one round trip on every request, for an answer that changes
when someone signs out, is disabled, has a new role or province, or has their sessions ended. Each server process
now keeps the answer (accounts.service.principal_for_session) until it hears that `app_user` or `user_session`
changed. A new session (an INSERT) changes no answer kept, so only UPDATE, DELETE and TRUNCATE announce it: a sign-in
does not empty every process's cache. PostgreSQL only, as migration 0240.
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0260"
down_revision: str | Sequence[str] | None = "0250"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("app_user", "user_session")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:   # the function is migration 0240's: NOTIFY with the table's name
        op.execute(f"CREATE TRIGGER {table}_announce_change AFTER UPDATE OR DELETE OR TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION jiaoguan_announce_change()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_announce_change ON {table}")
