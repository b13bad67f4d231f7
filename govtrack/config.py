"""Configuration: defaults, then the instance folder, then GOVTRACK_* environment variables."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit


def _instance_secret(instance_path: Path, name: str, nbytes: int = 32) -> str:
    """Read a secret kept in the instance folder, creating it once (mode 600) if it is missing."""
    instance_path.mkdir(parents=True, exist_ok=True)
    path = instance_path / name
    if not path.exists():
        value = secrets.token_hex(nbytes)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(value)
    return path.read_text().strip()


def _base_url(value: str | None) -> str | None:
    """GOVTRACK_BASE_URL: the public address links are built on, instead of the request's Host."""
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"GOVTRACK_BASE_URL must be an http(s) address like https://govtrack.example.org, not {value!r}")
    return value.rstrip("/")


def load_config(instance_path: Path, overrides: dict | None = None) -> dict:
    """Build the configuration mapping for create_app()."""
    env = os.environ
    overrides = overrides or {}
    db_url = env.get("GOVTRACK_DATABASE_URL") or f"sqlite:///{instance_path / 'govtrack.sqlite3'}"
    cfg: dict = {
        "SQLALCHEMY_DATABASE_URI": db_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BASE_URL": _base_url(env.get("GOVTRACK_BASE_URL")),
        "UPLOAD_DIR": env.get("GOVTRACK_UPLOAD_DIR") or str(instance_path / "uploads"),
        "CACHE_DIR": env.get("GOVTRACK_CACHE_DIR") or str(instance_path / "cache" / "app"),
        "MAX_UPLOAD_BYTES": int(env.get("GOVTRACK_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)),
        # The cooperative's name in open-data exports (the publisher of the OCDS package), and the
        # OCDS ocid prefix registered for it (the default is OCDS's prefix for tests and examples).
        "ORG_NAME": env.get("GOVTRACK_ORG_NAME", "Koperasi"),
        "OCDS_PREFIX": env.get("GOVTRACK_OCDS_PREFIX", "ocds-213czf"),
        # Its IATI organisation identifier (registration agency prefix and number): set your own.
        "IATI_ORG_REF": env.get("GOVTRACK_IATI_ORG_REF", "XX-GOVTRACK"),
        "REDIS_URL": env.get("GOVTRACK_REDIS_URL") or None,
        # Never memory://: each worker would count for itself (govtrack/core/ratelimit.py).
        "RATELIMIT_STORAGE_URI": env.get("GOVTRACK_REDIS_URL") or "govtrack+db://",
        # Off: Flask-Limiter would put its window's reset into Retry-After on every answer, over the
        # account throttle's own; the 429 handler says when the address may try again.
        "RATELIMIT_HEADERS_ENABLED": False,
        "LOGIN_RATE_LIMIT": env.get("GOVTRACK_LOGIN_RATE_LIMIT", "10 per minute"),
        # Per account (govtrack/auth/throttle.py): this many failures are free, then each further
        # attempt waits DELAY * 2**k seconds (k = failures past the free ones), at most MAX_DELAY;
        # never more than HOURLY_CAP failures an hour, from any number of addresses.
        "LOGIN_ACCOUNT_FREE_FAILURES": 5,
        "LOGIN_ACCOUNT_DELAY_SECONDS": 1,
        "LOGIN_ACCOUNT_MAX_DELAY_SECONDS": 900,
        "LOGIN_ACCOUNT_HOURLY_CAP": 100,
        "BABEL_DEFAULT_LOCALE": env.get("GOVTRACK_DEFAULT_LOCALE", "id"),
        "BABEL_DEFAULT_TIMEZONE": env.get("GOVTRACK_TIMEZONE", "Asia/Jakarta"),
        "LANGUAGES": ["id", "en"],
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env.get("GOVTRACK_SECURE_COOKIES", "0") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PERMANENT_SESSION_LIFETIME": int(env.get("GOVTRACK_SESSION_IDLE_SECONDS", 8 * 3600)),
        "SESSION_ABSOLUTE_SECONDS": int(env.get("GOVTRACK_SESSION_ABSOLUTE_SECONDS", 24 * 3600)),
        "PROXY_COUNT": int(env.get("GOVTRACK_PROXY_COUNT", 0)),
        "DUE_SOON_DAYS": int(env.get("GOVTRACK_DUE_SOON_DAYS", 14)),
        "ARGON2_TIME_COST": 3,
        "ARGON2_MEMORY_COST": 65536,
        "ARGON2_PARALLELISM": 4,
        # flask-smorest: the OpenAPI document at /api/v1/openapi.json
        "API_TITLE": "govtrack",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "SMTP_HOST": env.get("GOVTRACK_SMTP_HOST", "127.0.0.1"),
        "SMTP_PORT": int(env.get("GOVTRACK_SMTP_PORT", 25)),
        "SMTP_USER": env.get("GOVTRACK_SMTP_USER"),
        "SMTP_PASSWORD": env.get("GOVTRACK_SMTP_PASSWORD"),
        "SMTP_STARTTLS": env.get("GOVTRACK_SMTP_STARTTLS", "0") == "1",
        "MAIL_FROM": env.get("GOVTRACK_MAIL_FROM", "govtrack@localhost"),
    }
    cfg.update(overrides)
    # The request body may carry a form around the file; past this Flask answers 413 itself.
    cfg.setdefault("MAX_CONTENT_LENGTH", cfg["MAX_UPLOAD_BYTES"] + 1024 * 1024)
    if "SECRET_KEY" not in cfg:
        cfg["SECRET_KEY"] = env.get("GOVTRACK_SECRET_KEY") or _instance_secret(
            instance_path, "secret_key"
        )
    if "AUDIT_KEY" not in cfg:
        cfg["AUDIT_KEY"] = env.get("GOVTRACK_AUDIT_KEY") or _instance_secret(
            instance_path, "audit_key"
        )
    if cfg["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite does not pool across threads the way servers do; keep the defaults simple.
        cfg["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}
    return cfg
