"""A large roster in a few statements (the upload's scale test): centres and members inserted in bulk."""

from __future__ import annotations

from sqlalchemy import insert, select

from govtrack.extensions import db
from govtrack.members.models import Centre, Member


def bulk_roster(members: int, *, centres: int) -> list[str]:
    """`members` active members spread over `centres` centres in four regions; their numbers."""
    db.session.execute(insert(Centre), [
        {"code": f"BK-{c:05d}", "name": f"Rembug {c}", "name_key": f"rembug {c}", "region": f"Wilayah {c % 4}"}
        for c in range(centres)])
    ids = list(db.session.scalars(select(Centre.id).where(Centre.code.like("BK-%")).order_by(Centre.code)))
    numbers = [f"BK-{i:07d}" for i in range(members)]
    for start in range(0, members, 5000):
        db.session.execute(insert(Member), [
            {"number": n, "name": f"Anggota {n}", "centre_id": ids[i % len(ids)], "group_name": f"Rembug {i % len(ids)}",
             "active": True, "investor": False} for i, n in enumerate(numbers[start:start + 5000], start)])
    db.session.commit()
    return numbers
