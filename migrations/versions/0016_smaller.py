"""smaller: an index of members' names alone, word by word, for the roster's search; documents
replaced (earlier files kept) and removed (with who, when and why)

Revision ID: 0016_smaller
Revises: 0015_voters
Create Date: 2026-11-30 11:40:00

The roster finds a member by any word of the name ("Komariah" finds "Sri Komariah"), every word
typed beginning a word of the name. 0013_search's member index holds the number's words too
("K0001" would answer a search for "k"), so the names get their own index,
`search_index_member_name`, one row per member keyed by the member's id, kept by triggers on
members (insert, delete, a change of name) in the same transaction as the write, as 0013's are,
and filled here from the existing rows.

SQLite: an FTS5 table (unicode61, diacritics folded, prefix indexes of 2, 3 and 4 characters),
whose `^` reads a name's first word. PostgreSQL: a table with a stored `tsvector` ('simple',
punctuation made a space first; the first word weighted A, the others B) and a GIN index on it.
The roster reads names beginning with a word from the name index of `members`, and the index here
for the names where a later word begins with it, or for several words. Its name begins with search_index, so Alembic's comparison leaves it alone, as 0013's.
A future SQLite batch migration that rebuilds `members` drops these triggers and must create them
again.

Documents: `document_versions` keeps each earlier file of a document (the columns of a stored file,
and when and by whom it was replaced); `documents` gains removed_at, removed_by_id and
removal_reason, a reason exactly when it is removed (a CHECK). The documents table has no search
trigger, so SQLite's batch rebuild of it loses nothing.
"""
from alembic import op
import sqlalchemy as sa

import govtrack.db


# revision identifiers, used by Alembic.
revision = '0016_smaller'
down_revision = '0015_voters'
branch_labels = None
depends_on = None

INDEX = 'search_index_member_name'


def _run(sql: str) -> None:
    # Straight to the driver: text() would read the ':punct:' of a regular expression as a parameter.
    op.get_bind().exec_driver_sql(sql)


def _sqlite_upgrade():
    _run(f"CREATE VIRTUAL TABLE {INDEX} USING fts5(name, tokenize = 'unicode61 remove_diacritics 2', "
         "prefix = '2 3 4')")

    def refresh(row: str) -> str:
        return (f"DELETE FROM {INDEX} WHERE rowid = {row}.id; "
                f"INSERT INTO {INDEX}(rowid, name) SELECT id, name FROM members WHERE id = {row}.id;")

    _run(f"CREATE TRIGGER {INDEX}_ai AFTER INSERT ON members BEGIN {refresh('NEW')} END")
    _run(f"CREATE TRIGGER {INDEX}_au AFTER UPDATE OF id, name ON members BEGIN {refresh('OLD')} {refresh('NEW')} END")
    _run(f"CREATE TRIGGER {INDEX}_ad AFTER DELETE ON members BEGIN {refresh('OLD')} END")
    _run(f"INSERT INTO {INDEX}(rowid, name) SELECT id, name FROM members")


def _postgresql_upgrade():
    _run(
        f"CREATE TABLE {INDEX} ("
        " id integer PRIMARY KEY,"
        " name text NOT NULL,"
        # The first word weighs A, the others B: a search for a later word alone reads 'w:*B'.
        " document tsvector GENERATED ALWAYS AS ("
        "  setweight(to_tsvector('simple', split_part(btrim(regexp_replace(name, '[[:punct:][:space:]]+', ' ', 'g')), ' ', 1)), 'A') ||"
        "  setweight(to_tsvector('simple', substr(btrim(regexp_replace(name, '[[:punct:][:space:]]+', ' ', 'g')),"
        "   length(split_part(btrim(regexp_replace(name, '[[:punct:][:space:]]+', ' ', 'g')), ' ', 1)) + 1)), 'B')) STORED)"
    )
    _run(f"CREATE INDEX ix_{INDEX}_document ON {INDEX} USING gin (document)")
    _run(
        f"CREATE FUNCTION {INDEX}_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP IN ('UPDATE', 'DELETE') THEN DELETE FROM {INDEX} WHERE id = OLD.id; END IF; "
        f"IF TG_OP IN ('INSERT', 'UPDATE') THEN "
        f"INSERT INTO {INDEX}(id, name) VALUES (NEW.id, NEW.name); END IF; "
        f"RETURN NULL; END $$"
    )
    _run(
        f"CREATE TRIGGER {INDEX} AFTER INSERT OR DELETE OR UPDATE OF id, name ON members "
        f"FOR EACH ROW EXECUTE FUNCTION {INDEX}_changed()"
    )
    _run(f"INSERT INTO {INDEX}(id, name) SELECT id, name FROM members")


def _documents_upgrade():
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removed_at', govtrack.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('removed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('removal_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_documents_removed_by_id_users'), 'users', ['removed_by_id'], ['id'])
        batch_op.create_check_constraint(
            batch_op.f('ck_documents_removed_with_reason'), '(removed_at IS NULL) = (removal_reason IS NULL)')
    op.create_table('document_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('replaced_at', govtrack.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('replaced_by_id', sa.Integer(), nullable=True),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=100), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', govtrack.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_versions_document_id_documents')),
    sa.ForeignKeyConstraint(['replaced_by_id'], ['users.id'], name=op.f('fk_document_versions_replaced_by_id_users')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_document_versions_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_versions')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_document_versions_stored_name'))
    )
    with op.batch_alter_table('document_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_versions_document_id'), ['document_id'], unique=False)


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        _postgresql_upgrade()
    else:
        _sqlite_upgrade()
    _documents_upgrade()


def downgrade():
    with op.batch_alter_table('document_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_versions_document_id'))
    op.drop_table('document_versions')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_documents_removed_with_reason'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_documents_removed_by_id_users'), type_='foreignkey')
        batch_op.drop_column('removal_reason')
        batch_op.drop_column('removed_by_id')
        batch_op.drop_column('removed_at')
    if op.get_bind().dialect.name == 'postgresql':
        _run(f"DROP TRIGGER {INDEX} ON members")
        _run(f"DROP FUNCTION {INDEX}_changed()")
    else:
        for suffix in ('ai', 'au', 'ad'):
            _run(f"DROP TRIGGER {INDEX}_{suffix}")
    _run(f"DROP TABLE {INDEX}")
