"""data versions: a token per table that changes with its rows, to key caches

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 22:40:00

"""
import datetime as dt
import uuid

import sqlalchemy as sa
from alembic import op

import govtrack.db

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'data_versions',
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.Column('changed_at', govtrack.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_data_versions')),
    )
    # The database's own token: every cache key includes it, so two databases never share entries.
    op.bulk_insert(table, [{'name': '*', 'token': uuid.uuid4().hex, 'changed_at': dt.datetime.now(dt.UTC)}])


def downgrade():
    op.drop_table('data_versions')
