"""The picture cache: atomic files, pruning, and a Redis that is down does not break the picture."""

from __future__ import annotations

import pytest

from govtrack.core.cache import FileCache, RedisCache, get_cache
from tests.network.conftest import AS_OF


def test_file_cache_round_trip_leaves_no_temporary_files(tmp_path):
    cache = FileCache(tmp_path / "c")
    assert cache.get("a.png") is None
    cache.put("a.png", b"one")
    cache.put("a.png", b"two")  # a second worker writing the same picture simply replaces it
    assert cache.get("a.png") == b"two"
    assert [p.name for p in (tmp_path / "c").iterdir()] == ["a.png"]


def test_file_cache_keeps_only_the_newest_files(tmp_path):
    import os

    cache = FileCache(tmp_path, max_files=3)
    for i in range(5):
        cache.put(f"k{i}", b"x")
        os.utime(tmp_path / f"k{i}", (1000 + i, 1000 + i))
    cache.put("k5", b"x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k3", "k4", "k5"]


def test_pruning_while_another_worker_removes_files_does_not_fail(tmp_path, monkeypatch):
    # Found by the fault run: two workers pruning at once, a listed file vanished before its stat.
    import os

    cache = FileCache(tmp_path, max_files=2)
    for i in range(3):
        (tmp_path / f"k{i}").write_bytes(b"x")
        os.utime(tmp_path / f"k{i}", (1000 + i, 1000 + i))
    real_scandir = os.scandir

    def scandir_then_vanish(path):
        entries = list(real_scandir(path))
        os.unlink(tmp_path / "k0")  # another worker's prune, between the listing and the stat
        return iter(entries)

    monkeypatch.setattr(os, "scandir", scandir_then_vanish)
    cache.put("k3", b"x")  # must not raise
    monkeypatch.setattr(os, "scandir", real_scandir)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k2", "k3"]


def test_pruning_removes_temporary_files_a_killed_worker_left(tmp_path):
    import os
    import time

    cache = FileCache(tmp_path)
    (tmp_path / ".tmp-old").write_bytes(b"half")
    old = time.time() - 2 * 3600
    os.utime(tmp_path / ".tmp-old", (old, old))
    (tmp_path / ".tmp-writing").write_bytes(b"being written now")
    cache.put("k", b"x")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".tmp-writing", "k"]


def test_file_cache_refuses_keys_that_are_paths(tmp_path):
    with pytest.raises(ValueError):
        FileCache(tmp_path).get("../secret_key")


class TestRedisConfigured:
    @pytest.fixture
    def app_config(self):
        return {"REDIS_URL": "redis://127.0.0.1:1/0"}  # nothing listens there

    def test_redis_is_used_and_a_dead_redis_only_costs_a_redraw(self, app, api_as, scenario):
        assert isinstance(get_cache(), RedisCache)
        resp = api_as("manager").get(f"/api/v1/network.png?as_of={AS_OF.isoformat()}")
        assert resp.status_code == 200 and resp.data[:4] == b"\x89PNG"

    def test_pictures_are_shared_through_redis(self, app, api_as, scenario, monkeypatch):
        from govtrack.network import render

        class FakeRedis(dict):
            def set(self, key, value, ex=None):
                self[key] = value

        cache = get_cache()
        monkeypatch.setattr(cache, "client", FakeRedis())
        calls = []
        real = render.compute_layout
        monkeypatch.setattr(render, "compute_layout", lambda g, *a, **kw: calls.append(1) or real(g, *a, **kw))
        client = api_as("manager")
        first = client.get(f"/api/v1/network.svg?as_of={AS_OF.isoformat()}").data
        assert client.get(f"/api/v1/network.svg?as_of={AS_OF.isoformat()}").data == first
        assert len(calls) == 1
        assert any(k.startswith("govtrack:cache:") and k.endswith(".svg") for k in cache.client)


def test_an_unwritable_cache_folder_only_costs_a_redraw(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")
    cache = FileCache(blocker / "cache")  # a folder below a file cannot be made
    cache.put("a.png", b"x")
    assert cache.get("a.png") is None
