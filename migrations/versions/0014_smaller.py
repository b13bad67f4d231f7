"""smaller: an index of members' names alone, word by word, for the roster's search

Revision ID: 0014_smaller
Revises: 0013_search
Create Date: 2026-11-30 11:40:00

The roster finds a member by any word of the name ("Komariah" finds "Sri Komariah"), every word
typed beginning a word of the name. 0013_search's member index holds the number's words too
("K0001" would answer a search for "k"), so the names get their own index,
`search_index_member_name`, one row per member keyed by the member's id, kept by triggers on
members (insert, delete, a change of name) in the same transaction as the write, as 0013's are,
and filled here from the existing rows.

SQLite: an FTS5 table (unicode61, diacritics folded, prefix indexes of 2, 3 and 4 characters).
PostgreSQL: a table with a stored `tsvector` ('simple', punctuation made a space first) and a GIN
index on it. Its name begins with search_index, so Alembic's comparison leaves it alone, as 0013's.
A future SQLite batch migration that rebuilds `members` drops these triggers and must create them
again.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014_smaller'
down_revision = '0013_search'
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
        " document tsvector GENERATED ALWAYS AS ("
        "  to_tsvector('simple', regexp_replace(name, '[[:punct:]]+', ' ', 'g'))) STORED)"
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


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        _postgresql_upgrade()
    else:
        _sqlite_upgrade()


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        _run(f"DROP TRIGGER {INDEX} ON members")
        _run(f"DROP FUNCTION {INDEX}_changed()")
    else:
        for suffix in ('ai', 'au', 'ad'):
            _run(f"DROP TRIGGER {INDEX}_{suffix}")
    _run(f"DROP TABLE {INDEX}")
