"""WTForms' own messages ("This field is required.", "Not a valid choice.", a length, an e-mail)
reach a reader of Indonesian in Indonesian, on a form and on a row inside a form; English stays as
WTForms says it. WTForms ships no Indonesian catalogue, so govtrack's carries its messages."""

from __future__ import annotations

from pathlib import Path

import pytest
import wtforms
from babel.messages.pofile import read_po
from sqlalchemy import func, select

from govtrack.extensions import db
from govtrack.partners.models import Partner
from tests.conftest import session_token
from tests.partners.test_pages import field_errors

ID = {"Accept-Language": "id"}
EN = {"Accept-Language": "en"}
CATALOGUE = Path(__file__).resolve().parents[2] / "govtrack" / "translations" / "id" / "LC_MESSAGES" / "messages.po"


@pytest.mark.parametrize("data,field_id,indonesian,english", [
    ({"name": "", "category": "other"}, "name", "Isian ini wajib diisi.", "This field is required."),
    ({"name": "X", "category": "nonsense"}, "category", "Bukan pilihan yang tersedia.", "Not a valid choice."),
    ({"name": "X" * 201, "category": "other"}, "name", "Isian ini paling banyak 200 karakter.",
     "Field cannot be longer than 200 characters."),
    # a contact is a row inside the partner's form (its own form class, without a CSRF token)
    ({"name": "X", "category": "other", "contacts-0-name": "A", "contacts-0-email": "bukan-email"},
     "contacts-0-email", "Alamat e-mail tidak sah.", "Invalid email address."),
])
def test_wtforms_messages_are_in_the_readers_language(client, sign_in, data, field_id, indonesian, english):
    sign_in("manager")
    before = db.session.scalar(select(func.count()).select_from(Partner))
    for headers, wanted, other in ((ID, indonesian, english), (EN, english, indonesian)):
        resp = client.post("/partners/new", data={**data, "csrf_token": session_token(client)}, headers=headers)
        assert resp.status_code == 422
        shown = field_errors(resp.get_data(as_text=True), field_id)
        assert wanted in shown and other not in shown, shown
    assert db.session.scalar(select(func.count()).select_from(Partner)) == before


def test_every_message_wtforms_has_is_translated_in_the_catalogue():
    """If a new WTForms adds a message, this names it (add it to govtrack/core/forms.py)."""
    with open(Path(wtforms.__file__).parent / "locale" / "wtforms.pot", "rb") as fh:
        theirs = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    with open(CATALOGUE, "rb") as fh:
        ours = {(m.id if isinstance(m.id, str) else m.id[0]): m for m in read_po(fh) if m.id}
    missing = sorted(t for t in theirs if t not in ours)
    assert not missing, missing
    untranslated = sorted(t for t in theirs if not all(ours[t].string if isinstance(ours[t].string, tuple)
                                                       else [ours[t].string]) or ours[t].fuzzy)
    assert not untranslated, untranslated
