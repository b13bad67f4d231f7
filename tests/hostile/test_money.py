"""Money through every door (forms, API, services): one validator and one documented cap, at most
15 digits before the point and 2 after (999999999999999.99); stored exactly on SQLite and
PostgreSQL; and every page that shows money renders the largest amount, in Indonesian and English.
The forms read amounts as people of the user's language type them (250.000.000 and 1.500,50 in
Indonesian, 250,000,000 and 1,500.50 in English); the API keeps its plain decimal strings."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import hypothesis.strategies as st
import lxml.html
import pytest
from flask_migrate import upgrade
from hypothesis import HealthCheck, given, settings
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError

from govtrack import create_app
from govtrack.agreements.models import Agreement
from govtrack.agreements.queries import load_agreement
from govtrack.agreements.services import (
    AgreementData,
    PartyData,
    create_agreement,
    update_agreement,
)
from govtrack.core.i18n import format_money
from govtrack.core.money import (
    AmountError,
    check_amount,
    format_typed_amount,
    parse_amount,
    parse_typed_amount,
)
from govtrack.errors import ValidationFailed
from govtrack.extensions import db
from govtrack.obligations.models import Obligation, Occurrence, Payment
from govtrack.obligations.services import ObligationData, create_obligation, fulfil
from tests.conftest import _config
from tests.hostile.conftest import audit_head, post_form, table_counts

LARGEST = "999999999999999.99"
SHOWN = {"id": "Rp 999.999.999.999.999,99", "en": "IDR 999,999,999,999,999.99"}
# 101 overdue instalments of the largest amount: past 2**63 cents, so past SQLite's sum().
SUM_SHOWN = {"id": "Rp 100.999.999.999.999.998,99", "en": "IDR 100,999,999,999,999,998.99"}
TOO_LARGE = ["1000000000000000", "1000000000000000.00", "0999999999999999", "9" * 40]
NOT_AMOUNTS = ["١٢٣", "١٢٣.٤٥", "１２３", "𝟗", "²", "NaN", "sNaN", "Infinity", "-Infinity", "1e309", "1E+1000000",
               "1e3", "-1", "-0.01", "1.001", "0.005", "1,5", "1.500.000", "0x10", "+5", "1_000", ".5", "5.", "abc"]
REFUSED = TOO_LARGE + NOT_AMOUNTS


def reason(value: str) -> str:
    """What the (English) message says about why `value` is not an amount."""
    if value in TOO_LARGE:
        return "at most 999999999999999.99"
    if value in ("1.001", "0.005"):
        return "two decimal places"
    if value in ("-1", "-0.01"):
        return "zero or more"
    return "digits 0-9"


def form_reason(value: str) -> str:
    """What an English form says about why `value` is not an amount (commas between thousands)."""
    if value in TOO_LARGE:
        return "at most 999,999,999,999,999.99"
    if value == "1,5":
        return "grouped wrongly"
    if value == "1.500.000":
        return "more than one decimal point"
    return reason(value)


# ---- a small world: an active public loan of the largest value, obligations of the largest amount ----

@dataclass
class Money:
    admin: object
    member: object
    partner: object
    agreement: Agreement
    draft: Agreement
    series: Obligation  # owed by the cooperative, monthly from 2027
    arrears: Obligation  # owed by the cooperative, 100 months overdue: their sum passes 2**63 cents
    one_off: Obligation  # owed by the partner, due soon
    overdue: Obligation  # owed by the partner, past due

    def open_occurrence(self) -> int:
        return db.session.scalar(select(Occurrence.id).where(
            Occurrence.obligation_id == self.series.id, Occurrence.fulfilled_on.is_(None)).order_by(Occurrence.due_on))


@pytest.fixture
def money(app, make_user, make_partner, make_agreement, today) -> Money:
    largest = Decimal(LARGEST)
    admin, member = make_user("admin"), make_user("member")
    partner = make_partner("Bank Syariah Mitra", category="financial_institution")
    agreement = make_agreement("Largest loan", kind="loan", parties=[(partner, "lender")], status="active",
                               visibility="public", value_amount=largest, start_date=dt.date(2018, 1, 1),
                               end_date=dt.date(2037, 12, 31), clauses=["Repaid monthly."])
    draft = make_agreement("Draft grant", parties=[(partner, "funder")], value_amount=largest)

    def obligation(**kw) -> Obligation:
        ob = create_obligation(actor="test", today=today, data=ObligationData(
            agreement_id=agreement.id, amount=largest, responsible_id=admin.id, **kw))
        db.session.commit()
        return ob

    series = obligation(owed_by="cooperative", kind="repayment", title="Instalment",
                        rrule="FREQ=MONTHLY;BYMONTHDAY=15;COUNT=120", starts_on=dt.date(2027, 1, 15))
    arrears = obligation(owed_by="cooperative", kind="payment", title="Arrears",
                         rrule="FREQ=MONTHLY;BYMONTHDAY=10;COUNT=100", starts_on=dt.date(2018, 1, 10))
    one_off = obligation(owed_by="partner", partner_id=partner.id, kind="payment", title="Fee",
                         due_date=dt.date(2027, 3, 20))
    overdue = obligation(owed_by="partner", partner_id=partner.id, kind="payment", title="Late fee",
                         due_date=dt.date(2027, 3, 1))
    first = db.session.scalar(select(Occurrence).where(Occurrence.obligation_id == series.id)
                              .order_by(Occurrence.due_on))
    fulfil(actor="test", obligation=series, on=today, occurrence_id=first.id, amount=largest)
    db.session.commit()
    assert db.session.query(Occurrence).filter_by(obligation_id=arrears.id).count() == 100
    return Money(admin, member, partner, agreement, draft, series, arrears, one_off, overdue)


def _api(api, method: str, url: str, body: dict):
    """Send a JSON request; a refusal must write nothing."""
    before, head = table_counts(), audit_head()
    resp = getattr(api, method)(url, json=body)
    assert resp.status_code < 500, resp.get_data(as_text=True)[:500]
    if resp.status_code >= 400:
        assert table_counts() == before and audit_head() == head, url
    return resp


def _field_errors(resp) -> str:
    """The field errors of a form page, as the user reads them beside the fields."""
    html = lxml.html.fromstring(resp.get_data(as_text=True))
    return " ".join(e.text_content().strip() for e in html.xpath('//*[contains(@class, "invalid-feedback")]'))


def _agreement_form(m: Money, value: str) -> dict:
    return {"title": "T", "kind": "grant", "visibility": "internal", "value_currency": "IDR", "value": value,
            "parties-0-partner_id": str(m.partner.id), "parties-0-role": "funder"}


def _obligation_form(m: Money, amount: str) -> dict:
    return {"agreement_id": str(m.agreement.id), "owed_by": "partner", "partner_id": str(m.partner.id),
            "kind": "payment", "title": "T", "currency": "IDR", "schedule": "once", "due_date": "2027-04-01",
            "amount": amount}


def _api_agreement(m: Money, amount) -> dict:
    return {"title": "T", "kind": "grant", "parties": [{"partner_id": m.partner.id, "role": "funder"}],
            "value": {"amount": amount, "currency": "IDR"}}


def _api_obligation(m: Money, amount) -> dict:
    return {"agreement_id": m.agreement.id, "owed_by": "partner", "partner_id": m.partner.id, "kind": "payment",
            "title": "T", "due_date": "2027-04-01", "amount": {"amount": amount, "currency": "IDR"}}


# ---- the validator ----

@pytest.mark.parametrize("value", ["0", "0.00", "7", "1500000", "1500000.5", "1500000.50", " 12.30 ", LARGEST,
                                   "000000000000001"])
def test_parse_amount_reads_plain_amounts_with_two_decimals(value):
    assert parse_amount(value) == Decimal(value.strip())
    assert parse_amount(value).as_tuple().exponent == -2


@pytest.mark.parametrize("value", REFUSED + ["", " "])
def test_parse_amount_refuses_the_rest(app, value):
    with pytest.raises(AmountError) as err, app.test_request_context():
        parse_amount(value)
    assert reason(value) in str(err.value.message).lower()


def test_a_payment_must_be_more_than_zero(app):
    with app.test_request_context():
        with pytest.raises(AmountError, match="more than zero"):
            parse_amount("0.00", positive=True)
        with pytest.raises(AmountError, match="more than zero"):
            check_amount(Decimal(0), positive=True)
    assert parse_amount("0.01", positive=True) == Decimal("0.01")


@pytest.mark.parametrize("value", [Decimal("Infinity"), Decimal("NaN"), Decimal("sNaN"), Decimal("1E+1000000"),
                                   Decimal("1000000000000000"), Decimal("-0.01"), Decimal("1.001"), 1.5, True,
                                   "١٢٣", 10**16])
def test_check_amount_refuses_what_a_service_must_not_store(value):
    with pytest.raises(AmountError):
        check_amount(value)


def test_check_amount_gives_two_decimal_places():
    assert str(check_amount(Decimal("1E+3"))) == "1000.00"
    assert str(check_amount(Decimal("1.500"))) == "1.50"
    assert str(check_amount(12)) == "12.00"
    assert check_amount(Decimal(LARGEST)) == Decimal(LARGEST)


# ---- finding 1: a huge amount through the forms and the services; stored exactly; shown ----

def test_forms_refuse_amounts_past_the_cap_and_say_so(client, sign_in, money):
    sign_in(money.admin)
    fulfil_url = f"/obligations/occurrences/{money.open_occurrence()}/fulfil"
    for value in TOO_LARGE + ["1e309", "1E+1000000"]:
        resp = post_form(client, "/agreements/new", _agreement_form(money, value))
        assert resp.status_code == 422 and form_reason(value) in _field_errors(resp), value
        resp = post_form(client, f"/agreements/{money.draft.id}/edit", _agreement_form(money, value))
        assert resp.status_code == 422 and form_reason(value) in _field_errors(resp), value
        resp = post_form(client, "/obligations/new", _obligation_form(money, value))
        assert resp.status_code == 422 and form_reason(value) in _field_errors(resp), value
        resp = post_form(client, fulfil_url, {"date": "2027-03-15", "amount": value})
        assert resp.status_code == 422 and form_reason(value) in _field_errors(resp), value


def test_forms_take_the_largest_amount_and_store_it_exactly(client, sign_in, money):
    sign_in(money.admin)
    assert post_form(client, "/agreements/new", _agreement_form(money, LARGEST)).status_code == 302
    assert post_form(client, "/obligations/new", _obligation_form(money, LARGEST)).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(Agreement.value_amount).where(Agreement.title == "T")) == Decimal(LARGEST)
    assert db.session.scalar(select(Obligation.amount).where(Obligation.title == "T")) == Decimal(LARGEST)


def test_an_amount_form_shows_back_what_was_typed_and_what_is_stored(client, sign_in, money):
    sign_in(money.admin)
    resp = post_form(client, "/obligations/new", _obligation_form(money, "١٢٣"))
    assert 'value="١٢٣"' in resp.get_data(as_text=True)
    resp = client.get(f"/agreements/{money.draft.id}/edit")
    assert 'value="999,999,999,999,999.99"' in resp.get_data(as_text=True)  # as an English user types it


def test_services_refuse_amounts_past_the_cap(app, money, today):
    for value in [Decimal("1E+1000000"), Decimal("1e309"), Decimal("9" * 40), Decimal("Infinity"), 1e300]:
        with pytest.raises(ValidationFailed) as err:
            create_agreement(actor="test", data=AgreementData(
                title="T", kind="grant", parties=[PartyData(partner_id=money.partner.id, role="funder")],
                value_amount=value))
        assert "value" in err.value.fields
        db.session.rollback()
        with pytest.raises(ValidationFailed) as err:
            update_agreement(actor="test", agreement=load_agreement(money.draft.id),
                             changes={"value_amount": value})
        assert "value" in err.value.fields
        db.session.rollback()
        with pytest.raises(ValidationFailed) as err:
            create_obligation(actor="test", today=today, data=ObligationData(
                agreement_id=money.agreement.id, owed_by="cooperative", kind="payment", title="T", amount=value,
                due_date=dt.date(2027, 4, 1)))
        assert "amount" in err.value.fields
        db.session.rollback()
        with pytest.raises(ValidationFailed) as err:
            fulfil(actor="test", obligation=money.series, on=today, amount=value)
        assert "amount" in err.value.fields
        db.session.rollback()


def test_money_is_stored_exactly_not_as_a_float(app, money):
    """SQLite's NUMERIC keeps a REAL (a double), in which 999999999999999.99 is 1e15."""
    db.session.expire_all()
    assert db.session.get(Agreement, money.agreement.id).value_amount == Decimal(LARGEST)
    assert db.session.get(Obligation, money.series.id).amount == Decimal(LARGEST)
    assert db.session.scalar(select(Payment.amount)) == Decimal(LARGEST)
    if db.engine.dialect.name == "sqlite":
        kinds = db.session.execute(text("SELECT DISTINCT typeof(amount), typeof(paid_amount) "
                                        "FROM obligation_occurrences")).all()
        assert kinds == [("integer", "integer")]


