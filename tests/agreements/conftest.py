"""Helpers for the agreement pages: form data as a browser submits it, documents, error text."""

from __future__ import annotations

import html as html_lib
import io
import re
from pathlib import Path

import pytest

MINIMAL_PDF = (
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def field_errors(html: str, field_id: str) -> str:
    """The error text shown beside a field (its `<id>-errors` element), or ''."""
    m = re.search(rf'id="{re.escape(field_id)}-errors"[^>]*>(.*?)</div>\s*</div>', html, re.S)
    return (
        html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m.group(1)))).strip()
        if m
        else ""
    )


def agreement_form(partner_id: int | None, rows: int = 3, **values) -> dict:
    """A create/edit form as a browser submits it: every row, empty ones included."""
    data = {
        "title": "Hibah Air Bersih",
        "reference": "",
        "kind": "grant",
        "value": "",
        "value_currency": "IDR",
        "start_date": "",
        "end_date": "",
        "summary": "",
        "visibility": "internal",
    }
    for i in range(rows):
        data[f"parties-{i}-partner_id"] = ""
        data[f"parties-{i}-role"] = ""
        data[f"clauses-{i}-id"] = ""
        data[f"clauses-{i}-number"] = ""
        data[f"clauses-{i}-text"] = ""
        data[f"clauses-{i}-proposed_by"] = "cooperative"
    if partner_id is not None:
        data["parties-0-partner_id"] = str(partner_id)
        data["parties-0-role"] = "funder"
    data.update({k.replace("__", "-"): v for k, v in values.items()})
    return data


def upload_files(app) -> list[str]:
    folder = Path(app.config["UPLOAD_DIR"])
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def document_of(app_context):
    """document_of(agreement) attaches a small PDF through the service and returns the Document."""
    from werkzeug.datastructures import FileStorage

    from govtrack.agreements.services import add_document
    from govtrack.extensions import db

    def attach(agreement, name: str = "perjanjian.pdf", data: bytes = MINIMAL_PDF):
        doc = add_document(
            actor="test", agreement=agreement, file=FileStorage(io.BytesIO(data), filename=name)
        )
        db.session.commit()
        return doc

    return attach
