"""Reading the member roster: searches that stay index-backed at 280,000 members.

Every list is keyset-paginated on an order an index already holds, so a page costs the same on
the last page as on the first, and no page counts the whole table:

- no search: by number (the unique index);
- a number (or its beginning): a range on number, by number;
- a name: every word typed must begin a word of the name ("komariah" finds "Sri Komariah", "sri kom"
  too), by name. One word: the names it begins are a range on lower(name), read in order up to a
  page; the names where a later word begins with it come from the index of names of migration
  0016_smaller (FTS5 on SQLite, a tsvector on PostgreSQL: words are letters and digits), read whole
  and sorted when they are few, or (SQLite, past DENSE of them) found by walking the name index in
  order, where they are spread; the two are merged. Several words: every match from the index,
  sorted. At 280,000 a common first name costs about 2 ms, a surname shared by 14,000 members
  about 5 ms. One letter alone is only the range (the names that begin with it);
- `contains` (the API's, and old links): any part of the name, walking the lower(name) index in
  order and stopping after one page;
- a group: the (group_name, name) index, by name (a group is small; a search narrows it further).

Ranges are exact prefix matches because number and name compare byte by byte (SQLite's BINARY;
COLLATE "C" on PostgreSQL, migration 0005). lower() then folds only ASCII letters on both, and
so does `fold` below.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Integer, and_, bindparam, column, func, literal_column, or_, select, table
from sqlalchemy.orm import joinedload, selectinload

from govtrack.auth.models import User
from govtrack.core.paging import Page, decode_cursor, encode_cursor, keyset_page
from govtrack.errors import ValidationFailed
from govtrack.extensions import db
from govtrack.members.models import Centre, CentreOrigin, Member, MemberInterest, centre_key
from govtrack.members.services import NUMBER_MAX, NUMBER_RE

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
LNAME = func.lower(Member.name)


def lower_ascii(text: str) -> str:
    """Lower-case ASCII letters only, as SQL lower() does on byte-order text."""
    return text.translate(_ASCII_LOWER)


def fold(text: str) -> str:
    """A search text as lower(name) holds names: spaces collapsed, ASCII letters lowered."""
    return lower_ascii(" ".join(text.split()))


_WORD = re.compile(r"[^\W_]+")
MAX_WORDS = 8


def name_words(q: str) -> list[str]:
    """The words of a name search (letters and digits), lowered as lower(name) lowers names."""
    return [w[:64] for w in _WORD.findall(fold(q))[:MAX_WORDS]]


def _name_matches(words: list[str], *, later_only: bool = False):
    """The ids of the members with, for each of `words`, a word of the name beginning with it
    (migration 0016_smaller's index of names). `later_only` (one word): only where a later word
    of the name begins with it, not the first (the first is a range on lower(name))."""
    if db.session.get_bind().dialect.name == "postgresql":
        index = table("search_index_member_name", column("id", Integer), column("document"))
        # The first word of a name is indexed with weight A, the others with B (0016_smaller).
        query = f"{words[0]}:*B" if later_only else " & ".join(f"{w}:*" for w in words)
        # Written into the statement, as govtrack.search does (with a parameter PostgreSQL may keep
        # a generic plan); the words are letters and digits only, so they cannot close the quotes.
        assert "'" not in query and "\\" not in query
        tsquery = func.to_tsquery(literal_column("'simple'"), literal_column(f"'{query}'"))
        return select(index.c.id).where(index.c.document.op("@@")(tsquery))
    index = table("search_index_member_name", column("rowid", Integer))
    # Each word quoted, never an FTS5 operator; ^ is "the column's first word".
    query = f'"{words[0]}"* NOT ^"{words[0]}"*' if later_only else " ".join(f'"{w}"*' for w in words)
    return select(index.c.rowid).where(literal_column("search_index_member_name").op("MATCH")(bindparam("q", query)))


# Past this many names with a later word beginning with the word typed, reading them all to sort
# them costs more than walking the name index in order until a page of them is found (they are
# spread through it: a later word has nothing to do with where a name sorts).
DENSE = 2000


def _later_words(later_ids):
    """The condition for the names where a later word begins with the word. Up to DENSE of them,
    their ids are read first (one query) and the statement looks them up and sorts them: neither
    planner can estimate a prefix match (PostgreSQL guessed 5,600 of 280,000 where there were none,
    and walked the whole name index in order looking for them: 620 ms). More, and they are dense
    enough that walking the name index in order finds a page of them soon (on SQLite `+ 0` keeps it
    from looking each of them up and sorting them all instead)."""
    ids = list(db.session.scalars(later_ids.limit(DENSE + 1)))
    if len(ids) <= DENSE:
        return Member.id.in_(ids)
    if db.session.get_bind().dialect.name == "sqlite":
        return (Member.id + 0).in_(later_ids.scalar_subquery())
    return Member.id.in_(later_ids.scalar_subquery())


def looks_like_number(q: str) -> bool:
    """A member number or its beginning: no spaces, a digit somewhere, the number alphabet."""
    q = q.strip().upper()
    return 0 < len(q) <= NUMBER_MAX and bool(NUMBER_RE.match(q)) and any(ch.isdigit() for ch in q)


def _starts_with(column, prefix: str):
    """`column` starts with `prefix`, as an index range [prefix, prefix with its last char + 1)."""
    last = ord(prefix[-1])
    if last >= 0xD7FF:  # no simple successor; rare enough to pay for a LIKE
        return column.like(_escape_like(prefix) + "%", escape="\\")
    return and_(column >= prefix, column < prefix[:-1] + chr(last + 1))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class _Order:
    keys: tuple  # SQL expressions, the last one unique
    types: tuple  # Python types of the cursor values


_BY_NUMBER = _Order((Member.number,), (str,))
_BY_NAME = _Order((LNAME, Member.id), (str, int))
_BY_GROUP = _Order((Member.name, Member.id), (str, int))


def _after(order: _Order, cursor: str | None):
    values = decode_cursor(cursor)
    if values is None:
        return None
    bad = ValidationFailed("Bad cursor.", fields={"cursor": ["Not a valid cursor."]})
    if len(values) != len(order.keys) or not all(
        isinstance(v, t) and not isinstance(v, bool) for v, t in zip(values, order.types, strict=True)
    ):
        raise bad
    if len(values) == 1:
        return order.keys[0] > values[0]
    (k1, k2), (v1, v2) = order.keys, values
    # Written so the index range starts at v1: (k1 >= v1) and then the tie-break.
    return and_(k1 >= v1, or_(k1 > v1, k2 > v2))


def member_page(
    *,
    q: str | None = None,
    group: str | None = None,
    active: bool | None = None,
    investor: bool | None = None,
    contains: bool = False,
    cursor: str | None = None,
    limit: int = 50,
    centre_id: int | None = None,
) -> Page:
    """One page of the roster matching the search (see the module docstring for the orders);
    `centre_id` is a centre's members by name (its (centre_id, name) index), as `group` is."""
    stmt = select(Member)
    later = None  # a second statement whose rows merge with stmt's (a one-word name search)
    q = (q or "").strip()
    group = " ".join((group or "").split())
    order = _BY_NUMBER
    if centre_id is not None:
        stmt = stmt.where(Member.centre_id == centre_id)
        order = _BY_GROUP
    elif group:
        stmt = stmt.where(Member.group_name == group)
        order = _BY_GROUP
    scoped = order is _BY_GROUP  # a group or centre is small: searched within, by name
    if q:
        if looks_like_number(q):
            stmt = stmt.where(_starts_with(Member.number, q.upper()))
        else:
            needle, words = fold(q), name_words(q)
            if contains:
                stmt = stmt.where(LNAME.like("%" + _escape_like(needle) + "%", escape="\\"))
            elif len(needle) == 1 or not words:
                stmt = stmt.where(_starts_with(LNAME, needle))
            elif len(words) == 1 and not scoped:
                # One word: the names it begins (a range of the name index, as many as a page
                # needs) and, apart, the names where a later word begins with it (the index of
                # names, usually far fewer: a first name is rarely a second one). Each is read
                # in order up to a page, and the two are merged below.
                later_ids = _name_matches(words, later_only=True)
                later = stmt.where(_later_words(later_ids))
                stmt = stmt.where(_starts_with(LNAME, words[0]))
            else:
                stmt = stmt.where(Member.id.in_(_name_matches(words).scalar_subquery()))
            if not scoped:
                order = _BY_NAME
    statements = [stmt] if later is None else [stmt, later]
    for condition in (
        Member.active.is_(active) if active is not None else None,
        Member.investor.is_(investor) if investor is not None else None,
        _after(order, cursor),
    ):
        if condition is not None:
            statements = [statement.where(condition) for statement in statements]
    rows = []
    for statement in statements:
        rows += db.session.scalars(statement.order_by(*order.keys).limit(limit + 1))
    if later is not None:  # the same order as lower(name), id in SQL: byte order of ASCII-lowered names
        rows.sort(key=lambda m: (lower_ascii(m.name), m.id))
        rows = rows[:limit + 1]
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        if order is _BY_NUMBER:
            next_cursor = encode_cursor([last.number])
        elif order is _BY_NAME:
            next_cursor = encode_cursor([lower_ascii(last.name), last.id])
        else:
            next_cursor = encode_cursor([last.name, last.id])
    return Page(rows, next_cursor)


def group_size(group: str) -> int:
    """How many members a rembug group has (an index range, not the whole table)."""
    return db.session.scalar(select(func.count()).where(Member.group_name == group)) or 0


def get_member(member_id: int) -> Member | None:
    return db.session.get(Member, member_id)


def load_member(member_id: int) -> Member | None:
    """One member with their declared interests and the partners named in them."""
    return db.session.scalar(
        select(Member)
        .where(Member.id == member_id)
        .options(selectinload(Member.interests).joinedload(MemberInterest.partner))
    )


def linked_users(member_ids: Iterable[int]) -> dict[int, User]:
    """The login linked to each of these members (one query for a whole page)."""
    ids = list(member_ids)
    if not ids:
        return {}
    return {u.member_id: u for u in db.session.scalars(select(User).where(User.member_id.in_(ids)))}


def linkable_users(member: Member) -> list[User]:
    """Active logins not yet linked to any member, for the link form (logins are few)."""
    return list(
        db.session.scalars(
            select(User).where(User.member_id.is_(None), User.active.is_(True)).order_by(User.name, User.id)
        )
    )


def interest_page(member_id: int, *, cursor: str | None = None, limit: int = 50) -> Page:
    """A member's declared interests, oldest first, with their partners."""
    stmt = (
        select(MemberInterest)
        .where(MemberInterest.member_id == member_id)
        .options(joinedload(MemberInterest.partner))
    )
    return keyset_page(stmt, id_column=MemberInterest.id, cursor=cursor, limit=limit)


def get_interest(member_id: int, interest_id: int) -> MemberInterest | None:
    return db.session.scalar(
        select(MemberInterest).where(MemberInterest.id == interest_id, MemberInterest.member_id == member_id)
    )


def get_interest_with_partner(member_id: int, interest_id: int) -> MemberInterest | None:
    return db.session.scalar(
        select(MemberInterest)
        .where(MemberInterest.id == interest_id, MemberInterest.member_id == member_id)
        .options(joinedload(MemberInterest.partner))
    )


# ---------------------------------------------------------------------------------------------
# Centres (rembug pusat): some 11,000 of them, so a search reads them in name order, a page at a time.


def get_centre(centre_id: int) -> Centre | None:
    return db.session.get(Centre, centre_id)


def load_centre(centre_id: int) -> Centre | None:
    """One centre with its chair and field officer."""
    return db.session.scalar(
        select(Centre).where(Centre.id == centre_id).options(joinedload(Centre.chair), joinedload(Centre.officer))
    )


def centre_by_code(code: str) -> Centre | None:
    return db.session.scalar(select(Centre).where(Centre.code == code.strip().upper()))


_BY_CENTRE_NAME = _Order((Centre.name_key, Centre.id), (str, int))


def centre_page(*, q: str | None = None, region: str | None = None, active: bool | None = None,
                officer_id: int | None = None, cursor: str | None = None, limit: int = 50) -> Page:
    """Centres by name: `q` is the beginning of a code or any part of the name (folded as names
    are for uniqueness), `region` exact; with chair and officer loaded."""
    stmt = select(Centre).options(joinedload(Centre.chair), joinedload(Centre.officer))
    q = " ".join((q or "").split())
    if q:
        key = centre_key(q)
        stmt = stmt.where(or_(_starts_with(Centre.code, q.upper()),
                              Centre.name_key.like("%" + _escape_like(key) + "%", escape="\\")))
    if region:
        stmt = stmt.where(Centre.region == " ".join(region.split()))
    if active is not None:
        stmt = stmt.where(Centre.active.is_(active))
    if officer_id is not None:
        stmt = stmt.where(Centre.officer_id == officer_id)
    after = _after(_BY_CENTRE_NAME, cursor)
    if after is not None:
        stmt = stmt.where(after)
    rows = list(db.session.scalars(stmt.order_by(*_BY_CENTRE_NAME.keys).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor([rows[-1].name_key, rows[-1].id]) if more and rows else None)


def member_counts(centre_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """(members, active members) of each of these centres, one grouped query on their index."""
    ids = list(centre_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Member.centre_id, func.count(), func.count().filter(Member.active.is_(True)))
        .where(Member.centre_id.in_(ids)).group_by(Member.centre_id))
    return {centre_id: (total, active) for centre_id, total, active in rows}


def regions(limit: int = 2000) -> list[str]:
    """The regions centres are in, in order (for the filter)."""
    return list(db.session.scalars(
        select(Centre.region).where(Centre.region.is_not(None)).distinct().order_by(Centre.region).limit(limit)))


def centre_choices_for_officer(officer_id: int) -> list[Centre]:
    """The active centres a field officer attends, by name."""
    return list(db.session.scalars(
        select(Centre).where(Centre.officer_id == officer_id, Centre.active.is_(True)).order_by(Centre.name_key)))


def officers() -> list[User]:
    """The active field officers, for the centre form (logins are few)."""
    return list(db.session.scalars(
        select(User).where(User.role == "officer", User.active.is_(True)).order_by(User.name, User.id)))


def merged_origins() -> list[tuple[Centre, list[tuple[str, int]]]]:
    """The centres migration 0017 made from more than one spelling of a group, with each spelling
    and how many members wrote it."""
    rows = db.session.execute(select(CentreOrigin.centre_id, CentreOrigin.group_name, CentreOrigin.members)
                              .order_by(CentreOrigin.centre_id, CentreOrigin.group_name)).all()
    spellings: dict[int, list[tuple[str, int]]] = {}
    for centre_id, name, count in rows:
        spellings.setdefault(centre_id, []).append((name, count))
    merged = {cid: s for cid, s in spellings.items() if len(s) > 1}
    centres = {c.id: c for c in db.session.scalars(select(Centre).where(Centre.id.in_(list(merged))))} if merged else {}
    return [(centres[cid], merged[cid]) for cid in sorted(merged, key=lambda i: centres[i].code)]


def centres_fingerprint() -> list:
    """How many centres, how many active, and their last change: read (one query) by the caches of
    what shows centres' names, regions or counts (the roll-up, survey results) instead of tracking
    the centres' table, whose token would then be written at every roster import's commit."""
    return [str(v) for v in db.session.execute(
        select(func.count(), func.count().filter(Centre.active.is_(True)), func.max(Centre.updated_at))).one()]
