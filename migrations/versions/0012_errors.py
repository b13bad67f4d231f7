"""reversible fulfilments: a payment can be reversed (kept in the history) by a manager with a reason

Revision ID: 0012_errors
Revises: 0011_lifecycle
Create Date: 2027-01-20 10:00:00

Existing payments stay as they were: none is reversed. A reversal is stored on the payment (when, by
whom, why) and never deletes it; the occurrence's paid amount and fulfilment date are recomputed
from the payments that stand.
"""
import sqlalchemy as sa
from alembic import op

import govtrack.db

# revision identifiers, used by Alembic.
revision = '0012_errors'
down_revision = '0011_lifecycle'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('obligation_payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reversed_at', govtrack.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reversed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reversal_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_obligation_payments_reversed_by_id_users'), 'users',
                                    ['reversed_by_id'], ['id'])
        batch_op.create_check_constraint(
            batch_op.f('ck_obligation_payments_reversal'), '(reversed_at IS NULL) = (reversal_reason IS NULL)')


def downgrade():
    with op.batch_alter_table('obligation_payments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_obligation_payments_reversal'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_obligation_payments_reversed_by_id_users'), type_='foreignkey')
        batch_op.drop_column('reversal_reason')
        batch_op.drop_column('reversed_by_id')
        batch_op.drop_column('reversed_at')
