"""One reading of an id typed in a query string or a form: ASCII digits naming 1 to MAX_ID."""

from __future__ import annotations

import pytest

from govtrack.core.ids import parse_id
from govtrack.db import MAX_ID


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1),
        (str(MAX_ID), MAX_ID),
        ("0042", 42),
        ("0", None),
        (str(MAX_ID + 1), None),
        ("9" * 40, None),
        ("１", None),  # a full-width digit: int() reads it
        ("²", None),  # isdigit() is true, int() cannot read it
        (" 1", None),
        ("1 ", None),
        ("1_0", None),
        ("-1", None),
        ("+1", None),
        ("1.0", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_id_at_its_edges(text, expected):
    assert parse_id(text) == expected