def test_the_database_refuses_what_the_doors_forgot(app, money):
    db.session.execute(Agreement.__table__.update().values(value_amount=Decimal(LARGEST)))  # the largest fits
    for value in [Decimal("1000000000000000"), Decimal("Infinity"), Decimal("0.001"), 1.5]:
        with pytest.raises(StatementError):
            db.session.execute(Agreement.__table__.update().values(value_amount=value))
        db.session.rollback()


@pytest.mark.parametrize("amount", [Decimal("Infinity"), Decimal("-Infinity"), Decimal("NaN"), Decimal("sNaN"),
                                    Decimal("9" * 40), Decimal("1E+1000000"), Decimal("-5"), 1e300, float("inf"),
                                    12, Decimal("120000000000000000000.00"), Decimal(LARGEST), None])
@pytest.mark.parametrize("locale", ["id", "en"])
def test_format_money_never_raises(app, amount, locale):
    with app.test_request_context(headers={"Accept-Language": locale}):
        assert isinstance(format_money(amount), str)


@pytest.mark.parametrize("locale", ["id", "en"])
def test_format_money_shows_the_largest_amount_in_full(app, locale):
    with app.test_request_context(headers={"Accept-Language": locale}):
        assert format_money(Decimal(LARGEST)) == SHOWN[locale]


