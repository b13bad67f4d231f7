"""centres: the rembug pusat as records (`centres`), each member's centre (`members.centre_id`), the
field officer's role

Revision ID: 0017_centres
Revises: 0016_smaller
Create Date: 2026-11-30 14:20:00

Until now a member's rembug pusat was free text, `members.group_name`. Each distinct group becomes a
centre here; spellings that are the same after trimming, collapsing spaces and folding case are one
centre ("Rembug  melati" and "Rembug Melati"). The centre takes the spelling most members wrote (the
first in byte order on a tie), every member of it gets `centre_id` and that name in `group_name`
(which stays as a copy of the centre's name, kept by the members services, for the pages that
group voters by it). Codes are given in the order of the folded names, `RP-00001`, `RP-00002`, …, so
the same roster always gets the same codes. Region, chair and officer are empty until someone sets
them. A member with no group (or only spaces) gets no centre.

What was merged is logged here (logger `alembic.runtime.migration`, one line per centre made from
more than one spelling) and kept in `centre_origins` (each spelling, its centre, how many members
wrote it): `flask centres merged` prints it.

`members.centre_id` is added with ALTER TABLE ADD COLUMN on both databases, so `members` is not
rebuilt and the search triggers of 0013_search and 0016_smaller stay. The downgrade must rebuild it
on SQLite (a column with a foreign key cannot be dropped there) and creates those triggers again.

Positions: `centre_positions` holds what each centre said about each clause of an agreement under
deliberation (support / amend with a text / oppose, the meeting's date, members present, a note),
in one deliberation of the agreement: `agreements.deliberation` counts how many times it was put
under deliberation (added with ADD COLUMN, no rebuild; 1 here for every agreement past draft). A
later position supersedes the earlier (`superseded_at`); a partial unique index keeps one current
position per clause, centre and deliberation.

`users.role` may now be `officer` (a field officer, petugas lapangan): its CHECK is replaced
(`users` has no search trigger, so SQLite's batch rebuild of it loses nothing).
"""
import logging
from collections import Counter, defaultdict

import sqlalchemy as sa
from alembic import op

import govtrack.db

# revision identifiers, used by Alembic.
revision = '0017_centres'
down_revision = '0016_smaller'
branch_labels = None
depends_on = None

log = logging.getLogger('alembic.runtime.migration')
ROLES_BEFORE = "role IN ('admin', 'board', 'manager', 'member')"
ROLES_AFTER = "role IN ('admin', 'board', 'manager', 'member', 'officer')"


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _code_type() -> sa.String:
    return sa.String(length=30).with_variant(sa.String(length=30, collation='C'), 'postgresql')


def _create_tables():
    op.create_table(
        'centres',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', _code_type(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('name_key', sa.String(length=120), nullable=False),
        sa.Column('region', sa.String(length=120), nullable=True),
        sa.Column('chair_member_id', sa.Integer(), nullable=True),
        sa.Column('officer_id', sa.Integer(), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', govtrack.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', govtrack.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['chair_member_id'], ['members.id'], name=op.f('fk_centres_chair_member_id_members')),
        sa.ForeignKeyConstraint(['officer_id'], ['users.id'], name=op.f('fk_centres_officer_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_centres')),
        sa.UniqueConstraint('code', name=op.f('uq_centres_code')),
        sa.UniqueConstraint('name_key', name=op.f('uq_centres_name_key')),
    )
    with op.batch_alter_table('centres', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_centres_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_centres_chair_member_id'), ['chair_member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_centres_officer_id'), ['officer_id'], unique=False)
    op.create_table(
        'centre_origins',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('centre_id', sa.Integer(), nullable=False),
        sa.Column('group_name', sa.String(length=120), nullable=False),
        sa.Column('members', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_centre_origins_centre_id_centres')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_centre_origins')),
    )
    with op.batch_alter_table('centre_origins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_centre_origins_centre_id'), ['centre_id'], unique=False)


def _add_member_column():
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        # ALTER TABLE ADD COLUMN, not a batch rebuild: the table keeps its search triggers. SQLite
        # accepts a named REFERENCES on an added column whose default is NULL.
        bind.exec_driver_sql(
            "ALTER TABLE members ADD COLUMN centre_id INTEGER "
            "CONSTRAINT fk_members_centre_id_centres REFERENCES centres (id)")
    else:
        op.add_column('members', sa.Column('centre_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_members_centre_id_centres'), 'members', 'centres', ['centre_id'], ['id'])
    op.create_index('ix_members_centre_name', 'members', ['centre_id', 'name'], unique=False)


