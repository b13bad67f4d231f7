"""surveys: needs surveys, their samples, responses and evidence

Revision ID: 0021_surveys
Revises: 0020_reports
Create Date: 2026-11-30 17:32:50

A survey's questions; the members drawn for it with the centre each was drawn from (the stratum);
one response per member and per client-made key (unique constraints: a batch sent twice from an
officer's phone is stored once); survey results attached as evidence to exactly one agenda item,
motion or clause (a check constraint).
"""
from alembic import op
import sqlalchemy as sa

import govtrack.db


# revision identifiers, used by Alembic.
revision = '0021_surveys'
down_revision = '0020_reports'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('surveys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=True),
    sa.Column('population_kind', sa.String(length=10), nullable=False),
    sa.Column('population', sa.JSON(), nullable=False),
    sa.Column('sample_size', sa.Integer(), nullable=True),
    sa.Column('sample_seed', sa.BigInteger(), nullable=True),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('visibility', sa.String(length=10), nullable=False),
    sa.Column('population_size', sa.Integer(), nullable=True),
    sa.Column('drawn_at', govtrack.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', govtrack.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', govtrack.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("population_kind IN ('all', 'regions', 'centres')", name=op.f('ck_surveys_population_kind')),
    sa.CheckConstraint("visibility IN ('internal', 'members', 'public')", name=op.f('ck_surveys_visibility')),
    sa.CheckConstraint('(sample_size IS NULL) = (sample_seed IS NULL)', name=op.f('ck_surveys_sample_seed')),
    sa.CheckConstraint('closes_on >= opens_on', name=op.f('ck_surveys_dates')),
    sa.CheckConstraint('sample_size IS NULL OR sample_size > 0', name=op.f('ck_surveys_sample_size')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_surveys_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_surveys'))
    )
    op.create_table('survey_members',
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_survey_members_centre_id_centres')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_survey_members_member_id_members')),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_members_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_id', 'member_id', name=op.f('pk_survey_members'))
    )
    with op.batch_alter_table('survey_members', schema=None) as batch_op:
        batch_op.create_index('ix_survey_members_centre', ['survey_id', 'centre_id'], unique=False)

    op.create_table('survey_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.CheckConstraint("kind IN ('yes_no', 'single', 'multiple', 'number', 'text')", name=op.f('ck_survey_questions_kind')),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_questions_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_questions')),
    sa.UniqueConstraint('survey_id', 'key', name=op.f('uq_survey_questions_survey_id_key')),
    sa.UniqueConstraint('survey_id', 'position', name=op.f('uq_survey_questions_survey_id_position'))
    )
    op.create_table('survey_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=True),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', govtrack.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('corrected_at', govtrack.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("channel IN ('officer', 'upload', 'portal', 'api')", name=op.f('ck_survey_responses_channel')),
    sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_survey_responses_centre_id_centres')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_survey_responses_member_id_members')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_survey_responses_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_responses_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses')),
    sa.UniqueConstraint('survey_id', 'key', name=op.f('uq_survey_responses_survey_id_key')),
    sa.UniqueConstraint('survey_id', 'member_id', name=op.f('uq_survey_responses_survey_id_member_id'))
    )
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.create_index('ix_survey_responses_centre', ['survey_id', 'centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_responses_member_id'), ['member_id'], unique=False)

    op.create_table('survey_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('question_key', sa.String(length=40), nullable=True),
    sa.Column('region', sa.String(length=120), nullable=True),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('motion_id', sa.Integer(), nullable=True),
    sa.Column('clause_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', govtrack.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(CASE WHEN agenda_item_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN motion_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN clause_id IS NULL THEN 0 ELSE 1 END) = 1', name=op.f('ck_survey_evidence_one_target')),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], name=op.f('fk_survey_evidence_agenda_item_id_agenda_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['clause_id'], ['clauses.id'], name=op.f('fk_survey_evidence_clause_id_clauses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_survey_evidence_created_by_id_users')),
    sa.ForeignKeyConstraint(['motion_id'], ['motions.id'], name=op.f('fk_survey_evidence_motion_id_motions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_evidence_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_evidence'))
    )
    with op.batch_alter_table('survey_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_evidence_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_evidence_clause_id'), ['clause_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_evidence_motion_id'), ['motion_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_evidence_survey_id'), ['survey_id'], unique=False)



def downgrade():
    with op.batch_alter_table('survey_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_evidence_survey_id'))
        batch_op.drop_index(batch_op.f('ix_survey_evidence_motion_id'))
        batch_op.drop_index(batch_op.f('ix_survey_evidence_clause_id'))
        batch_op.drop_index(batch_op.f('ix_survey_evidence_agenda_item_id'))

    op.drop_table('survey_evidence')
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_responses_member_id'))
        batch_op.drop_index('ix_survey_responses_centre')

    op.drop_table('survey_responses')
    op.drop_table('survey_questions')
    with op.batch_alter_table('survey_members', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_members_centre')

    op.drop_table('survey_members')
    op.drop_table('surveys')
