"""Searching everything from the header: agreements (title, reference, summary, clause text),
partners, members (number or name) and decisions (number, text), through the database's own
full-text indexes (migration 0013_search: FTS5 on SQLite, a GIN-indexed `tsvector` on PostgreSQL;
one per kind), kept by triggers in the same transaction as every write.

Each kind's index is read newest first (by id) and stopped after a page, so a search costs one
indexed query per kind whatever the size of the tables. What a user
finds is what they may open: staff by their permissions, a member only agreements published to
them and the decisions about those; a hidden object never shows (not even as a count).

A query is reduced to its words (letters and digits; quotes, `*`, `AND`, brackets and the like are
only separators, never operators) and each word of two characters or more matches as a prefix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Integer, Select, bindparam, column, func, literal_column, select, table

from govtrack.agreements.models import Agreement
from govtrack.agreements.queries import visibility_clause
from govtrack.auth.permissions import can
from govtrack.core.paging import decode_cursor, encode_cursor
from govtrack.errors import ValidationFailed
from govtrack.extensions import db
from govtrack.forums.models import Decision
from govtrack.members.models import Member
from govtrack.partners.models import Partner
from govtrack.portal.queries import portal_clause

KINDS = ("agreement", "partner", "member", "decision")  # the groups' order, on the page and in the API

MAX_QUERY = 200  # characters read of a query; the rest is ignored
MAX_WORDS = 8
MAX_WORD = 64
DECISION_TITLE = 160
SPARSE = 500  # PostgreSQL: up to this many matches are read by id (see _read)  # characters of a decision's text shown as its title

_WORD = re.compile(r"[^\W_]+")


def include_name(name: str, type_: str, parents: dict) -> bool:
    """For Alembic: the index (and FTS5's shadow tables) is the migration's, not the models'."""
    return not (type_ == "table" and name.startswith("search_index"))


def words(q: str | None) -> list[str]:
    """The words of a query, lower case, at most MAX_WORDS of at most MAX_WORD characters."""
    found = _WORD.findall((q or "")[:MAX_QUERY].lower())
    return [w[:MAX_WORD] for w in found[:MAX_WORDS]]


@dataclass(frozen=True)
class Hit:
    """One object found: its kind, id and what to call it (the view adds where it opens)."""

    kind: str
    id: int
    title: str
    # Where a decision is recorded (the meeting page for staff, the agreement for members).
    meeting_id: int | None = None
    motion_id: int | None = None
    agreement_id: int | None = None


@dataclass
class KindPage:
    kind: str
    hits: list[Hit]
    next: str | None  # cursor of the next page of this kind


def kinds_for(user) -> tuple[str, ...]:
    """The kinds `user` may search at all."""
    out = ["agreement"]  # staff see every agreement; anyone else what is published to them
    if can(user, "partners.view"):
        out.append("partner")
    if can(user, "members.view"):
        out.append("member")
    out.append("decision")  # staff the register; members the decisions on published agreements
    return tuple(k for k in KINDS if k in out) if can(user, "portal.view") else ()


# --- the index, as each database has it ----------------------------------------------------------

def _index(kind: str, words_: list[str]):
    """(the kind's index as a FROM, its id column, the match condition) for this database."""
    name = f"search_index_{kind}"
    prefixed = [(w, len(w) >= 2) for w in words_]
    if db.session.get_bind().dialect.name == "postgresql":
        index = table(name, column("id", Integer), column("document"))
        query = " & ".join(f"{w}:*" if prefix else w for w, prefix in prefixed)
        # Written into the statement, not bound: with a parameter PostgreSQL plans for any query
        # (after a few runs, psycopg's prepared statement keeps that generic plan), and for a
        # rare word that plan walks the whole table newest first. The text is letters, digits,
        # ':*' and ' & ' only (words() keeps nothing else), so it cannot close the quotes.
        assert "'" not in query and "\\" not in query
        tsquery = func.to_tsquery(literal_column("'simple'"), literal_column(f"'{query}'"))
        return index, index.c.id, index.c.document.op("@@")(tsquery)
    # FTS5: each word a quoted string (never an operator), a prefix when followed by *.
    index = table(name, column("rowid", Integer))
    query = " ".join(f'"{w}"*' if prefix else f'"{w}"' for w, prefix in prefixed)
    return index, index.c.rowid, literal_column(name).op("MATCH")(bindparam("q", query))


def _kind_query(kind: str, user, index, key, match) -> Select:
    """The SELECT of (id, title, extra ids) for one kind, limited to what `user` may open."""
    cond = None
    if kind == "agreement":
        stmt = select(key, Agreement.reference, Agreement.title).select_from(index).join(
            Agreement, Agreement.id == key)
        cond = visibility_clause(user) if can(user, "agreements.view") else portal_clause(user)
    elif kind == "partner":
        stmt = select(key, Partner.name).select_from(index).join(Partner, Partner.id == key)
    elif kind == "member":
        stmt = select(key, Member.number, Member.name).select_from(index).join(Member, Member.id == key)
    else:
        stmt = select(key, Decision.number, func.substr(Decision.text, 1, DECISION_TITLE), Decision.meeting_id,
                      Decision.motion_id, Decision.agreement_id).select_from(index).join(Decision, Decision.id == key)
        if not can(user, "decisions.view"):
            # Members: decisions about an agreement published to them, nothing else.
            stmt = stmt.join(Agreement, Agreement.id == Decision.agreement_id)
            cond = portal_clause(user)
    stmt = stmt.where(match)
    return stmt if cond is None else stmt.where(cond)


def _hit(kind: str, row) -> Hit:
    object_id = row[0]
    if kind == "agreement":
        reference, title = row[1], row[2]
        return Hit(kind, object_id, f"{reference} — {title}" if reference else title)
    if kind == "partner":
        return Hit(kind, object_id, row[1])
    if kind == "member":
        return Hit(kind, object_id, f"{row[1]} — {row[2]}")
    number, text, meeting_id, motion_id, agreement_id = row[1:]
    text = " ".join((text or "").split())
    return Hit(kind, object_id, f"{number} — {text}" if text else number, meeting_id=meeting_id,
               motion_id=motion_id, agreement_id=agreement_id)


def _read(kind: str, user, words_: list[str], *, before: int | None, limit: int) -> tuple[list[Hit], bool]:
    index, key, match = _index(kind, words_)
    stmt = _kind_query(kind, user, index, key, match)
    if before is not None:
        stmt = stmt.where(key < before)
    order = key
    if db.session.get_bind().dialect.name == "postgresql":
        # PostgreSQL guesses how many rows a word matches; when the guess is high and the truth is
        # few (a rare word, a number) it walks the whole table newest first looking for them
        # (145 ms on 280,000 members). So ask the GIN index first, up to SPARSE ids: fewer means
        # these are all the matches, read by id; SPARSE means they are many, and reading newest
        # first stops after a page.
        ids = list(db.session.scalars(select(key).select_from(index).where(match).limit(SPARSE + 1)))
        if len(ids) <= SPARSE:
            stmt = stmt.where(key.in_(ids))
            order = key + 0
    rows = db.session.execute(stmt.order_by(order.desc()).limit(limit + 1)).all()
    return [_hit(kind, r) for r in rows[:limit]], len(rows) > limit


def _cursor(raw: str | None) -> tuple[str, int] | None:
    after = decode_cursor(raw)
    if after is None:
        return None
    if (len(after) != 2 or after[0] not in KINDS or not isinstance(after[1], int)
            or isinstance(after[1], bool)):
        raise ValidationFailed("Bad cursor.", fields={"cursor": ["Not a valid cursor."]})
    return after[0], after[1]


def check_kind(kind: str | None) -> str | None:
    if kind in (None, ""):
        return None
    if kind not in KINDS:
        raise ValidationFailed("Unknown kind.", fields={"kind": [f"One of {', '.join(KINDS)}."]})
    return kind


def search(*, user, q: str | None, kind: str | None = None, cursor: str | None = None,
           limit: int = 50) -> tuple[list[Hit], str | None]:
    """One page of what `user` finds for `q`: of one kind, or of every kind in KINDS order (the
    cursor says where the last page stopped). At most one query per kind."""
    kind = check_kind(kind)
    after = _cursor(cursor)
    words_ = words(q)
    allowed = kinds_for(user)
    wanted = [kind] if kind else list(KINDS)
    if after is not None:
        wanted = wanted[wanted.index(after[0]):] if after[0] in wanted else []
    hits: list[Hit] = []
    if not words_:
        return hits, None
    for k in wanted:
        if k not in allowed:
            continue
        before = after[1] if after is not None and after[0] == k else None
        found, more = _read(k, user, words_, before=before, limit=limit - len(hits))
        hits.extend(found)
        if len(hits) >= limit:
            last = hits[-1]
            later = more or any(x in allowed for x in wanted[wanted.index(k) + 1:])
            return hits, encode_cursor([last.kind, last.id]) if later else None
    return hits, None


def search_groups(*, user, q: str | None, per_kind: int = 10) -> list[KindPage]:
    """The search page: the first `per_kind` hits of each kind `user` may search, with a cursor for
    the rest of each (one query per kind)."""
    words_ = words(q)
    if not words_:
        return []
    out = []
    for k in kinds_for(user):
        hits, more = _read(k, user, words_, before=None, limit=per_kind)
        out.append(KindPage(k, hits, encode_cursor([k, hits[-1].id]) if more and hits else None))
    return out

