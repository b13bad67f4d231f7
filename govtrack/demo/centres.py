"""Demo data: what the rembug pusat said about the pending credit line (Fasilitas Likuiditas
Musiman, under deliberation): four of the five centres have spoken to its points, one of them
twice (its earlier position kept in the history), the fifth not yet.

The credit line is on the agenda of the central forum's next meeting (Rembug Pusat bulan depan),
with a motion to approve it: its motion page shows the roll-up where the forum decides.

Runs after the forums loader (the agreement's status is final by then)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from govtrack.agreements.models import Agreement, AgreementStatus, Clause
from govtrack.centres.services import ClausePosition, record_positions
from govtrack.extensions import db
from govtrack.forums import services as forums
from govtrack.forums.models import Meeting, MeetingStatus

REFERENCE = "PBY/2026/007"
TODAY = dt.date(2026, 11, 1)
# centre (index in ctx["centres"]), date, members present, [(point, position, text)]
SAID = [
    (0, dt.date(2026, 10, 6), 21, [(1, "support", None), (2, "amend", "Nisbah bagi hasil 65:35 untuk koperasi.")]),
    (1, dt.date(2026, 10, 7), 19, [(1, "support", None), (2, "amend", "Nisbah bagi hasil 65:35 untuk koperasi.")]),
    (2, dt.date(2026, 10, 8), 23, [(1, "oppose", None), (2, "support", None)]),
    (3, dt.date(2026, 10, 9), 17, [(1, "support", None), (2, "oppose", None)]),
    # the third centre met again and changed its mind on point 1
    (2, dt.date(2026, 10, 15), 22, [(1, "amend", "Plafon ditarik paling lambat satu bulan sebelum kemarau.")]),
]


def load(ctx: dict) -> None:
    agreement = db.session.scalar(select(Agreement).where(Agreement.reference == REFERENCE))
    centres = ctx.get("centres") or []
    if agreement is None or agreement.status != AgreementStatus.under_deliberation or len(centres) < 4:
        return
    clauses = {c.number: c for c in db.session.scalars(select(Clause).where(Clause.agreement_id == agreement.id))}
    for index, held_on, present, points in SAID:
        record_positions(
            actor="demo", agreement=agreement, centre=centres[index], held_on=held_on, members_present=present,
            positions=[ClausePosition(clauses[n].id, p, t) for n, p, t in points], today=TODAY)
    # where the forum will decide: the central forum's next meeting, the credit line on its agenda
    central = (ctx.get("forums") or [None])[0]
    upcoming = central and db.session.scalar(
        select(Meeting).where(Meeting.forum_id == central.id, Meeting.status == MeetingStatus.scheduled)
        .order_by(Meeting.starts_at.desc()).limit(1))
    if upcoming:
        forums.add_agenda_item(actor="demo", meeting=upcoming, title=f"Pembahasan: {agreement.title}",
                               agreement_id=agreement.id)
        forums.create_motion(actor="demo", meeting=upcoming, data=forums.MotionData(
            title=f"Menyetujui {agreement.title}", text="Forum menyetujui fasilitas dengan poin yang dibahas rembug pusat.",
            effect="approve", agreement_id=agreement.id))
    db.session.flush()
