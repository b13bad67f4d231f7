"""voters: each meeting's roll of voters, fixed when it opens (`meeting_voters`)

Revision ID: 0015_voters
Revises: 0014_registers
Create Date: 2026-11-30 11:00:00

From this revision a meeting's quorum base and who may attend and vote are read from its own roll,
written when it opens, instead of from the roster as it is now: importing members while a meeting
is open, or making a voter inactive, no longer moves its numbers.

Meetings already open or closed when this runs get a roll here. Who was on the roster when they
opened is not recorded anywhere, so the roll is the set their numbers were computed over until now:
the members the forum's rule makes voters at the moment of the upgrade (active, not investors, and
on the forum's list when it has one). Every number their pages and the API show — eligible voters,
present, the quorum needed, whether quorate — is then the same after the upgrade as before it, and
stays so from then on. Attendance is not added to the roll: an attendee who has since left the
roster (or the forum's list) was already not counted as present before the upgrade, and adding them
would move the numbers the other way. A closed motion's stored counts (`motions.eligible`,
`present`, …) are untouched either way. Scheduled and cancelled meetings get no roll: a scheduled
meeting follows the live roster until it opens.

One INSERT … SELECT for all of them, so it costs one pass over the roster per meeting at most.
The table is new (op.create_table), so no existing table is rebuilt and no search trigger of
0013_search is lost.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015_voters'
down_revision = '0014_registers'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'meeting_voters',
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_voters_meeting_id_meetings'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_meeting_voters_member_id_members')),
        sa.PrimaryKeyConstraint('meeting_id', 'member_id', name=op.f('pk_meeting_voters')),
        sqlite_with_rowid=False,
    )
    op.execute(
        "INSERT INTO meeting_voters (meeting_id, member_id) "
        "SELECT mt.id, m.id FROM meetings mt "
        "JOIN forums f ON f.id = mt.forum_id "
        "JOIN members m ON m.active = true AND m.investor = false AND (f.all_members = true OR EXISTS ("
        "SELECT 1 FROM forum_voters fv WHERE fv.forum_id = f.id AND fv.member_id = m.id)) "
        "WHERE mt.status IN ('open', 'closed')"
    )


def downgrade():
    op.drop_table('meeting_voters')
