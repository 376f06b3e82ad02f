"""registry: what businesses change (issue 11.4, 11.5)

Revision ID: 0110
Revises: 0080

Documents issued on records (licence cards, electronic licences, plates, 行驶证, stickers, learner-permit
proofs), licence deferrals, temporary plates, violations with their scoring-cycle points and fine payments,
and 容缺 obligations.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import jiaoguan.kit.db

revision: str = '0110'
down_revision: str | Sequence[str] | None = '0080'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('driving_licence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('medical_due_rule', sa.String(length=12), nullable=True))

    op.create_table('registry_document',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('subject_type', sa.String(length=16), nullable=False),
    sa.Column('subject_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=24), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('voided_on', sa.Date(), nullable=True),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_registry_document_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registry_document'))
    )
    with op.batch_alter_table('registry_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registry_document_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registry_document_province_code'), ['province_code'], unique=False)
        batch_op.create_index('ix_registry_document_subject', ['subject_type', 'subject_id', 'kind'], unique=False)

    op.create_table('temporary_plate',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('vin', sa.String(length=17), nullable=False),
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('plate_no', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('insurance_valid_until', sa.Date(), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_temporary_plate_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_temporary_plate')),
    sa.UniqueConstraint('plate_no', name=op.f('uq_temporary_plate_plate_no'))
    )
    with op.batch_alter_table('temporary_plate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_temporary_plate_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_temporary_plate_province_code'), ['province_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_temporary_plate_vin'), ['vin'], unique=False)

    op.create_table('licence_deferral',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('licence_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('matter', sa.String(length=16), nullable=False),
    sa.Column('original_due', sa.Date(), nullable=False),
    sa.Column('deferred_until', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=24), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['licence_id'], ['driving_licence.id'], name=op.f('fk_licence_deferral_licence_id_driving_licence')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_licence_deferral'))
    )
    with op.batch_alter_table('licence_deferral', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_licence_deferral_licence_id'), ['licence_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_licence_deferral_province_code'), ['province_code'], unique=False)

    op.create_table('obligation',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('licence_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('due', sa.Date(), nullable=False),
    sa.Column('due_source', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('reminded_on', sa.Date(), nullable=True),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['licence_id'], ['driving_licence.id'], name=op.f('fk_obligation_licence_id_driving_licence')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_obligation_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_obligation'))
    )
    with op.batch_alter_table('obligation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_obligation_licence_id'), ['licence_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_obligation_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_obligation_province_code'), ['province_code'], unique=False)
        batch_op.create_index('ix_obligation_status_due', ['status', 'due'], unique=False)

    op.create_table('violation',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('vehicle_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('licence_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('place', sa.String(length=80), nullable=False),
    sa.Column('occurred_at', jiaoguan.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('fine_yuan', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('decision_no', sa.String(length=24), nullable=True),
    sa.Column('handled_on', sa.Date(), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['licence_id'], ['driving_licence.id'], name=op.f('fk_violation_licence_id_driving_licence')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_violation_person_id_person')),
    sa.ForeignKeyConstraint(['vehicle_id'], ['vehicle.id'], name=op.f('fk_violation_vehicle_id_vehicle')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_violation')),
    sa.UniqueConstraint('decision_no', name=op.f('uq_violation_decision_no'))
    )
    with op.batch_alter_table('violation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_violation_licence_id'), ['licence_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_violation_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_violation_province_code'), ['province_code'], unique=False)
        batch_op.create_index('ix_violation_vehicle_status', ['vehicle_id', 'status'], unique=False)

    op.create_table('fine_payment',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('violation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('amount_yuan', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=16), nullable=False),
    sa.Column('reference', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', jiaoguan.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', jiaoguan.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['violation_id'], ['violation.id'], name=op.f('fk_fine_payment_violation_id_violation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fine_payment')),
    sa.UniqueConstraint('reference', name=op.f('uq_fine_payment_reference'))
    )
    with op.batch_alter_table('fine_payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fine_payment_violation_id'), ['violation_id'], unique=False)

    op.create_table('point_entry',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('licence_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('cycle_start', sa.Date(), nullable=False),
    sa.Column('delta', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=12), nullable=False),
    sa.Column('violation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('entered_on', sa.Date(), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['licence_id'], ['driving_licence.id'], name=op.f('fk_point_entry_licence_id_driving_licence')),
    sa.ForeignKeyConstraint(['violation_id'], ['violation.id'], name=op.f('fk_point_entry_violation_id_violation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_point_entry'))
    )
    with op.batch_alter_table('point_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_point_entry_licence_id'), ['licence_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('point_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_point_entry_licence_id'))

    op.drop_table('point_entry')
    with op.batch_alter_table('fine_payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fine_payment_violation_id'))

    op.drop_table('fine_payment')
    with op.batch_alter_table('violation', schema=None) as batch_op:
        batch_op.drop_index('ix_violation_vehicle_status')
        batch_op.drop_index(batch_op.f('ix_violation_province_code'))
        batch_op.drop_index(batch_op.f('ix_violation_person_id'))
        batch_op.drop_index(batch_op.f('ix_violation_licence_id'))

    op.drop_table('violation')
    with op.batch_alter_table('obligation', schema=None) as batch_op:
        batch_op.drop_index('ix_obligation_status_due')
        batch_op.drop_index(batch_op.f('ix_obligation_province_code'))
        batch_op.drop_index(batch_op.f('ix_obligation_person_id'))
        batch_op.drop_index(batch_op.f('ix_obligation_licence_id'))

    op.drop_table('obligation')
    with op.batch_alter_table('licence_deferral', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_licence_deferral_province_code'))
        batch_op.drop_index(batch_op.f('ix_licence_deferral_licence_id'))

    op.drop_table('licence_deferral')
    with op.batch_alter_table('temporary_plate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_temporary_plate_vin'))
        batch_op.drop_index(batch_op.f('ix_temporary_plate_province_code'))
        batch_op.drop_index(batch_op.f('ix_temporary_plate_person_id'))

    op.drop_table('temporary_plate')
    with op.batch_alter_table('registry_document', schema=None) as batch_op:
        batch_op.drop_index('ix_registry_document_subject')
        batch_op.drop_index(batch_op.f('ix_registry_document_province_code'))
        batch_op.drop_index(batch_op.f('ix_registry_document_person_id'))

    op.drop_table('registry_document')
    with op.batch_alter_table('driving_licence', schema=None) as batch_op:
        batch_op.drop_column('medical_due_rule')
