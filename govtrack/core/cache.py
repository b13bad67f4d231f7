"""A small byte cache (rendered pictures, computed summaries), safe with several workers.

Files under the instance folder, written to a temporary file in the same folder and moved into
place with os.replace (atomic on POSIX and Windows), so a reader never sees half a picture and two
workers rendering the same picture at once simply both write the same bytes. With
GOVTRACK_REDIS_URL (or REDIS_URL) set, Redis is used instead so that several hosts share it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)

_KEY = re.compile(r"^[A-Za-z0-9_.-]{1,200}$")
MAX_FILES = 500
TTL_SECONDS = 7 * 24 * 3600
STALE_TMP_SECONDS = 3600  # a temporary file this old belongs to a worker that died writing it


class FileCache:
    """Rendered bytes in files named by key."""

    def __init__(self, directory: Path, max_files: int = MAX_FILES):
        self.directory = Path(directory)
        self.max_files = max_files

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise ValueError("bad cache key")
        return self.directory / key

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except OSError:  # missing, or the folder is unusable: draw afresh
            return None

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
        except OSError:
            log.warning("cache: cannot write under %s", self.directory)
            return
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except OSError:
            # A full or read-only disk costs a redraw next time, not the answer.
            log.warning("cache: cannot write %s", key)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            return
        self._prune()

    def _prune(self) -> None:
        """Keep the newest `max_files` entries, and drop temporary files a killed worker left behind.
        Other workers prune the same folder at the same time: a file may vanish between listing it
        and looking at it, which only means someone else removed it."""
        now = time.time()
        entries: list[tuple[float, str]] = []
        try:
            listing = list(os.scandir(self.directory))
        except OSError:
            return
        for e in listing:
            try:
                mtime = e.stat().st_mtime
            except FileNotFoundError:
                continue
            if e.name.startswith(".tmp-"):
                if now - mtime > STALE_TMP_SECONDS:
                    with contextlib.suppress(OSError):
                        os.unlink(e.path)
            elif not e.name.startswith("."):
                entries.append((mtime, e.path))
        if len(entries) <= self.max_files:
            return
        entries.sort()
        for _mtime, path in entries[: len(entries) - self.max_files]:
            with contextlib.suppress(OSError):
                os.unlink(path)


class RedisCache:
    """Rendered bytes in Redis, expiring after a week."""

    def __init__(self, url: str, prefix: str = "govtrack:cache:"):
        import redis  # only where GOVTRACK_REDIS_URL is set: the file cache needs no client

        self.client = redis.Redis.from_url(url)
        self.prefix = prefix

    def get(self, key: str) -> bytes | None:
        try:
            return self.client.get(self.prefix + key)
        except Exception:  # noqa: BLE001 - a cache that is down must not break the page
            log.warning("cache: redis unavailable for get")
            return None

    def put(self, key: str, data: bytes) -> None:
        try:
            self.client.set(self.prefix + key, data, ex=TTL_SECONDS)
        except Exception:  # noqa: BLE001
            log.warning("cache: redis unavailable for put")


def get_cache() -> FileCache | RedisCache:
    """The cache for this app: Redis when configured, else files under the instance folder."""
    app = current_app
    ext = app.extensions.setdefault("govtrack_cache", {})
    if "cache" not in ext:
        url = app.config.get("REDIS_URL") or os.environ.get("REDIS_URL")
        if url:
            ext["cache"] = RedisCache(url)
        else:
            directory = app.config.get("CACHE_DIR") or Path(app.config.get("INSTANCE_PATH") or app.instance_path) / "cache" / "app"
            ext["cache"] = FileCache(Path(directory))
    return ext["cache"]


def remember_json(key: str, compute: Callable[[], object]):
    """The JSON value cached under `key`, computed (and stored) when missing. The key must say
    everything the value depends on (see govtrack.core.versions for the data it was read from)."""
    cache = get_cache()
    raw = cache.get(key)
    if raw is not None:
        try:
            return json.loads(raw)
        except ValueError:  # a damaged entry is recomputed
            pass
    value = compute()
    cache.put(key, json.dumps(value, separators=(",", ":"), default=str).encode())
    return value