def _as(sign_in, client, user, locale: str) -> None:
    """Sign `user` in, reading pages in `locale` (None: anonymous, by the browser's language)."""
    if user is not None:
        user.locale = locale
        db.session.commit()
        sign_in(user, client=client)


MONEY_SHOWN = {"id": r"Rp \d{1,3}(\.\d{3}){5,},\d\d", "en": r"IDR \d{1,3}(,\d{3}){5,}\.\d\d"}


@pytest.mark.parametrize("locale", ["id", "en"])
def test_every_page_that_shows_money_renders_the_largest_amount(app, sign_in, money, locale):
    """Each page in each language: the largest amount in full where one amount is shown; sums (100
    overdue payments of the largest amount pass SQLite's 64-bit integers) in full too, not a 500."""
    headers = {"Accept-Language": locale}
    exact, any_money = SHOWN[locale], MONEY_SHOWN[locale]
    pages = [
        (None, f"/published/{money.agreement.id}", exact),
        (None, "/published/", exact),
        (money.member, f"/published/{money.agreement.id}", exact),
        (money.admin, f"/agreements/{money.agreement.id}", exact),
        (money.admin, "/agreements/", exact),
        (money.admin, f"/obligations/{money.series.id}", exact),
        (money.admin, "/obligations/list?status=open", exact),
        (money.admin, "/obligations/list", exact),
        (money.admin, "/obligations/list?status=overdue", exact),
        (money.admin, "/obligations/", any_money),
        (money.admin, "/obligations/?group=category", any_money),
        (money.admin, "/obligations/maturity", exact),
        (money.admin, "/obligations/maturity", SUM_SHOWN[locale]),
        (money.admin, f"/obligations/partners/{money.partner.id}/scorecard", exact),
        (money.admin, f"/obligations/occurrences/{money.open_occurrence()}/fulfil", exact),
        (money.admin, "/network/", exact),  # the board summary says the value at stake in full
    ]
    for user, url, expected in pages:
        client = app.test_client()
        _as(sign_in, client, user, locale)
        resp = client.get(url, headers=headers)
        body = resp.get_data(as_text=True)
        assert resp.status_code == 200, (url, body[:500])
        assert re.search(expected if expected is any_money else re.escape(expected), body), url
    client = app.test_client()
    _as(sign_in, client, money.admin, locale)
    for url in ["/obligations/export.csv", "/obligations/maturity.csv"]:
        resp = client.get(url, headers=headers)
        assert resp.status_code == 200 and LARGEST in resp.get_data(as_text=True), url
    for url in ["/obligations/maturity.svg", "/obligations/maturity.png"]:
        assert client.get(url, headers=headers).status_code == 200, url


