"""Fixtures for the roster tests: a member factory and CSV helpers."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import pytest

from govtrack.extensions import db

TODAY = dt.date(2026, 11, 27)
HEADER = "number,name,group,joined_on,active,investor"


@pytest.fixture
def make_member(app) -> Callable:
    from govtrack.members.services import MemberData, create_member

    counter = {"n": 0}

    def make(name: str | None = None, *, number: str | None = None, group: str | None = "Rembug Melati", **kw):
        counter["n"] += 1
        member = create_member(
            actor="test",
            data=MemberData(
                number=number or f"M-{counter['n']:05d}", name=name or f"Anggota {counter['n']}", group=group, **kw
            ),
            today=TODAY,
        )
        db.session.commit()
        return member

    return make


def csv_bytes(*lines: str, header: str | None = HEADER, newline: str = "\n", bom: bool = False) -> bytes:
    rows = ([header] if header is not None else []) + list(lines)
    text = newline.join(rows) + newline
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode()


def import_csv(data: bytes, **kw):
    from govtrack.members.importer import import_members

    result = import_members(actor="test", source=io.BytesIO(data), today=TODAY, **kw)
    db.session.commit()
    return result


@pytest.fixture
def in_request(app):
    """Service-level tests: a request context, as messages are translated to the request's locale."""
    with app.test_request_context():
        yield


def form_token(client, url: str) -> str:
    """csrf_token() for a signed-in client.

    The `app` fixture keeps one app context open, so every test request shares its `g`, and
    Flask-WTF's per-request token cache (g.csrf_token) outlives the session that sign-in cleared:
    the page would show a token whose secret is no longer in the session. Drop the cache first.
    """
    from flask import g

    from tests.conftest import csrf_token

    g.pop("csrf_token", None)
    return csrf_token(client, url)
