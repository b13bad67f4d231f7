"""Fixtures for the centres tests: the roster's (a request context for service-level tests), and an
agreement under deliberation with centres to speak to it."""

import pytest
from sqlalchemy import select

from govtrack.agreements.models import Clause
from govtrack.agreements.services import transition_agreement
from govtrack.extensions import db
from tests.members.conftest import in_request  # noqa: F401 (a fixture)


@pytest.fixture
def deliberation(make_agreement, make_centre, make_member, make_user):
    """An agreement under deliberation with three clauses; three centres of 4, 3 and 2 members, the
    first two attended by one field officer."""
    officer = make_user("officer", name="Yusuf Petugas")
    agreement = make_agreement("Kredit modal kerja", clauses=["Bunga 9 % per tahun.", "Tenor 24 bulan.",
                                                               "Agunan kelompok."])
    transition_agreement(actor="test", agreement=agreement, to="under_deliberation")
    db.session.commit()
    centres = []
    for name, size, own in [("Rembug Melati", 4, True), ("Rembug Mawar", 3, True), ("Rembug Kenanga", 2, False)]:
        centres.append(make_centre(name, officer=officer if own else None))
        for i in range(size):
            make_member(f"{name} {i}", group=name)
    clauses = list(db.session.scalars(select(Clause).where(Clause.agreement_id == agreement.id)
                                      .order_by(Clause.number)))
    return {"agreement": agreement, "centres": centres, "clauses": clauses, "officer": officer}
