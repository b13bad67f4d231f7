"""Another worker process of the same deployment, for the shared rate-limit test: it signs in with
a wrong password from the given addresses and prints the HTTP statuses as one JSON line.

Usage: login_worker.py DB_URL INSTANCE STORAGE_URI KEY_PREFIX LIMIT EMAIL ADDRESS...
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> None:
    url, instance, storage, prefix, limit, email, *addresses = sys.argv[1:]
    from govtrack import create_app

    app = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": instance,
        "SECRET_KEY": "test-secret-key-not-for-production", "AUDIT_KEY": "test-audit-key",
        "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1,
        "RATELIMIT_STORAGE_URI": storage, "RATELIMIT_KEY_PREFIX": prefix, "LOGIN_RATE_LIMIT": limit,
        "BABEL_DEFAULT_LOCALE": "en",
    })
    statuses = []
    for address in addresses:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        html = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        resp = client.post("/login", data={"email": email, "password": "wrong password, worker",
                                           "csrf_token": token})
        statuses.append(resp.status_code)
    print(json.dumps(statuses))


if __name__ == "__main__":
    main()
