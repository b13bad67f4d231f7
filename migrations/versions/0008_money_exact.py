"""money stored exactly: integer cents on SQLite, NUMERIC(17, 2) on PostgreSQL

SQLite's NUMERIC column kept amounts as REAL (a double: 999999999999999.99 read back as 1e15, and a
typed 1e309 as infinity, which then broke every page that showed it). Amounts are now capped at 15
digits before the point and 2 after (govtrack.db.MAX_AMOUNT); SQLite keeps them as integer cents.

An amount already stored past the cap (infinite, negative or too large: only the bug let those in)
cannot be kept: it is cleared (no amount; a payment's paid total to 0) and logged with its row id.

Revision ID: 0008_money_exact
Revises: 0007
Create Date: 2027-01-10 10:00:00

"""
import logging

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008_money_exact'
down_revision = '0007'
branch_labels = None
depends_on = None

log = logging.getLogger('alembic.runtime.migration')

# (table, column, what a cleared amount becomes): NULL is "no amount"; paid_amount is NOT NULL.
COLUMNS = [
    ('agreements', 'value_amount', 'NULL'),
    ('obligations', 'amount', 'NULL'),
    ('obligation_occurrences', 'amount', 'NULL'),
    ('obligation_occurrences', 'paid_amount', '0'),
    ('obligation_payments', 'amount', 'NULL'),
]
# Past the cap, negative, NaN (PostgreSQL sorts NaN above every number; SQLite keeps no NaN) or,
# on SQLite, not a number at all (its columns take any text).
OUT_OF_RANGE = {
    'postgresql': "{c} IS NOT NULL AND ({c} >= 1000000000000000 OR {c} < 0)",
    'sqlite': "{c} IS NOT NULL AND ({c} >= 1000000000000000 OR {c} < 0 OR typeof({c}) NOT IN ('integer', 'real'))",
}
OLD = sa.Numeric(precision=18, scale=2)


def upgrade():
    bind = op.get_bind()
    dialect = bind.dialect.name
    for table, column, cleared in COLUMNS:
        where = OUT_OF_RANGE.get(dialect, OUT_OF_RANGE['postgresql']).format(c=column)
        rows = bind.execute(sa.text(f"SELECT id, {column} FROM {table} WHERE {where}")).all()
        for row_id, value in rows:
            log.warning("%s %s: amount %r is past the cap (999999999999999.99); cleared", table, row_id, value)
        if rows:
            bind.execute(sa.text(f"UPDATE {table} SET {column} = {cleared} WHERE {where}"))
        if dialect == 'sqlite':
            # Still a NUMERIC column here, which stores an integer result as an integer. An integer
            # is exact (round() would pass it through a double); a REAL was already rounded to
            # about 16 digits, and this takes the nearest cent of what was stored.
            bind.execute(sa.text(
                f"UPDATE {table} SET {column} = CASE WHEN typeof({column}) = 'integer' THEN {column} * 100 "
                f"ELSE CAST(round({column} * 100) AS INTEGER) END WHERE {column} IS NOT NULL"))
    if dialect == 'sqlite':
        new = sa.BigInteger()
    else:
        new = sa.Numeric(precision=17, scale=2)
    for table, column, cleared in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=OLD, type_=new, existing_nullable=cleared == 'NULL')


def downgrade():
    bind = op.get_bind()
    old_new = sa.BigInteger() if bind.dialect.name == 'sqlite' else sa.Numeric(precision=17, scale=2)
    for table, column, cleared in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=old_new, type_=OLD, existing_nullable=cleared == 'NULL')
        if bind.dialect.name == 'sqlite':
            bind.execute(sa.text(f"UPDATE {table} SET {column} = {column} / 100.0 WHERE {column} IS NOT NULL"))
