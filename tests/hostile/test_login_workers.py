"""Issue 11, finding 5: the sign-in limits hold across worker processes without Redis. Three worker
processes of one deployment (sharing only the database, as the README's SQLite and PostgreSQL
set-ups without GOVTRACK_REDIS_URL do) hammer at once; no more guesses get through than one worker
would let through."""

from __future__ import annotations

from collections import Counter

import pytest

from govtrack.extensions import db
from tests.conftest import PASSWORD, csrf_token
from tests.hostile import login_worker

pytestmark = pytest.mark.slow


def _config(app, tmp_path, **extra) -> dict:
    # No RATELIMIT_STORAGE_URI: the workers use what a deployment without Redis uses.
    return {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "INSTANCE_PATH": str(tmp_path / "worker"), **extra}


def test_the_address_limit_holds_across_workers(app, tmp_path):
    with app.app_context():
        db.session.commit()  # end this process's read transaction: SQLite would make the workers wait
    config = _config(app, tmp_path, LOGIN_RATE_LIMIT="6 per minute")
    attempts = [[("203.0.113.7", f"w{w}-{i}@example.test", "wrong password, worker") for i in range(4)]
                for w in range(3)]
    statuses = Counter(s for result in login_worker.run(config, attempts) for s in result)
    # 12 guesses from one address at 6 a minute: 6 are answered, the other 6 wait, whichever worker.
    assert statuses == {401: 6, 429: 6}


def test_one_account_is_throttled_across_workers(app, tmp_path, make_user, client):
    email = make_user("manager").email
    db.session.commit()  # after reading the e-mail: outside a request SQLite's BEGIN takes the write lock
    config = _config(app, tmp_path, LOGIN_RATE_LIMIT="1000 per minute", LOGIN_ACCOUNT_FREE_FAILURES=4,
                     LOGIN_ACCOUNT_DELAY_SECONDS=600)
    attempts = [[("198.51.100.20", email, f"guess {w}-{i} at the password") for i in range(5)]
                for w in range(3)]
    statuses = Counter(s for result in login_worker.run(config, attempts) for s in result)
    # 15 guesses at one account: the first 4 are checked, every later one waits (10 minutes here).
    assert statuses == {401: 4, 429: 11}
    # The owner, from an address that guessed nothing, still gets in.
    client.environ_base["REMOTE_ADDR"] = "192.0.2.44"
    resp = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(client)})
    assert resp.status_code == 302