def test_the_api_gives_back_the_largest_amount_exactly(app, money, api_as):
    api = api_as(money.admin)
    body = api.get(f"/api/v1/obligations/{money.series.id}").get_json()
    assert body["amount"] == {"amount": LARGEST, "currency": "IDR"}
    assert api.get(f"/api/v1/agreements/{money.agreement.id}").get_json()["value"]["amount"] == LARGEST
    public = api_as(None).get("/api/v1/public/agreements").get_json()
    assert [a["value"]["amount"] for a in public["items"]] == [LARGEST]
    assert api.get("/api/v1/network").status_code == 200
    listed = api.get(f"/api/v1/obligations?partner_id={money.partner.id}").get_json()["items"]
    assert {o["amount"]["amount"] for o in listed} == {LARGEST}


# ---- finding 2: the API ----

def test_api_refuses_what_is_not_an_amount_with_the_field_named(api_as, money):
    api = api_as(money.admin)
    for value in REFUSED + [""]:
        why = reason(value)
        resp = _api(api, "post", "/api/v1/agreements", _api_agreement(money, value))
        assert resp.status_code == 422, value
        assert why in resp.get_json()["error"]["fields"]["value.amount"][0].lower(), value
        resp = _api(api, "patch", f"/api/v1/agreements/{money.draft.id}", {"value": {"amount": value}})
        assert resp.status_code == 422, value
        assert why in resp.get_json()["error"]["fields"]["value.amount"][0].lower(), value
        resp = _api(api, "post", "/api/v1/obligations", _api_obligation(money, value))
        assert resp.status_code == 422, value
        assert why in resp.get_json()["error"]["fields"]["amount.amount"][0].lower(), value
        resp = _api(api, "post", f"/api/v1/obligations/{money.series.id}/fulfil",
                    {"date": "2027-03-15", "amount": value})
        assert resp.status_code == 422, value
        assert resp.get_json()["error"]["fields"]["amount"], value


