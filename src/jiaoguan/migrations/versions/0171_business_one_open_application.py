"""business: one open application per person, business and subject (a partial unique index)

Revision ID: 0171
Revises: 0170

A person (or a proxy for them) cannot open a second application of the same business, for the same subject,
while one is open: the service names the open one, and this index makes two submissions at once unable to
both pass. Open duplicates already present stop the upgrade with their numbers (they need a person's
decision, not a migration's).
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0171"
down_revision: str | Sequence[str] | None = "0170"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# The open states (business.states.OPEN), written out: a migration does not follow later code.
OPEN = ("status IN ('draft', 'submitted', 'accepted', 'in_review', 'correction_requested', 'resubmitted', "
        "'approved', 'issued')")
KEY = ("applicant_user_id", "business_code", "subject_ref")


def upgrade() -> None:
    twins = op.get_bind().execute(sa.text(
        f"SELECT min(id), max(id) FROM business_application WHERE {OPEN} GROUP BY {', '.join(KEY)} "
        "HAVING count(*) > 1 LIMIT 20")).all()
    if twins:
        raise RuntimeError("open duplicate applications (close one of each pair, then upgrade again): "
                           + ", ".join(f"#{a} and #{b}" for a, b in twins))
    op.create_index("ix_business_application_one_open", "business_application", list(KEY), unique=True,
                    postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))


def downgrade() -> None:
    op.drop_index("ix_business_application_one_open", table_name="business_application")
