"""Issue 11, finding 6: a growing delay per account (OWASP ASVS 2.2.1) instead of a lock-out anyone can
cause; the owner's right password from an address that did not guess gets in; the per-address limit
still stops a spray across accounts; at most 100 failures an hour reach one account."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from govtrack.auth.models import SignInFailure
from govtrack.extensions import db
from tests.conftest import PASSWORD, csrf_token

WRONG = "not the password at all"


def _attempt(app, address: str, email: str, password: str = WRONG):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_token(client)})


def _pass_time(seconds: float) -> None:
    """Age every recorded failure, as if `seconds` went by."""
    for row in db.session.scalars(select(SignInFailure)):
        row.at -= dt.timedelta(seconds=seconds)
    db.session.commit()


@pytest.fixture
def app_config():
    return {"LOGIN_ACCOUNT_FREE_FAILURES": 3, "LOGIN_ACCOUNT_DELAY_SECONDS": 1}


def test_after_the_free_failures_each_attempt_waits_twice_as_long(app, make_user):
    user = make_user("manager")
    assert [_attempt(app, "10.1.0.1", user.email).status_code for _ in range(3)] == [401, 401, 401]
    resp = _attempt(app, "10.1.0.1", user.email, PASSWORD)  # even the right password waits now
    assert resp.status_code == 429 and resp.headers["Retry-After"] == "1"
    assert "Too many failed sign-ins for this account. Try again in 1 second." in resp.get_data(as_text=True)
    _pass_time(1)
    assert _attempt(app, "10.1.0.1", user.email).status_code == 401  # the 4th failure: 2 s now
    assert _attempt(app, "10.1.0.1", user.email).headers["Retry-After"] == "2"
    _pass_time(1)
    assert _attempt(app, "10.1.0.1", user.email).status_code == 429
    _pass_time(1)
    assert _attempt(app, "10.1.0.1", user.email).status_code == 401  # the 5th: 4 s now
    assert _attempt(app, "10.1.0.1", user.email).headers["Retry-After"] == "4"


def test_the_throttled_answer_is_in_indonesian_too(app, make_user):
    user = make_user("manager")
    for _ in range(3):
        _attempt(app, "10.1.0.1", user.email)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.1.0.1"
    resp = client.post("/login", data={"email": user.email, "password": WRONG, "csrf_token": csrf_token(client)},
                       headers={"Accept-Language": "id"})
    assert resp.status_code == 429
    assert "Terlalu banyak" in resp.get_data(as_text=True)


def test_the_owner_gets_in_from_a_fresh_address_while_the_guessers_wait(app, make_user):
    user = make_user("manager")
    for i in range(3):
        assert _attempt(app, f"10.2.0.{i}", user.email).status_code == 401
    assert _attempt(app, "10.2.0.1", user.email).status_code == 429
    assert _attempt(app, "192.0.2.10", user.email, PASSWORD).status_code == 302
    # A successful sign-in clears the account's failures: the next guess is checked again.
    assert _attempt(app, "10.2.0.1", user.email).status_code == 401


def test_a_fresh_address_gets_one_guess_while_the_account_waits(app, make_user):
    user = make_user("manager")
    for _ in range(3):
        _attempt(app, "10.3.0.1", user.email)
    assert _attempt(app, "10.3.0.2", user.email).status_code == 401
    assert _attempt(app, "10.3.0.2", user.email, PASSWORD).status_code == 429


def test_an_unknown_account_is_throttled_like_a_real_one(app, make_user):
    statuses = [_attempt(app, "10.4.0.1", "nobody@example.test").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]


class TestHourlyCap:
    @pytest.fixture
    def app_config(self):
        return {"LOGIN_ACCOUNT_FREE_FAILURES": 3, "LOGIN_ACCOUNT_HOURLY_CAP": 5}

    def test_no_more_failures_an_hour_than_the_cap_from_any_number_of_addresses(self, app, make_user):
        user = make_user("manager")
        statuses = [_attempt(app, f"10.5.0.{i}", user.email).status_code for i in range(6)]
        assert statuses == [401, 401, 401, 401, 401, 429]  # 3 free, 2 fresh addresses, then the cap
        assert _attempt(app, "192.0.2.11", user.email, PASSWORD).status_code == 429
        _pass_time(3600)
        assert _attempt(app, "192.0.2.11", user.email, PASSWORD).status_code == 302


class TestSpray:
    @pytest.fixture
    def app_config(self):
        return {"LOGIN_RATE_LIMIT": "3 per minute"}

    def test_the_address_limit_stops_a_spray_across_accounts(self, app, make_user):
        emails = [make_user("member").email for _ in range(4)]
        statuses = [_attempt(app, "10.6.0.1", email).status_code for email in emails]
        assert statuses == [401, 401, 401, 429]
        assert _attempt(app, "10.6.0.2", emails[3], PASSWORD).status_code == 302


@pytest.mark.parametrize("storage", ["memory://", "govtrack+db://"])
class TestABranchOfficeBehindOneRouter:
    """Issue 17: about ten successful sign-ins a minute from one address answered 429. Successful
    sign-ins no longer use up the address's limit; failures still do, up to exactly the limit."""

    @pytest.fixture
    def app_config(self, storage):
        return {"LOGIN_RATE_LIMIT": "10 per minute", "RATELIMIT_STORAGE_URI": storage}

    def test_many_successful_sign_ins_from_one_address_all_get_in(self, app, make_user, storage):
        staff = [make_user(role) for role in ("member", "manager", "board") * 8]
        statuses = [_attempt(app, "10.7.0.1", user.email, PASSWORD).status_code for user in staff]
        assert statuses == [302] * 24
        for user in staff[:3]:  # the same people again, a minute's worth more
            assert _attempt(app, "10.7.0.1", user.email, PASSWORD).status_code == 302

    def test_failures_from_that_address_are_still_limited_at_exactly_the_limit(self, app, make_user, storage):
        users = [make_user("member") for _ in range(12)]
        statuses = []
        for i, user in enumerate(users[:10]):
            statuses.append(_attempt(app, "10.7.0.2", user.email).status_code)  # a wrong password each
            if i < 9:
                statuses.append(_attempt(app, "10.7.0.2", users[11].email, PASSWORD).status_code)
        assert statuses == [401, 302] * 9 + [401]  # the successes between the failures do not count
        resp = _attempt(app, "10.7.0.2", users[10].email)
        assert resp.status_code == 429 and int(resp.headers["Retry-After"]) >= 1
        # Past the limit even a right password waits: the address used its failures up.
        assert _attempt(app, "10.7.0.2", users[11].email, PASSWORD).status_code == 429
        assert _attempt(app, "10.7.0.3", users[10].email, PASSWORD).status_code == 302  # another address

    def test_nine_failures_leave_one_more_try(self, app, make_user, storage):
        user = make_user("member")
        assert [_attempt(app, "10.7.0.4", f"nobody{i}@example.test").status_code for i in range(9)] == [401] * 9
        for _ in range(5):
            assert _attempt(app, "10.7.0.4", user.email, PASSWORD).status_code == 302
        assert _attempt(app, "10.7.0.4", "nobody9@example.test").status_code == 401  # the tenth
        assert _attempt(app, "10.7.0.4", user.email, PASSWORD).status_code == 429


def test_the_database_counter_gives_hits_back_but_never_below_zero(app_context):
    from govtrack.core.ratelimit import DatabaseStorage

    storage = DatabaseStorage()
    assert storage.incr("k", 60) == 1 and storage.incr("k", 60) == 2
    assert storage.incr("k", 60, amount=-1) == 1
    assert storage.incr("k", 60, amount=-1) == 0 and storage.incr("k", 60, amount=-1) == 0
    assert storage.incr("fresh", 60, amount=-1) == 0  # a give-back never opens a window below zero
    assert storage.incr("fresh", 60) == 1 and storage.get("fresh") == 1
