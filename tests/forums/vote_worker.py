"""A separate process that votes (or closes) on one motion through the services, for the
concurrency test. Usage: vote_worker.py DB_URL INSTANCE BARRIER MOTION_ID (close | MEMBER_ID...)

Prints one JSON line: {"accepted": [...], "refused": {code: n}, "errors": [...]}.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> None:
    url, instance, barrier, motion_id, *rest = sys.argv[1:]
    from govtrack import create_app
    from govtrack.errors import DomainError
    from govtrack.extensions import db
    from govtrack.forums import services
    from govtrack.forums.models import Motion

    app = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": instance,
        "SECRET_KEY": "test-secret-key-not-for-production", "AUDIT_KEY": "test-audit-key",
        "RATELIMIT_STORAGE_URI": "memory://",
    })
    out = {"accepted": [], "refused": {}, "errors": []}
    while not os.path.exists(barrier):  # start together with the other workers
        time.sleep(0.005)
    with app.app_context():
        for item in rest:
            # A POST request context: SQLite takes the write lock at BEGIN (BEGIN IMMEDIATE), as a
            # real request would.
            with app.test_request_context(method="POST"):
                try:
                    motion = db.session.get(Motion, int(motion_id))
                    if item == "close":
                        services.close_motion(actor="worker", motion=motion)
                    else:
                        member_id, choice = item.split(":")
                        services.cast_votes(actor="worker", motion=motion, votes=[(int(member_id), choice)])
                    db.session.commit()
                    out["accepted"].append(item)
                except DomainError as err:
                    db.session.rollback()
                    out["refused"][err.code] = out["refused"].get(err.code, 0) + 1
                except Exception as err:  # a 5xx in a server: the test fails on any of these
                    db.session.rollback()
                    out["errors"].append(f"{type(err).__name__}: {err}")
                finally:
                    db.session.remove()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