def test_api_names_the_amount_for_a_huge_exponent(api_as, money):
    """Decimal("1E+1000000") made abs() raise decimal.Overflow: a 500."""
    resp = _api(api_as(money.admin), "post", "/api/v1/agreements", _api_agreement(money, "1E+1000000"))
    assert resp.status_code == 422
    assert "digits 0-9" in resp.get_json()["error"]["fields"]["value.amount"][0]


def test_api_messages_are_in_the_users_language(api_as, money):
    money.admin.locale = "id"
    db.session.commit()
    resp = _api(api_as(money.admin), "post", "/api/v1/agreements", _api_agreement(money, "9" * 16))
    message = resp.get_json()["error"]["fields"]["value.amount"][0]
    assert "999999999999999.99" in message and "Too large" not in message


def test_api_takes_the_largest_amount(api_as, money):
    api = api_as(money.admin)
    resp = _api(api, "post", "/api/v1/agreements", _api_agreement(money, LARGEST))
    assert resp.status_code == 201 and resp.get_json()["value"] == {"amount": LARGEST, "currency": "IDR"}
    resp = _api(api, "post", "/api/v1/obligations", _api_obligation(money, LARGEST))
    assert resp.status_code == 201 and resp.get_json()["amount"] == {"amount": LARGEST, "currency": "IDR"}
    resp = _api(api, "post", f"/api/v1/obligations/{money.series.id}/fulfil",
                {"date": "2027-03-15", "amount": LARGEST})
    assert resp.status_code == 200


