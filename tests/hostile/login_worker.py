"""Another worker process of the same deployment, for the shared sign-in limit tests: it builds the
app with the given configuration, signs in with each (address, e-mail, password) in turn and prints
the HTTP statuses as one JSON line.

Usage: login_worker.py CONFIG_JSON ATTEMPTS_JSON   (ATTEMPTS_JSON: [[address, email, password], ...])
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> None:
    config, attempts = json.loads(sys.argv[1]), json.loads(sys.argv[2])
    from govtrack import create_app  # after the sys.path line above: run as a plain script

    app = create_app({
        "TESTING": True, "SECRET_KEY": "test-secret-key-not-for-production", "AUDIT_KEY": "test-audit-key",
        "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1,
        "BABEL_DEFAULT_LOCALE": "en", **config,
    })
    statuses = []
    for address, email, password in attempts:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        html = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        resp = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
        statuses.append(resp.status_code)
    print(json.dumps(statuses))


def run(config: dict, attempt_lists: list[list[tuple[str, str, str]]]) -> list[list[int]]:
    """Start one worker process per list of attempts, all at once, and return their statuses.

    The workers get no GOVTRACK_REDIS_URL: they share only what the configuration gives them."""
    env = {k: v for k, v in os.environ.items() if k != "GOVTRACK_REDIS_URL"}
    procs = [
        subprocess.Popen([sys.executable, __file__, json.dumps(config), json.dumps(attempts)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for attempts in attempt_lists
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0 and "Traceback" not in err, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


if __name__ == "__main__":
    main()