def _migrate_groups():
    """One centre per group name (folded), members pointed at it, what was merged logged and kept."""
    bind = op.get_bind()
    spellings = bind.execute(sa.text(
        "SELECT group_name, count(*) FROM members WHERE group_name IS NOT NULL GROUP BY group_name")).all()
    by_key: dict[str, Counter] = defaultdict(Counter)
    for spelling, count in spellings:
        key = _key(spelling)
        if key:
            by_key[key][spelling] += count
    if not by_key:
        return
    centres = sa.table('centres', sa.column('id', sa.Integer), sa.column('code'), sa.column('name'),
                       sa.column('name_key'), sa.column('active', sa.Boolean),
                       sa.column('created_at', govtrack.db.UTCDateTime(timezone=True)),
                       sa.column('updated_at', govtrack.db.UTCDateTime(timezone=True)))
    origins = sa.table('centre_origins', sa.column('centre_id', sa.Integer), sa.column('group_name'),
                       sa.column('members', sa.Integer))
    now = sa.func.current_timestamp()
    rows, names = [], {}
    for n, key in enumerate(sorted(by_key), 1):
        counts = by_key[key]
        # The spelling most members wrote, spaces collapsed; the first in byte order on a tie.
        best = min(counts, key=lambda s: (-counts[s], s))
        names[key] = " ".join(best.split())
        rows.append({'id': n, 'code': f"RP-{n:05d}", 'name': names[key], 'name_key': key, 'active': True})
    bind.execute(centres.insert().values(created_at=now, updated_at=now), rows)
    ids = {r['name_key']: r['id'] for r in rows}
    codes = {r['name_key']: r['code'] for r in rows}
    if bind.dialect.name == 'postgresql':
        # Rows given their ids here: the sequence must continue after them.
        bind.exec_driver_sql("SELECT setval(pg_get_serial_sequence('centres', 'id'), (SELECT max(id) FROM centres))")
    bind.execute(origins.insert(), [
        {'centre_id': ids[key], 'group_name': spelling, 'members': count}
        for key, counts in by_key.items() for spelling, count in counts.items()])
    bind.execute(
        sa.text("UPDATE members SET centre_id = :centre_id, group_name = :name WHERE group_name = :spelling"),
        [{'centre_id': ids[key], 'name': names[key], 'spelling': spelling}
         for key, counts in by_key.items() for spelling in counts])
    merged = 0
    for key, counts in sorted(by_key.items()):
        if len(counts) > 1:
            merged += 1
            log.info("centre %s %r merged from %s", codes[key], names[key],
                     ", ".join(f"{s!r} ({c})" for s, c in sorted(counts.items())))
    log.info("%d centres made from the roster's groups; %d of them merged from several spellings "
             "(flask centres merged lists them)", len(rows), merged)


