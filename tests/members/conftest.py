"""Fixtures for the roster tests: a member factory and CSV helpers."""

from __future__ import annotations

import io

import pytest

from govtrack.extensions import db
from tests.conftest import ROSTER_TODAY

TODAY = ROSTER_TODAY
HEADER = "number,name,group,joined_on,active,investor"


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
