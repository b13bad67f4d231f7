"""Demo data: the member roster (120 fictional members in five rembug pusat, each with its region,
its chair and, for three of them, the demo field officer), a login linked to a member, and a
couple of declared conflicts of interest.

Puts into ctx: "members" (list of Member, by number), "member_groups" (list of group names) and
"centres" (list of Centre, in the order of GROUPS).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

from sqlalchemy import select

from govtrack.extensions import db
from govtrack.members import importer, services
from govtrack.members.models import Centre, Member, MemberInterest, centre_key

GROUPS = [
    "Rembug Pusat Melati (Cibinong)",
    "Rembug Pusat Kenanga (Citeureup)",
    "Rembug Pusat Mawar (Bojonggede)",
    "Rembug Pusat Anggrek (Cileungsi)",
    "Rembug Pusat Teratai (Gunung Putri)",
]
FIRST = [
    "Siti", "Nur", "Dewi", "Sri", "Rina", "Yuni", "Ani", "Lina", "Euis", "Neng", "Tuti", "Wati",
    "Imas", "Iis", "Rohmah", "Fitri", "Endang", "Ratna", "Enung", "Yati", "Budi", "Asep", "Dadang",
    "Ujang", "Agus", "Hendra", "Dedi", "Iwan",
]
LAST = [
    "Rahmawati", "Nurhayati", "Suryani", "Lestari", "Maryati", "Kurniasih", "Rohaeti", "Sumiati",
    "Handayani", "Jubaedah", "Komariah", "Permana", "Hidayat", "Saputra", "Kusnadi", "Setiawan",
    "Sulastri", "Fatimah", "Hasanah", "Mulyani",
]
REGIONS = [
    "Kec. Cibinong, Kab. Bogor",
    "Kec. Citeureup, Kab. Bogor",
    "Kec. Bojonggede, Kab. Bogor",
    "Kec. Cileungsi, Kab. Bogor",
    "Kec. Gunung Putri, Kab. Bogor",
]
OFFICER_CENTRES = 3  # the first three centres are the demo field officer's
PER_GROUP = 24
INVESTORS = {7, 31, 58, 96}  # positions on the roster (modal penyertaan holders, no vote)
INACTIVE = {12, 40, 44, 77, 101, 115}


def roster_csv(seed: int = 2026) -> bytes:
    """The demo roster as the CSV the import takes (deterministic)."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(services.FIELDS)
    used: set[str] = set()
    n = 0
    for g, group in enumerate(GROUPS):
        for _ in range(PER_GROUP):
            n += 1
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            while name in used:
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            used.add(name)
            joined = dt.date(2012, 1, 1) + dt.timedelta(days=rng.randrange(0, 12 * 365))
            writer.writerow(
                [f"KSP-{g + 1:02d}-{n:05d}", name, group, joined.isoformat(),
                 0 if n in INACTIVE else 1, 1 if n in INVESTORS else 0]
            )
    return out.getvalue().encode()


def _centres(ctx: dict, members: list[Member]) -> None:
    """The import made a centre of each group: give each its region, its chair (its first active
    member who is no investor) and, for the first three, the demo field officer."""
    officer = (ctx.get("users") or {}).get("officer")
    centres = []
    for n, (group, region) in enumerate(zip(GROUPS, REGIONS, strict=True)):
        centre = db.session.scalar(select(Centre).where(Centre.name_key == centre_key(group)))
        chair = next(m for m in members if m.centre_id == centre.id and m.active and not m.investor)
        changes = {"region": region, "chair_member_id": chair.id}
        if officer is not None and n < OFFICER_CENTRES:
            changes["officer_id"] = officer.id
        centres.append(services.update_centre(actor="demo", centre=centre, changes=changes))
    ctx["centres"] = centres


def _partners(ctx: dict) -> list:
    partners = ctx.get("partners") or []
    if isinstance(partners, dict):
        partners = list(partners.values())
    return list(partners)


def load(ctx: dict) -> None:
    """Import the roster; link the demo member login; declare two interests."""
    importer.import_members(actor="demo", source=io.BytesIO(roster_csv()), today=dt.date(2026, 11, 1))
    members = list(db.session.scalars(select(Member).where(Member.number.like("KSP-%")).order_by(Member.number)))
    ctx["members"] = members
    ctx["member_groups"] = list(GROUPS)
    _centres(ctx, members)

    login = (ctx.get("users") or {}).get("member")
    if login is not None and login.member_id is None and services.linked_user(members[0]) is None:
        services.link_user(actor="demo", member=members[0], user=login)

    notes = [
        "Suaminya mandor di mitra ini.",
        "Mempunyai rekening tabungan dan pinjaman kecil di mitra ini.",
    ]
    for member, partner, note in zip(members[1:3], _partners(ctx)[:2], notes, strict=False):
        already = db.session.scalar(
            select(MemberInterest.id).where(
                MemberInterest.member_id == member.id, MemberInterest.partner_id == partner.id
            )
        )
        if already is None:
            services.declare_interest(actor="demo", member=member, partner_id=partner.id, note=note)
