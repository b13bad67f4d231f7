"""members: byte-order collation and a trigram index for searches on PostgreSQL

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 19:40:00

The roster's prefix searches (number, lower(name)) are index range scans. That is only right when
the index orders strings by bytes: SQLite's BINARY default does; PostgreSQL's database collation may
be linguistic (en_US...), so the two columns get COLLATE "C" there (their indexes are rebuilt with
it), and a trigram (pg_trgm) GIN index on lower(name) serves "name contains" searches. Nothing to
do on SQLite, whose full scan of the lower(name) index is fast enough at this size.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.alter_column('members', 'number', type_=sa.String(30, collation='C'),
                    existing_type=sa.String(30), existing_nullable=False)
    op.alter_column('members', 'name', type_=sa.String(200, collation='C'),
                    existing_type=sa.String(200), existing_nullable=False)
    # "Name contains" searches: a trigram index (pg_trgm is a trusted extension since PostgreSQL 13).
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    op.create_index('ix_members_name_trgm', 'members', [sa.text('lower(name) gin_trgm_ops')],
                    unique=False, postgresql_using='gin')


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index('ix_members_name_trgm', table_name='members', postgresql_using='gin')
    op.alter_column('members', 'name', type_=sa.String(200), existing_type=sa.String(200, collation='C'),
                    existing_nullable=False)
    op.alter_column('members', 'number', type_=sa.String(30), existing_type=sa.String(30, collation='C'),
                    existing_nullable=False)
