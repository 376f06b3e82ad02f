"""business: the catalogue of businesses, applications with their steps and documents, proxies

Revision ID: 0100
Revises: 0130
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import jiaoguan.kit.db

revision: str = "0100"
down_revision: str | Sequence[str] | None = "0090"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# The open states (business.states.ACTIVE), written out: a migration does not follow later code.
_OPEN = ("status IN ('submitted', 'accepted', 'in_review', 'correction_requested', 'resubmitted', 'approved', "
         "'issued')")


def upgrade() -> None:
    op.create_table('business_type',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name_zh', sa.String(length=80), nullable=False),
    sa.Column('name_en', sa.String(length=80), nullable=False),
    sa.Column('group_code', sa.String(length=16), nullable=False),
    sa.Column('channels', sa.String(length=40), nullable=False),
    sa.Column('materials_json', sa.Text(), nullable=False),
    sa.Column('checks', sa.Text(), nullable=False),
    sa.Column('sla_working_days', sa.Integer(), nullable=False),
    sa.Column('identity_level', sa.String(length=12), nullable=False),
    sa.Column('proxy_allowed', sa.Boolean(), nullable=False),
    sa.Column('subject', sa.String(length=12), nullable=False),
    sa.Column('workflow', sa.String(length=40), nullable=False),
    sa.Column('handling', sa.String(length=12), nullable=False),
    sa.Column('provinces_json', sa.Text(), nullable=False),
    sa.Column('updated_at', jiaoguan.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_business_type')),
    sa.UniqueConstraint('number', name=op.f('uq_business_type_number'))
    )
    op.create_table('business_application',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=True),
    sa.Column('business_code', sa.String(length=40), nullable=False),
    sa.Column('definition_json', sa.Text(), nullable=False),
    sa.Column('workflow', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('channel', sa.String(length=12), nullable=False),
    sa.Column('queue_role', sa.String(length=24), nullable=False),
    sa.Column('applicant_user_id', sa.Integer(), nullable=False),
    sa.Column('applicant_person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('proxy_user_id', sa.Integer(), nullable=True),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('subject_ref', sa.String(length=40), nullable=False),
    sa.Column('licence_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('vehicle_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('plate_no', sa.String(length=12), nullable=True),
    sa.Column('answers_json', sa.Text(), nullable=False),
    sa.Column('later_materials', sa.String(length=240), nullable=False),
    sa.Column('emergency', sa.Boolean(), nullable=False),
    sa.Column('emergency_reason', sa.String(length=200), nullable=False),
    sa.Column('key_pass_no', sa.String(length=12), nullable=True),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('assignee_user_id', sa.Integer(), nullable=True),
    sa.Column('owner_locked', sa.Boolean(), nullable=False),
    sa.Column('in_person', sa.Boolean(), nullable=False),
    sa.Column('in_person_reason', sa.String(length=80), nullable=False),
    sa.Column('identity_level', sa.String(length=12), nullable=False),
    sa.Column('identity_status', sa.String(length=16), nullable=False),
    sa.Column('notice_json', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', jiaoguan.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', jiaoguan.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('accepted_on', sa.Date(), nullable=True),
    sa.Column('sla_days', sa.Integer(), nullable=False),
    sa.Column('sla_due', sa.Date(), nullable=True),
    sa.Column('clock_stops_json', sa.Text(), nullable=False),
    sa.Column('finished_at', jiaoguan.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sla_kept', sa.Boolean(), nullable=True),
    sa.Column('effect_json', sa.Text(), nullable=False),
    sa.Column('delivery_method', sa.String(length=12), nullable=False),
    sa.Column('delivery_address', sa.String(length=200), nullable=False),
    sa.Column('delivery_carrier', sa.String(length=40), nullable=False),
    sa.Column('delivery_tracking', sa.String(length=40), nullable=False),
    sa.Column('delivery_status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'accepted', 'in_review', 'correction_requested', 'resubmitted', 'approved', 'issued', 'completed', 'rejected', 'withdrawn')", name=op.f('ck_business_application_status_known')),
    sa.ForeignKeyConstraint(['applicant_person_id'], ['person.id'], name=op.f('fk_business_application_applicant_person_id_person')),
    sa.ForeignKeyConstraint(['applicant_user_id'], ['app_user.id'], name=op.f('fk_business_application_applicant_user_id_app_user')),
    sa.ForeignKeyConstraint(['assignee_user_id'], ['app_user.id'], name=op.f('fk_business_application_assignee_user_id_app_user')),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_business_application_office_id_office')),
    sa.ForeignKeyConstraint(['proxy_user_id'], ['app_user.id'], name=op.f('fk_business_application_proxy_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_business_application'))
    )
    with op.batch_alter_table('business_application', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_business_application_applicant_person_id'), ['applicant_person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_business_application_applicant_user_id'), ['applicant_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_business_application_business_code'), ['business_code'], unique=False)
        batch_op.create_index("ix_business_application_queue",
                              ["province_code", "queue_role", "priority", "sla_due", "id", "status"], unique=False,
                              postgresql_where=sa.text(f"assignee_user_id IS NULL AND {_OPEN}"),
                              sqlite_where=sa.text(f"assignee_user_id IS NULL AND {_OPEN}"))
        batch_op.create_index("ix_business_application_assigned",
                              ["assignee_user_id", "priority", "sla_due", "id", "status"], unique=False,
                              postgresql_where=sa.text(_OPEN), sqlite_where=sa.text(_OPEN))
        batch_op.create_index("ix_business_application_open",
                              ["province_code", "priority", "sla_due", "id", "status"], unique=False,
                              postgresql_where=sa.text(_OPEN), sqlite_where=sa.text(_OPEN))
        batch_op.create_index(batch_op.f('ix_business_application_plate_no'), ['plate_no'], unique=False)
        batch_op.create_index(batch_op.f('ix_business_application_proxy_user_id'), ['proxy_user_id'], unique=False)

    op.create_table('business_proxy',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('principal_user_id', sa.Integer(), nullable=False),
    sa.Column('proxy_user_id', sa.Integer(), nullable=False),
    sa.Column('relation', sa.String(length=24), nullable=False),
    sa.Column('businesses', sa.Text(), nullable=False),
    sa.Column('consent_text', sa.Text(), nullable=False),
    sa.Column('consented_at', jiaoguan.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('revoked_at', jiaoguan.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['principal_user_id'], ['app_user.id'], name=op.f('fk_business_proxy_principal_user_id_app_user')),
    sa.ForeignKeyConstraint(['proxy_user_id'], ['app_user.id'], name=op.f('fk_business_proxy_proxy_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_business_proxy'))
    )
    with op.batch_alter_table('business_proxy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_business_proxy_principal_user_id'), ['principal_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_business_proxy_proxy_user_id'), ['proxy_user_id'], unique=False)

    op.create_table('business_document',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('application_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('material_code', sa.String(length=40), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('media_type', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=120), nullable=False),
    sa.Column('uploaded_by_user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', jiaoguan.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['business_application.id'], name=op.f('fk_business_document_application_id_business_application')),
    sa.ForeignKeyConstraint(['uploaded_by_user_id'], ['app_user.id'], name=op.f('fk_business_document_uploaded_by_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_business_document'))
    )
    with op.batch_alter_table('business_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_business_document_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_business_document_sha256'), ['sha256'], unique=False)

    op.create_table('business_step',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('application_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('from_status', sa.String(length=24), nullable=False),
    sa.Column('to_status', sa.String(length=24), nullable=False),
    sa.Column('actor_user_id', sa.Integer(), nullable=True),
    sa.Column('actor_role', sa.String(length=24), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('at', jiaoguan.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['business_application.id'], name=op.f('fk_business_step_application_id_business_application')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_business_step'))
    )
    with op.batch_alter_table('business_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_business_step_application_id'), ['application_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('business_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_business_step_application_id'))

    op.drop_table('business_step')
    with op.batch_alter_table('business_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_business_document_sha256'))
        batch_op.drop_index(batch_op.f('ix_business_document_application_id'))

    op.drop_table('business_document')
    with op.batch_alter_table('business_proxy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_business_proxy_proxy_user_id'))
        batch_op.drop_index(batch_op.f('ix_business_proxy_principal_user_id'))

    op.drop_table('business_proxy')
    with op.batch_alter_table('business_application', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_business_application_proxy_user_id'))
        batch_op.drop_index(batch_op.f('ix_business_application_plate_no'))
        batch_op.drop_index("ix_business_application_queue")
        batch_op.drop_index("ix_business_application_assigned")
        batch_op.drop_index("ix_business_application_open")
        batch_op.drop_index(batch_op.f('ix_business_application_business_code'))
        batch_op.drop_index(batch_op.f('ix_business_application_applicant_user_id'))
        batch_op.drop_index(batch_op.f('ix_business_application_applicant_person_id'))

    op.drop_table('business_application')
    op.drop_table('business_type')
