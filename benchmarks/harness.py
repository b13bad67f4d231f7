"""Shared pieces of the benchmark scripts: a throwaway database and instance folder, the flask CLI,
a gunicorn server on a free loopback port, and a small table printer."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Env:
    """A database and an instance folder of our own, and the environment that points at them."""

    db: str = "sqlite"
    postgres_url: str | None = None
    redis_url: str | None = None
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="govtrack-bench-")))
    pg_dbname: str | None = None

    def __post_init__(self):
        (self.workdir / "instance").mkdir(parents=True, exist_ok=True)
        if self.db == "postgres":
            base = self.postgres_url or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
            self.pg_dbname = f"govtrack_bench_{os.getpid()}_{secrets.token_hex(3)}"
            _psql(base, f"DROP DATABASE IF EXISTS {self.pg_dbname}")
            _psql(base, f"CREATE DATABASE {self.pg_dbname}")
            self.url = base.rsplit("/", 1)[0] + "/" + self.pg_dbname
        else:
            self.url = f"sqlite:///{self.workdir / 'instance' / 'govtrack.sqlite3'}"

    @property
    def environ(self) -> dict:
        env = dict(os.environ)
        env.update(
            GOVTRACK_DATABASE_URL=self.url,
            GOVTRACK_SECRET_KEY="bench-secret-key",
            GOVTRACK_AUDIT_KEY="bench-audit-key",
            GOVTRACK_UPLOAD_DIR=str(self.workdir / "uploads"),
            GOVTRACK_CACHE_DIR=str(self.workdir / "cache"),
            GOVTRACK_LOGIN_RATE_LIMIT="100000 per minute",
            FLASK_APP="govtrack",
        )
        if self.redis_url:
            env["GOVTRACK_REDIS_URL"] = self.redis_url
        return env

    def flask(self, *args: str, input: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(VENV_BIN / "flask"), "--app", "govtrack", *args],
            env=self.environ, cwd=ROOT, input=input, text=True, capture_output=True, check=check,
        )

    def cleanup(self) -> None:
        if self.pg_dbname:
            base = self.url.rsplit("/", 1)[0] + "/postgres"
            with contextlib.suppress(Exception):
                _psql(base, f"DROP DATABASE IF EXISTS {self.pg_dbname} WITH (FORCE)")
        if os.environ.get("GOVTRACK_BENCH_KEEP"):
            print(f"kept {self.workdir} (GOVTRACK_BENCH_KEEP)", file=sys.stderr)
            return
        shutil.rmtree(self.workdir, ignore_errors=True)


def _psql(url: str, sql: str) -> None:
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(sql)


class Server:
    """gunicorn serving govtrack on 127.0.0.1 with N workers."""

    def __init__(self, env: Env, workers: int = 4):
        self.env, self.workers, self.port = env, workers, free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        # The server writes to its own copy of the descriptor: the parent closes its handle at once.
        with open(self.env.workdir / "gunicorn.log", "w") as log:
            self.proc = subprocess.Popen(
                [str(VENV_BIN / "gunicorn"), "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}",
                 "--graceful-timeout", "5", "--timeout", "60", "govtrack.wsgi:app"],
                env=self.env.environ, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as resp:  # noqa: S310
                    if resp.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start; see " + str(self.env.workdir / "gunicorn.log"))

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def print_table(headers: list[str], rows: list[list]) -> None:
    cells = [[str(h) for h in headers]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    line = "+".join("-" * (w + 2) for w in widths)
    print(line)
    for i, row in enumerate(cells):
        print(" | ".join(c.rjust(w) if i and c.replace(".", "").replace("-", "").isdigit() else c.ljust(w)
                         for c, w in zip(row, widths, strict=True)))
        if i == 0:
            print(line)
    print(line)
