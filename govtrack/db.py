"""The declarative base with a naming convention, and small column helpers shared by every area."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime, MetaData, Numeric, TypeDecorator
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.sql.functions import FunctionElement

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A timestamp stored as UTC and always read back timezone-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


# The largest id any id column holds, on every database (SQLite raises past 2**63, PostgreSQL's
# integer past 2**31): forms, API fields and URL converters refuse anything larger up front.
MAX_ID = 2**31 - 1

# The largest amount any money column holds: 15 digits before the point, 2 after. Every door
# (forms, API, services; see govtrack.core.money) refuses anything larger up front.
MAX_AMOUNT = Decimal("999999999999999.99")
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


class MoneyType(TypeDecorator):
    """An exact amount with two decimals, at most 15 digits before the point (the cap of
    govtrack.core.money, where every door checks it). PostgreSQL keeps NUMERIC(17, 2). SQLite has no
    exact decimal: its NUMERIC keeps a REAL, a double, in which 999999999999999.99 is 1e15 and a
    typed 1e309 is infinity; so there the column holds integer cents (at most 10**17 - 1, far
    inside SQLite's 64-bit integers) and this type converts on the way in and out."""

    impl = Numeric(17, 2, asdecimal=True)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(17, 2, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, float) or not isinstance(value, Decimal | int):
            raise TypeError(f"a money column takes a Decimal, not {type(value).__name__}")
        value = Decimal(value)
        # The last line of defence: the doors refuse these with a message; a write that got past
        # them is a bug, and an error beats a rounded or infinite amount in the books.
        if not value.is_finite() or abs(value) > MAX_AMOUNT:
            raise ValueError("amount past what a money column holds")
        cents = value.scaleb(2)
        if cents != cents.to_integral_value():
            raise ValueError("more than two decimals for a money column")
        return int(cents) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if dialect.name != "sqlite":
            return value if isinstance(value, Decimal) else Decimal(str(value))
        # Integer cents; money_sum() answers text (a sum may pass 64 bits).
        amount = Decimal(value if isinstance(value, int | str) else str(value)).scaleb(-2)
        return amount.quantize(CENT) if amount.is_finite() and amount.adjusted() < 26 else amount


Money = MoneyType()


class money_sum(FunctionElement):  # noqa: N801 - used like func.sum
    """SUM of a money expression, exact on every database. PostgreSQL's sum of NUMERIC never
    overflows; SQLite's sum of integers raises "integer overflow" past 2**63 (93 occurrences of the
    largest amount), so there it is the money_sum aggregate of `sqlite_functions`."""

    type = Money
    inherit_cache = True
    name = "money_sum"


@compiles(money_sum)
def _compile_money_sum(element, compiler, **kw):
    return f"sum({compiler.process(element.clauses, **kw)})"


@compiles(money_sum, "sqlite")
def _compile_money_sum_sqlite(element, compiler, **kw):
    return f"money_sum({compiler.process(element.clauses, **kw)})"


class _SqliteMoneySum:
    """The exact sum of integer cents, answered as text (it may not fit SQLite's 64 bits)."""

    def __init__(self) -> None:
        self.total: int | None = None

    def step(self, value) -> None:
        if value is not None:
            self.total = (self.total or 0) + int(value)

    def finalize(self) -> str | None:
        return None if self.total is None else str(self.total)


def sqlite_functions(dbapi_connection) -> None:
    """SQL functions that SQLite lacks, installed on each new connection (see govtrack.sqlite)."""
    dbapi_connection.create_aggregate("money_sum", 1, _SqliteMoneySum)


class Base(DeclarativeBase):
    """Base of every model: constraint names are stable on SQLite and PostgreSQL.

    A stored code (a status, kind, category, role) is annotated with its StrEnum, as in
    `status: Mapped[AgreementStatus] = mapped_column(String(40))`, and keeps its String column and
    the CHECK constraint that lists the enum's values: the schema and the stored values are those
    the migrations made. What is read back is the plain string, equal to the member (a StrEnum is
    a str): compare codes with members, and never call `.value` on a loaded one. (SQLAlchemy's
    Enum type would read members back, but a str subclass reaching other libraries changes what
    they do: networkx's GraphML and GEXF writers refuse one.)"""

    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={dt.datetime: UTCDateTime(), Decimal: Money},
    )
