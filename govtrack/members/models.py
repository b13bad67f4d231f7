"""Members of the cooperative, the rembug pusat (centres) they belong to, and their declared
interests in partners."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govtrack.auth.models import User
from govtrack.core.clock import utcnow
from govtrack.extensions import db
from govtrack.partners.models import Partner


# Byte-order ("C") collation on PostgreSQL, as SQLite's BINARY default: the number and lower(name)
# indexes then answer prefix searches as plain range scans whatever the database's own collation
# (under a linguistic one such as en_US, a range of strings is not the set sharing a prefix).
def _bytewise(length: int) -> String:
    return String(length).with_variant(String(length, collation="C"), "postgresql")


def centre_key(name: str) -> str:
    """What makes two centre names the same centre: spaces collapsed, case folded."""
    return " ".join(name.split()).casefold()


class Centre(db.Model):
    """A rembug pusat: a standing group of about 25 members meeting weekly, with a chair (one of
    its members) and the field officer (a login) who attends it. Every member belongs to one.

    `name_key` (the name with spaces collapsed and case folded) is unique: "Rembug  melati" is
    the centre "Rembug Melati", as the roster's free-text groups were merged (0017_centres)."""

    __tablename__ = "centres"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(_bytewise(30), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_key: Mapped[str] = mapped_column(String(120), unique=True)
    region: Mapped[str | None] = mapped_column(String(120), index=True)  # kecamatan / kabupaten
    chair_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    chair: Mapped[Member | None] = relationship(foreign_keys=[chair_member_id], lazy="raise")
    officer: Mapped[User | None] = relationship(lazy="raise")


class CentreOrigin(db.Model):
    """How a centre was made from the roster's free-text groups by migration 0017_centres: one
    row per spelling merged into it and how many members wrote it (`flask centres merged`)."""

    __tablename__ = "centre_origins"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    group_name: Mapped[str] = mapped_column(String(120))
    members: Mapped[int]


class Member(db.Model):
    """A member on the roster (not a login). Investors are on the roster but have no vote."""

    __tablename__ = "members"
    __table_args__ = (
        Index("ix_members_group_name", "group_name", "name"),
        Index("ix_members_centre_name", "centre_id", "name"),
        Index("ix_members_name_lower", func.lower(text("name"))),
        # PostgreSQL only (migration 0005): trigrams, so "name contains" is an index search too. The
        # operator class goes in postgresql_ops (keyed by the expression's label), where Alembic's
        # autogenerate can compare it.
        Index(
            "ix_members_name_trgm", func.lower(text("name")).label("name_trgm"), postgresql_using="gin",
            postgresql_ops={"name_trgm": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(_bytewise(30), unique=True)
    name: Mapped[str] = mapped_column(_bytewise(200))
    # The member's rembug pusat; `group_name` repeats its name (kept by members.services with
    # every change of either), so the pages that group voters by it read one table.
    # use_alter: members and centres name each other (and users name members, centres users), so
    # this key is the one an ordering of the tables leaves out (migration 0017 adds it after both).
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id", use_alter=True))
    group_name: Mapped[str | None] = mapped_column(String(120))
    joined_on: Mapped[dt.date | None]
    active: Mapped[bool] = mapped_column(default=True)
    investor: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    interests: Mapped[list[MemberInterest]] = relationship(back_populates="member", lazy="raise")


class MemberInterest(db.Model):
    """A declared conflict of interest: the member is recused on motions about this partner."""

    __tablename__ = "member_interests"
    __table_args__ = (UniqueConstraint("member_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    declared_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    member: Mapped[Member] = relationship(back_populates="interests", lazy="raise")
    partner: Mapped[Partner] = relationship(lazy="raise")
