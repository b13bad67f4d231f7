"""registers: indexes for the auditor's view of the audit log (by action, by time, by user and time)

Revision ID: 0014_registers
Revises: 0013_search
Create Date: 2027-02-01 10:00:00

The audit page lists events newest first (by sequence number) filtered by action (the sign-in
history is a handful of actions), and by a date range: with (action, id) the first is a walk of one
index in order, and `at` lets the second start at its first day rather than at the newest event;
(actor_id, at) serves one user's events within some days (without it SQLite walks that user's
events from the newest back to the range: 24 ms instead of 3 ms for a month two years back at L).
Indexes only: no table is rebuilt (the search triggers of 0013 stay as they are).
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014_registers'
down_revision = '0013_search'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_audit_events_action', 'audit_events', ['action', 'id'], unique=False)
    op.create_index('ix_audit_events_at', 'audit_events', ['at'], unique=False)
    op.create_index('ix_audit_events_actor_at', 'audit_events', ['actor_id', 'at'], unique=False)


def downgrade():
    op.drop_index('ix_audit_events_actor_at', table_name='audit_events')
    op.drop_index('ix_audit_events_at', table_name='audit_events')
    op.drop_index('ix_audit_events_action', table_name='audit_events')
