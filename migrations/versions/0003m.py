"""members: byte-order collation for number and name on PostgreSQL

Revision ID: 0003m
Revises: 0002
Create Date: 2026-11-27 19:40:00

The roster's prefix searches (number, lower(name)) are index range scans. That is only right when
the index orders strings by bytes: SQLite's BINARY default does; PostgreSQL's database collation may
be linguistic (en_US...), so the two columns get COLLATE "C" there (their indexes are rebuilt with
it). Nothing to do on SQLite.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003m'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.alter_column('members', 'number', type_=sa.String(30, collation='C'),
                    existing_type=sa.String(30), existing_nullable=False)
    op.alter_column('members', 'name', type_=sa.String(200, collation='C'),
                    existing_type=sa.String(200), existing_nullable=False)


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.alter_column('members', 'name', type_=sa.String(200), existing_type=sa.String(200, collation='C'),
                    existing_nullable=False)
    op.alter_column('members', 'number', type_=sa.String(30), existing_type=sa.String(30, collation='C'),
                    existing_nullable=False)
