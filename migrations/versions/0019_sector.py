"""sector: what an agreement finances, as an OECD DAC purpose code of water and sanitation

Revision ID: 0019_sector
Revises: 0018_results
Create Date: 2026-11-30 15:30:00

`agreements.sector` (14030 drinking water and sanitation, 14031 drinking water, 14032 sanitation;
NULL: not said), exported as the agreement's IATI `sector`. A plain ADD COLUMN on both databases:
SQLite does not rebuild `agreements`, so its search triggers (0013_search) are untouched. The
allowed codes are checked by the agreements service (a CHECK would need that rebuild on SQLite).
"""
from alembic import op
import sqlalchemy as sa

revision = "0019_sector"
down_revision = "0018_results"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("agreements", sa.Column("sector", sa.String(5), nullable=True))


def downgrade() -> None:
    # Not a batch operation: SQLite (3.35 and later) drops a column in place, keeping the triggers.
    op.execute("ALTER TABLE agreements DROP COLUMN sector")