def test_api_documents_the_amount(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    amount = spec["components"]["schemas"]["Money"]["properties"]["amount"]
    assert re.fullmatch(amount["pattern"], LARGEST) and not re.fullmatch(amount["pattern"], "9" * 16)


# ---- finding 3: digits that are not ASCII, and the other things that are not amounts ----

def test_forms_refuse_what_is_not_an_amount_and_say_why(client, sign_in, money):
    sign_in(money.admin)
    fulfil_url = f"/obligations/occurrences/{money.open_occurrence()}/fulfil"
    for value in NOT_AMOUNTS:
        resp = post_form(client, "/agreements/new", _agreement_form(money, value))
        assert resp.status_code == 422 and form_reason(value) in _field_errors(resp).lower(), value
        resp = post_form(client, "/obligations/new", _obligation_form(money, value))
        assert resp.status_code == 422 and form_reason(value) in _field_errors(resp).lower(), value
        resp = post_form(client, fulfil_url, {"date": "2027-03-15", "amount": value})
        assert resp.status_code == 422 and _field_errors(resp), value
    resp = post_form(client, fulfil_url, {"date": "2027-03-15", "amount": "0"})
    assert resp.status_code == 422 and "more than zero" in _field_errors(resp)


# ---- a migration that converts what is stored ----

def test_the_migration_converts_stored_amounts_to_exact_ones(tmp_path):
    """Rows written before 0008 on SQLite: REALs, integers, infinity; each is kept to the cent or,
    past the cap, cleared."""
    migrations = str(Path(__file__).parent.parent.parent / "migrations")
    app = create_app(_config(f"sqlite:///{tmp_path / 'old.sqlite3'}", tmp_path))
    with app.app_context():
        upgrade(directory=migrations, revision="0007")
        stored = {1: "9e999", 2: "1500000.5", 3: "1e40", 4: "999999999999999", 5: "NULL", 6: "12.34",
                  7: "1000000000000000"}
        for i, value in stored.items():
            db.session.execute(text(
                "INSERT INTO agreements (id, title, kind, status, visibility, value_amount, value_currency, "
                f"created_at, updated_at) VALUES ({i}, 'a{i}', 'grant', 'draft', 'internal', {value}, 'IDR', "
                "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"))
        db.session.commit()
        upgrade(directory=migrations, revision="heads")
        got = dict(db.session.execute(select(Agreement.id, Agreement.value_amount)).all())
        assert got == {1: None, 2: Decimal("1500000.50"), 3: None, 4: Decimal("999999999999999.00"), 5: None,
                       6: Decimal("12.34"), 7: None}
        db.session.remove()
        db.engine.dispose()


# ---- property tests: every door, any text: 2xx or 4xx, never 5xx, and nothing written on a 4xx ----

amount_text = st.one_of(
    st.sampled_from(REFUSED + [LARGEST, "0", "0.01", "999999999999999.9", "1000000000000000.00", " 5 "]),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers(-10**20, 10**20).map(str),
    st.floats().map(str),
    st.text(st.characters(categories=("Nd", "Po", "Sm", "Zs")), max_size=20),
    st.from_regex(r"\A[0-9]{1,17}(\.[0-9]{0,3})?\Z"),
)
PROPERTY = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _expected(value: str) -> Decimal | None:
    try:
        return parse_amount(value)
    except AmountError:
        return None


def _expected_typed(value: str, locale: str) -> Decimal | None:
    try:
        return parse_typed_amount(value, locale=locale)
    except AmountError:
        return None


@PROPERTY
@given(value=amount_text)
def test_property_forms(client, sign_in, money, value):
    if client.get("/login").status_code == 200:  # the first example signs in
        sign_in(money.admin)
    fulfil_url = f"/obligations/occurrences/{money.open_occurrence()}/fulfil"
    expected = _expected_typed(value, "en")  # the tests' language
    for url, data in [("/agreements/new", _agreement_form(money, value)),
                      ("/obligations/new", _obligation_form(money, value)),
                      (fulfil_url, {"date": "2027-03-15", "amount": value})]:
        resp = post_form(client, url, data)
        if expected is None and value.strip():
            assert resp.status_code == 422, (url, value)
        elif url != fulfil_url:  # a payment of zero is refused; the rest is taken
            assert resp.status_code == 302, (url, value)


@PROPERTY
@given(value=amount_text)
def test_property_api(api_as, money, value):
    api = api_as(money.admin)
    amount = _expected(value)
    resp = _api(api, "post", "/api/v1/agreements", _api_agreement(money, value))
    assert resp.status_code == (422 if amount is None else 201), value
    if amount is not None:
        assert resp.get_json()["value"]["amount"] == f"{amount:.2f}"
    resp = _api(api, "patch", f"/api/v1/agreements/{money.draft.id}", {"value": {"amount": value}})
    assert resp.status_code == (422 if amount is None else 200), value
    resp = _api(api, "post", "/api/v1/obligations", _api_obligation(money, value))
    assert resp.status_code == (422 if amount is None else 201), value
    if amount is not None:
        assert resp.get_json()["amount"]["amount"] == f"{amount:.2f}"
    resp = _api(api, "post", f"/api/v1/obligations/{money.series.id}/fulfil", {"date": "2027-03-15", "amount": value})
    assert resp.status_code < 500


# ---- money as people type it: the forms read and show amounts in the user's language ----

TYPED = {
    "id": {"250.000.000": "250000000.00", "1.500,50": "1500.50", "1500000": "1500000.00", "1500000,5": "1500000.50",
           "250.000,-": "250000.00", "999.999.999.999.999,99": LARGEST, " 12.300 ": "12300.00", "0,01": "0.01"},
    "en": {"250,000,000": "250000000.00", "1,500.50": "1500.50", "1500000": "1500000.00", "1500000.5": "1500000.50",
           "999,999,999,999,999.99": LARGEST, " 12,300 ": "12300.00", "0.01": "0.01"},
}
# Each refused with the reason (in the user's language) and an example written the same way.
TYPED_REFUSED = {
    "id": {"1.5.0,0,0": "lebih dari satu tanda desimal", "25.00.000": "pemisah ribuan salah tempat",
           "250,000,000": "lebih dari satu tanda desimal", "1,500.50": "pemisah ribuan salah tempat",
           "1500000.50": "pemisah ribuan salah tempat", "0.005": "pemisah ribuan salah tempat",
           "1,505": "paling banyak dua angka desimal", "1.000.000.000.000.000": "paling banyak 999.999.999.999.999,99",
           "Rp 5.000": "bukan jumlah uang", "-1.000": "nol", "12.30": "pemisah ribuan salah tempat"},
    "en": {"1.5.0,0,0": "more than one decimal point", "25,00,000": "thousands grouped wrongly",
           "250.000.000": "more than one decimal point", "1.500,50": "thousands grouped wrongly",
           "1.505": "at most two decimal places", "1,000,000,000,000,000": "at most 999,999,999,999,999.99",
           "250.000,-": "not an amount", "-1,000": "zero"},
}
EXAMPLE = {"id": ("250.000.000", "1.500.000,50"), "en": ("250,000,000", "1,500,000.50")}


@pytest.mark.parametrize("locale", ["id", "en"])
def test_typed_amounts_are_read_in_the_users_language(app, locale):
    with app.test_request_context():
        for typed, amount in TYPED[locale].items():
            assert parse_typed_amount(typed, locale=locale) == Decimal(amount), typed
        for typed in TYPED_REFUSED[locale]:
            with pytest.raises(AmountError):
                parse_typed_amount(typed, locale=locale)


def test_a_typed_payment_must_be_more_than_zero(app):
    with app.test_request_context(), pytest.raises(AmountError, match="more than zero"):
        parse_typed_amount("0,00", locale="id", positive=True)


@pytest.mark.parametrize("locale", ["id", "en"])
def test_amount_forms_read_what_people_of_each_language_type(client, sign_in, money, locale):
    """Every money form (agreement new and edit, obligation, fulfilment, correcting one) takes the
    amounts of the user's language and stores them exactly."""
    _as(sign_in, client, money.admin, locale)
    whole, cents = [t for t, a in TYPED[locale].items() if a in ("250000000.00", "1500.50")]
    assert post_form(client, "/agreements/new", {**_agreement_form(money, whole), "title": "Typed"}).status_code == 302
    agreement = db.session.scalar(select(Agreement).where(Agreement.title == "Typed"))
    assert agreement.value_amount == Decimal("250000000.00")
    assert post_form(client, f"/agreements/{agreement.id}/edit",
                     {**_agreement_form(money, cents), "title": "Typed"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).value_amount == Decimal("1500.50")
    assert post_form(client, "/obligations/new", {**_obligation_form(money, whole), "title": "Typed"}).status_code == 302
    assert db.session.scalar(select(Obligation.amount).where(Obligation.title == "Typed")) == Decimal("250000000.00")
    occurrence = money.open_occurrence()
    resp = post_form(client, f"/obligations/occurrences/{occurrence}/fulfil", {"date": "2027-03-15", "amount": cents})
    assert resp.status_code == 302
    payment = db.session.scalar(select(Payment).where(Payment.occurrence_id == occurrence))
    assert payment.amount == Decimal("1500.50")
    resp = post_form(client, f"/obligations/fulfilments/{payment.id}/correct",
                     {"date": "2027-03-15", "amount": whole, "reason": "Typo"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Payment, payment.id).amount == Decimal("250000000.00")


@pytest.mark.parametrize("locale", ["id", "en"])
def test_amount_forms_refuse_ambiguous_amounts_with_an_example(client, sign_in, money, locale):
    _as(sign_in, client, money.admin, locale)
    payment_url = f"/obligations/occurrences/{money.open_occurrence()}/fulfil"
    for typed, why in TYPED_REFUSED[locale].items():
        for url, data in [("/agreements/new", _agreement_form(money, typed)),
                          (f"/agreements/{money.draft.id}/edit", _agreement_form(money, typed)),
                          ("/obligations/new", _obligation_form(money, typed)),
                          (payment_url, {"date": "2027-03-15", "amount": typed})]:
            resp = post_form(client, url, data)
            errors = _field_errors(resp)
            assert resp.status_code == 422 and why in errors.lower(), (url, typed, errors)
            if why not in ("nol", "zero", "paling banyak 999.999.999.999.999,99",
                           "at most 999,999,999,999,999.99"):
                assert any(example in errors for example in EXAMPLE[locale]), (url, typed, errors)
            assert f'value="{typed}"' in resp.get_data(as_text=True), (url, typed)  # what was typed stays


@pytest.mark.parametrize("locale", ["id", "en"])
def test_amount_fields_show_an_example_and_stored_amounts_in_the_users_language(client, sign_in, money, locale):
    _as(sign_in, client, money.admin, locale)
    money.draft.value_amount = Decimal("250000000.00")
    db.session.commit()
    whole, cents = EXAMPLE[locale]
    word = {"id": "contoh:", "en": "e.g."}[locale]
    html = lxml.html.fromstring(client.get(f"/agreements/{money.draft.id}/edit").get_data(as_text=True))
    value = html.get_element_by_id("value")
    assert value.get("value") == whole and value.get("placeholder") == f"{word} {whole}"
    assert whole in html.get_element_by_id("value-help").text_content()
    assert cents in html.get_element_by_id("value-help").text_content()
    for url in ["/obligations/new", f"/obligations/occurrences/{money.open_occurrence()}/fulfil"]:
        html = lxml.html.fromstring(client.get(url).get_data(as_text=True))
        assert html.get_element_by_id("amount").get("placeholder") == f"{word} {whole}", url
        assert whole in html.get_element_by_id("amount-help").text_content(), url
    payment = db.session.scalar(select(Payment).where(Payment.amount == Decimal(LARGEST)))
    html = lxml.html.fromstring(client.get(f"/obligations/fulfilments/{payment.id}/correct").get_data(as_text=True))
    assert html.get_element_by_id("amount").get("value") == {"id": "999.999.999.999.999,99",
                                                             "en": "999,999,999,999,999.99"}[locale]


def test_the_api_keeps_its_decimal_strings(api_as, money):
    """The API reads and writes "1500000.50" whatever the user's language: no separators."""
    money.admin.locale = "id"
    db.session.commit()
    api = api_as(money.admin)
    for value in ["250.000.000", "1.500,50", "250,000,000"]:
        resp = _api(api, "post", "/api/v1/agreements", _api_agreement(money, value))
        assert resp.status_code == 422 and resp.get_json()["error"]["fields"]["value.amount"], value
    resp = _api(api, "post", "/api/v1/agreements", _api_agreement(money, "1500.50"))
    assert resp.status_code == 201 and resp.get_json()["value"] == {"amount": "1500.50", "currency": "IDR"}


amounts = st.decimals(min_value=0, max_value=Decimal(LARGEST), places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(value=amounts, locale=st.sampled_from(["id", "en"]))
def test_property_formatting_then_parsing_gives_the_amount_back(value, locale):
    typed = format_typed_amount(value, locale)
    assert parse_typed_amount(typed, locale=locale) == value
    assert parse_typed_amount(typed.replace({"id": ".", "en": ","}[locale], ""), locale=locale) == value  # ungrouped


@settings(max_examples=300, deadline=None)
@given(value=amounts)
def test_property_the_languages_differ_only_in_their_separators(value):
    indonesian, english = format_typed_amount(value, "id"), format_typed_amount(value, "en")
    assert indonesian == english.translate(str.maketrans(",.", ".,"))
    if value == value.to_integral_value() and value < 1000:
        assert indonesian == english == str(int(value))  # plain digits: the same in both


typed_text = st.one_of(
    amount_text,
    st.text(st.sampled_from("0123456789.,- "), max_size=24),
    st.lists(st.integers(0, 999), min_size=1, max_size=6).map(lambda gs: ".".join(str(g) for g in gs)),
    st.lists(st.integers(0, 999), min_size=1, max_size=6).map(lambda gs: ",".join(f"{g:03d}" for g in gs)),
)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=typed_text, locale=st.sampled_from(["id", "en"]))
def test_property_typed_amounts_are_within_the_rules_or_refused(app, typed, locale):
    """Whatever is typed: an AmountError (never another exception), or an amount the API would take,
    which reads back the same once written the user's way; plain digits mean the same everywhere."""
    with app.test_request_context():
        try:
            value = parse_typed_amount(typed, locale=locale)
        except AmountError as err:
            assert str(err.message)
            value = None
        if value is not None:
            assert check_amount(value) == value
            assert parse_typed_amount(format_typed_amount(value, locale), locale=locale) == value
        if re.fullmatch(r"\s*[0-9]+\s*", typed, re.ASCII):
            assert value == _expected(typed)
