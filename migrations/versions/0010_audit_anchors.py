"""audit anchors: the chain heads printed on meetings' minutes, kept so a reprint shows the same one

Revision ID: 0010_audit_anchors
Revises: 0009_auth_hardening
Create Date: 2027-01-10 10:00:00

Meetings closed (and minutes approved) before this revision get the anchor they would have had:
the audit event that closed them (or approved their minutes) is the head as it stood then.
"""
import sqlalchemy as sa
from alembic import op

import govtrack.db

# revision identifiers, used by Alembic.
revision = '0010_audit_anchors'
down_revision = '0009_auth_hardening'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'audit_anchors',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.Column('at', govtrack.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('reason', sa.String(length=80), nullable=False),
        sa.Column('object_type', sa.String(length=40), nullable=False),
        sa.Column('object_id', sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_anchors')),
    )
    op.create_index('ix_audit_anchors_object', 'audit_anchors', ['object_type', 'object_id'], unique=False)
    op.execute(
        "INSERT INTO audit_anchors (seq, hash, at, reason, object_type, object_id) "
        "SELECT id, hash, at, action, object_type, object_id FROM audit_events "
        "WHERE action IN ('meeting.close', 'meeting.minutes_approve') ORDER BY id"
    )


def downgrade():
    op.drop_index('ix_audit_anchors_object', table_name='audit_anchors')
    op.drop_table('audit_anchors')
