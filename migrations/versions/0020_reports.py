"""reports: the manager's narrative of a funder's report, one per agreement and period

Revision ID: 0020_reports
Revises: 0019_sector
Create Date: 2026-11-30 15:00:00

Everything else a funder's report shows is read from the records it reports on when it is read;
only the narrative the manager writes for an agreement and a period is kept (`report_narratives`).
"""
from alembic import op
import sqlalchemy as sa

import govtrack.db

revision = "0020_reports"
down_revision = "0019_sector"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_narratives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", govtrack.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("period_end >= period_start", name=op.f("ck_report_narratives_period")),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreements.id"],
                                name=op.f("fk_report_narratives_agreement_id_agreements"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], name=op.f("fk_report_narratives_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_narratives")),
        sa.UniqueConstraint("agreement_id", "period_start", "period_end",
                            name=op.f("uq_report_narratives_agreement_id_period_start_period_end")),
    )
    op.create_index(op.f("ix_report_narratives_agreement_id"), "report_narratives", ["agreement_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_report_narratives_agreement_id"), table_name="report_narratives")
    op.drop_table("report_narratives")
