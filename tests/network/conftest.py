"""Network fixtures: a small network with a two-step dependency chain and an internal partner."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

AS_OF = dt.date(2026, 6, 1)


@pytest.fixture
def scenario(make_partner, make_agreement):
    """Two funders (3,000,000 and 1,000,000), a contractor whose works need the big grant, a
    supply contract that needs the works (a two-step chain), and an internal-only bank."""
    big = make_partner("Yayasan Air Bersih", category="nonprofit_funder", region="Jawa Barat")
    small = make_partner("Dana Sanitasi", category="nonprofit_funder")
    builder = make_partner("CV Tirta Bangun", category="construction_partner")
    supplier = make_partner("PT Pipa Nusantara", category="construction_partner")
    secret = make_partner("Bank Rahasia Internal", category="financial_institution")
    start = dt.date(2026, 1, 1)
    published = {"status": "active", "visibility": "members", "start_date": start}
    grant_big = make_agreement("Grant big", kind="grant", parties=[(big, "funder")],
                               value_amount=Decimal("3000000"), **published)
    grant_small = make_agreement("Grant small", kind="grant", parties=[(small, "funder")],
                                 value_amount=Decimal("1000000"), **published)
    works = make_agreement("Works", kind="construction", parties=[(builder, "contractor")],
                           value_amount=Decimal("800000"), depends_on=[grant_big.id], **published)
    pipes = make_agreement("Pipes", kind="supply", parties=[(supplier, "supplier")],
                           value_amount=Decimal("200000"), depends_on=[works.id], **published)
    loan = make_agreement("Secret loan", kind="loan", parties=[(secret, "lender")],
                          value_amount=Decimal("5000000"), status="active", visibility="internal",
                          start_date=start)
    return {
        "big": big, "small": small, "builder": builder, "supplier": supplier, "secret": secret,
        "grant_big": grant_big, "grant_small": grant_small, "works": works, "pipes": pipes, "loan": loan,
    }