def _positions():
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        bind.exec_driver_sql("ALTER TABLE agreements ADD COLUMN deliberation INTEGER DEFAULT '0' NOT NULL")
    else:
        op.add_column('agreements', sa.Column('deliberation', sa.Integer(), server_default='0', nullable=False))
    bind.execute(sa.text("UPDATE agreements SET deliberation = 1 WHERE status <> 'draft'"))
    op.create_table(
        'centre_positions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agreement_id', sa.Integer(), nullable=False),
        sa.Column('deliberation', sa.Integer(), nullable=False),
        sa.Column('clause_id', sa.Integer(), nullable=False),
        sa.Column('centre_id', sa.Integer(), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('members_present', sa.Integer(), nullable=False),
        sa.Column('position', sa.String(length=10), nullable=False),
        sa.Column('text', sa.Text(), nullable=True),
        sa.Column('text_key', sa.String(length=64), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', govtrack.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('superseded_at', govtrack.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("(position = 'amend') = (text IS NOT NULL)", name=op.f('ck_centre_positions_amend_text')),
        sa.CheckConstraint('deliberation >= 0', name=op.f('ck_centre_positions_deliberation')),
        sa.CheckConstraint('members_present >= 0', name=op.f('ck_centre_positions_members_present')),
        sa.CheckConstraint("position IN ('support', 'amend', 'oppose')", name=op.f('ck_centre_positions_position')),
        sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_centre_positions_agreement_id_agreements'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_centre_positions_centre_id_centres')),
        sa.ForeignKeyConstraint(['clause_id'], ['clauses.id'], name=op.f('fk_centre_positions_clause_id_clauses'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_centre_positions_recorded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_centre_positions')),
    )
    current = sa.text('superseded_at IS NULL')
    op.create_index('uq_centre_positions_current', 'centre_positions', ['clause_id', 'centre_id', 'deliberation'],
                    unique=True, sqlite_where=current, postgresql_where=current)
    op.create_index('ix_centre_positions_rollup', 'centre_positions',
                    ['agreement_id', 'deliberation', 'clause_id', 'position', 'text_key', 'members_present'],
                    sqlite_where=current, postgresql_where=current)
    op.create_index('ix_centre_positions_centre', 'centre_positions', ['centre_id', 'agreement_id'])


def upgrade():
    _create_tables()
    _add_member_column()
    _migrate_groups()
    _positions()
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_users_role'), ROLES_AFTER)


# The SQLite triggers on members of 0013_search and 0016_smaller, created again after the
# downgrade's rebuild of the table.
def _sqlite_member_triggers():
    run = op.get_bind().exec_driver_sql

    def search(row: str) -> str:
        return (f"DELETE FROM search_index_member WHERE rowid = {row}.id; "
                f"INSERT INTO search_index_member(rowid, title, body) "
                f"SELECT t.id, t.number || ' ' || t.name, '' FROM members t WHERE t.id = {row}.id;")

    def names(row: str) -> str:
        return (f"DELETE FROM search_index_member_name WHERE rowid = {row}.id; "
                f"INSERT INTO search_index_member_name(rowid, name) SELECT id, name FROM members WHERE id = {row}.id;")

    run(f"CREATE TRIGGER search_members_ai AFTER INSERT ON members BEGIN {search('NEW')} END")
    run(f"CREATE TRIGGER search_members_au AFTER UPDATE OF number, name ON members "
        f"BEGIN {search('OLD')} {search('NEW')} END")
    run(f"CREATE TRIGGER search_members_ad AFTER DELETE ON members BEGIN {search('OLD')} END")
    run(f"CREATE TRIGGER search_index_member_name_ai AFTER INSERT ON members BEGIN {names('NEW')} END")
    run(f"CREATE TRIGGER search_index_member_name_au AFTER UPDATE OF id, name ON members "
        f"BEGIN {names('OLD')} {names('NEW')} END")
    run(f"CREATE TRIGGER search_index_member_name_ad AFTER DELETE ON members BEGIN {names('OLD')} END")


def downgrade():
    bind = op.get_bind()
    op.drop_index('ix_centre_positions_centre', table_name='centre_positions')
    op.drop_index('ix_centre_positions_rollup', table_name='centre_positions')
    op.drop_index('uq_centre_positions_current', table_name='centre_positions')
    op.drop_table('centre_positions')
    # a plain column: dropped in place on both (SQLite 3.35+), so agreements keeps its search triggers
    bind.exec_driver_sql("ALTER TABLE agreements DROP COLUMN deliberation")
    # A field officer's login stays (the audit log names it), as a member's without access.
    bind.execute(sa.text("UPDATE users SET role = 'member', active = false WHERE role = 'officer'"))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_users_role'), ROLES_BEFORE)
    op.drop_index('ix_members_centre_name', table_name='members')
    if bind.dialect.name == 'sqlite':
        with op.batch_alter_table('members', schema=None) as batch_op:
            batch_op.drop_column('centre_id')
        _sqlite_member_triggers()
    else:
        op.drop_constraint(op.f('fk_members_centre_id_centres'), 'members', type_='foreignkey')
        op.drop_column('members', 'centre_id')
    with op.batch_alter_table('centre_origins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_centre_origins_centre_id'))
    op.drop_table('centre_origins')
    with op.batch_alter_table('centres', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_centres_officer_id'))
        batch_op.drop_index(batch_op.f('ix_centres_chair_member_id'))
        batch_op.drop_index(batch_op.f('ix_centres_region'))
    op.drop_table('centres')
