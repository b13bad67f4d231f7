"""search: a full-text index per kind (agreements with their clauses, partners, members, decisions), and the home page's indexes

Revision ID: 0013_search
Revises: 0012_errors
Create Date: 2026-11-30 08:00:00

The header's search box reads one index per kind of object, `search_index_<kind>`, kept by
triggers in the same transaction as every write to the rows it indexes (a service, an import, a
migration or a hand-typed SQL statement alike). One row per object, keyed by the object's id:

    agreement  title: reference and title; body: summary and the text of every clause
    partner    title: name; body: legal name, registration number, region
    member     title: number and name
    decision   title: number; body: text

One index per kind, not one for all: a word common in one kind ("kerja sama" is in every
agreement's title) then costs nothing when searching another (the roster), and each kind is read
newest first and stopped after a page.

SQLite: FTS5 tables (unicode61, diacritics folded, prefix indexes of 2, 3 and 4 characters, so a
short beginning of a word is read from an index instead of merging every word it starts) whose
rowid is the object's id. PostgreSQL: tables with a stored `tsvector` (the 'simple'
configuration: no stemmer suits Indonesian; punctuation becomes a space first, so
"PKS/RP/2026-04" gives the words pks, rp, 2026 and 04 as on SQLite instead of one "file" token)
and a GIN index on it.

Each trigger calls the kind's refresh, which deletes the object's row and inserts it again from
the source table (nothing when the object is gone), so insert, update and delete are one rule; a
change to a clause refreshes its agreement. The indexes are filled from the existing rows here.

The home page reads meetings by status and time, closed meetings whose minutes wait, and agreements
by their last change: three plain indexes, so its lists stop after a few rows at any size.
"""
from alembic import op


def _run(sql: str) -> None:
    # Straight to the driver: text() would read the ':punct:' of a regular expression as a parameter.
    op.get_bind().exec_driver_sql(sql)


# revision identifiers, used by Alembic.
revision = '0013_search'
down_revision = '0012_errors'
branch_labels = None
depends_on = None

# kind: (table, title expression, body expression) over the source row `t`.
KINDS = {
    'agreement': ('agreements', "coalesce(t.reference, '') || ' ' || t.title",
                  "coalesce(t.summary, '') || ' ' || coalesce((SELECT {agg} FROM clauses c "
                  "WHERE c.agreement_id = t.id), '')"),
    'partner': ('partners', 't.name',
                "coalesce(t.legal_name, '') || ' ' || coalesce(t.registration_no, '') || ' ' "
                "|| coalesce(t.region, '')"),
    'member': ('members', "t.number || ' ' || t.name", "''"),
    'decision': ('decisions', 't.number', 't.text'),
}
# The source columns whose change refreshes the row (an UPDATE of anything else leaves it alone).
WATCHED = {
    'agreements': ('agreement', 'id', 'title, reference, summary'),
    'clauses': ('agreement', 'agreement_id', 'text, agreement_id'),
    'partners': ('partner', 'id', 'name, legal_name, registration_no, region'),
    'members': ('member', 'id', 'number, name'),
    'decisions': ('decision', 'id', 'number, text'),
}
CLAUSE_AGG = {'sqlite': "group_concat(c.text, ' ')", 'postgresql': "string_agg(c.text, ' ' ORDER BY c.number)"}


def _select(kind: str, dialect: str, where: str) -> str:
    table, title, body = KINDS[kind]
    body = body.format(agg=CLAUSE_AGG[dialect])
    return f"SELECT t.id, {title}, {body} FROM {table} t {where}"


def _sqlite_upgrade():
    for kind in KINDS:
        _run(
            f"CREATE VIRTUAL TABLE search_index_{kind} USING fts5(title, body, "
            "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4')"
        )
    for table, (kind, id_column, columns) in WATCHED.items():

        def refresh(row: str, kind=kind, id_column=id_column) -> str:
            object_id = f"{row}.{id_column}"
            return (
                f"DELETE FROM search_index_{kind} WHERE rowid = {object_id}; "
                f"INSERT INTO search_index_{kind}(rowid, title, body) "
                f"{_select(kind, 'sqlite', f'WHERE t.id = {object_id}')};"
            )

        _run(f"CREATE TRIGGER search_{table}_ai AFTER INSERT ON {table} BEGIN {refresh('NEW')} END")
        _run(
            f"CREATE TRIGGER search_{table}_au AFTER UPDATE OF {columns} ON {table} "
            f"BEGIN {refresh('OLD')} {refresh('NEW')} END"
        )
        _run(f"CREATE TRIGGER search_{table}_ad AFTER DELETE ON {table} BEGIN {refresh('OLD')} END")
    for kind in KINDS:
        _run(f"INSERT INTO search_index_{kind}(rowid, title, body) {_select(kind, 'sqlite', '')}")


def _postgresql_upgrade():
    words = "regexp_replace({}, '[[:punct:]]+', ' ', 'g')"
    for kind in KINDS:
        _run(
            f"CREATE TABLE search_index_{kind} ("
            " id integer PRIMARY KEY,"
            " title text NOT NULL,"
            " body text NOT NULL,"
            " document tsvector GENERATED ALWAYS AS ("
            f"  setweight(to_tsvector('simple', {words.format('title')}), 'A') ||"
            f"  setweight(to_tsvector('simple', {words.format('body')}), 'B')) STORED)"
        )
        _run(f"CREATE INDEX ix_search_index_{kind}_document ON search_index_{kind} USING gin (document)")
        _run(
            f"CREATE FUNCTION search_refresh_{kind}(object_id integer) RETURNS void "
            f"LANGUAGE plpgsql AS $$ BEGIN "
            f"DELETE FROM search_index_{kind} WHERE id = object_id; "
            f"INSERT INTO search_index_{kind}(id, title, body) "
            f"{_select(kind, 'postgresql', 'WHERE t.id = object_id')}; "
            f"END $$"
        )
    for table, (kind, id_column, columns) in WATCHED.items():
        _run(
            f"CREATE FUNCTION search_{table}_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM search_refresh_{kind}(OLD.{id_column}); END IF; "
            f"IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM search_refresh_{kind}(NEW.{id_column}); END IF; "
            f"RETURN NULL; END $$"
        )
        _run(
            f"CREATE TRIGGER search_{table} AFTER INSERT OR DELETE OR UPDATE OF {columns} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION search_{table}_changed()"
        )
    for kind in KINDS:
        _run(f"INSERT INTO search_index_{kind}(id, title, body) {_select(kind, 'postgresql', '')}")


HOME_INDEXES = [
    ('ix_meetings_status_starts', 'meetings', ['status', 'starts_at']),
    ('ix_meetings_minutes_waiting', 'meetings', ['minutes_status', 'status', 'starts_at']),
    ('ix_agreements_updated_at', 'agreements', ['updated_at']),
]


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        _postgresql_upgrade()
    else:
        _sqlite_upgrade()
    for name, table, columns in HOME_INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _columns in HOME_INDEXES:
        op.drop_index(name, table_name=table)
    if op.get_bind().dialect.name == 'postgresql':
        for table in WATCHED:
            _run(f"DROP TRIGGER search_{table} ON {table}")
            _run(f"DROP FUNCTION search_{table}_changed()")
        for kind in KINDS:
            _run(f"DROP FUNCTION search_refresh_{kind}(integer)")
    else:
        for table in WATCHED:
            for suffix in ('ai', 'au', 'ad'):
                _run(f"DROP TRIGGER search_{table}_{suffix}")
    for kind in KINDS:
        _run(f"DROP TABLE search_index_{kind}")
