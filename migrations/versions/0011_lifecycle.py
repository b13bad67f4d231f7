"""lifecycle: meetings rescheduled or cancelled (with a reason), motions withdrawn (with a reason),
the forum's rule kept on each meeting, the chair and secretary who sign the minutes, and the
outbox of e-mail notices

Revision ID: 0011_lifecycle
Revises: 0010_audit_anchors
Create Date: 2027-01-20 10:00:00

Every existing meeting gets its forum's current rule (quorum, threshold, proxy limit) as the rule
it was decided under: before this revision a forum could not be edited, so that is the rule every
closed meeting was decided under.
"""
import sqlalchemy as sa
from alembic import op

import govtrack.db

# revision identifiers, used by Alembic.
revision = '0011_lifecycle'
down_revision = '0010_audit_anchors'
branch_labels = None
depends_on = None

THRESHOLDS = "'simple_majority', 'two_thirds', 'three_quarters', 'unanimous'"
RULE = ('quorum_numerator', 'quorum_denominator', 'quorum_strict', 'threshold', 'proxy_limit')


def upgrade():
    op.create_table(
        'notices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('recipient', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', govtrack.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('claimed_until', govtrack.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_attempt_at', govtrack.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('created_at', govtrack.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('sent_at', govtrack.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('queued', 'sent')", name=op.f('ck_notices_status')),
        sa.CheckConstraint("(status = 'sent') = (sent_at IS NOT NULL)", name=op.f('ck_notices_sent_at')),
        sa.CheckConstraint('attempts >= 0', name=op.f('ck_notices_attempts')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notices_user_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notices')),
        sa.UniqueConstraint('key', name=op.f('uq_notices_key')),
    )
    op.create_index('ix_notices_due', 'notices', ['status', 'next_attempt_at'], unique=False)
    op.create_index(op.f('ix_notices_user_id'), 'notices', ['user_id'], unique=False)

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_at', govtrack.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('cancel_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('rule_quorum_numerator', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('rule_quorum_denominator', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('rule_quorum_strict', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('rule_threshold', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('rule_proxy_limit', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('chair_member_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('secretary_member_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_meetings_chair_member_id_members'), 'members',
                                    ['chair_member_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_meetings_secretary_member_id_members'), 'members',
                                    ['secretary_member_id'], ['id'])

    # The rule every existing meeting was decided under: its forum's, which could not change yet.
    for column in RULE:
        op.execute(f"UPDATE meetings SET rule_{column} = "
                   f"(SELECT forums.{column} FROM forums WHERE forums.id = meetings.forum_id)")

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_meetings_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_meetings_status'),
                                         "status IN ('scheduled', 'open', 'closed', 'cancelled')")
        batch_op.create_check_constraint(batch_op.f('ck_meetings_cancel_reason'),
                                         "(status = 'cancelled') = (cancel_reason IS NOT NULL)")
        batch_op.create_check_constraint(
            batch_op.f('ck_meetings_rule_snapshot'),
            "status IN ('scheduled', 'cancelled') OR (rule_quorum_numerator IS NOT NULL "
            "AND rule_quorum_denominator IS NOT NULL AND rule_quorum_strict IS NOT NULL "
            "AND rule_threshold IS NOT NULL AND rule_proxy_limit IS NOT NULL)")
        batch_op.create_check_constraint(batch_op.f('ck_meetings_rule_threshold'),
                                         f"rule_threshold IS NULL OR rule_threshold IN ({THRESHOLDS})")

    with op.batch_alter_table('motions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', govtrack.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('withdraw_reason', sa.Text(), nullable=True))
        batch_op.drop_constraint(batch_op.f('ck_motions_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_motions_status'),
                                         "status IN ('open', 'closed', 'withdrawn')")
        batch_op.create_check_constraint(batch_op.f('ck_motions_withdraw_reason'),
                                         "(status = 'withdrawn') = (withdraw_reason IS NOT NULL)")
        batch_op.create_check_constraint(batch_op.f('ck_motions_withdrawn_no_outcome'),
                                         "status <> 'withdrawn' OR outcome IS NULL")


def downgrade():
    # Withdrawn motions and cancelled meetings have no earlier status to go back to.
    op.execute("DELETE FROM notices")
    with op.batch_alter_table('motions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_motions_withdrawn_no_outcome'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_motions_withdraw_reason'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_motions_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_motions_status'), "status IN ('open', 'closed')")
        batch_op.drop_column('withdraw_reason')
        batch_op.drop_column('withdrawn_at')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_meetings_rule_threshold'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_meetings_rule_snapshot'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_meetings_cancel_reason'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_meetings_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_meetings_status'), "status IN ('scheduled', 'open', 'closed')")
        batch_op.drop_constraint(batch_op.f('fk_meetings_secretary_member_id_members'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_meetings_chair_member_id_members'), type_='foreignkey')
        for column in ('secretary_member_id', 'chair_member_id', 'rule_proxy_limit', 'rule_threshold',
                       'rule_quorum_strict', 'rule_quorum_denominator', 'rule_quorum_numerator',
                       'cancel_reason', 'cancelled_at'):
            batch_op.drop_column(column)
    op.drop_index(op.f('ix_notices_user_id'), table_name='notices')
    op.drop_index('ix_notices_due', table_name='notices')
    op.drop_table('notices')
