"""The sweep cache: keys change with every input, entries appear only when complete."""
from __future__ import annotations

from edgeq.sweep.cache import SweepCache, entry_key, file_sha256


def test_key_depends_on_every_part():
    parts = {"model": "abc", "mode": "int8", "target": "mps2-an386", "edgeq": "0.1.0", "val": "v1"}
    base = entry_key("int8", parts)
    variants = {entry_key("int8", {**parts, name: parts[name] + "x"}) for name in parts}
    assert len(variants | {base}) == len(parts) + 1
    assert base == entry_key("int8", dict(reversed(list(parts.items()))))  # order-independent
    assert base.startswith("int8-") and len(base) == len("int8-") + 16


def test_store_and_load_round_trip(tmp_path):
    cache = SweepCache(tmp_path / "cache")
    key = entry_key("int8", {"m": 1})
    assert cache.load(key) is None
    work = cache.work_dir(key)
    (work / "model.tflite").write_bytes(b"tflite")
    entry = cache.store(key, work, {"accuracy": 0.5}, files=("model.tflite",))
    assert entry == cache.entry_dir(key)
    assert cache.load(key) == {"accuracy": 0.5}
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [key]  # no temporary directory left


def test_an_entry_missing_a_file_is_redone(tmp_path):
    cache = SweepCache(tmp_path / "cache")
    key = entry_key("int8", {})
    work = cache.work_dir(key)
    (work / "model.tflite").write_bytes(b"x")
    cache.store(key, work, {"ok": True}, files=("model.tflite",))
    (cache.entry_dir(key) / "model.tflite").unlink()
    assert cache.load(key) is None


def test_an_unfinished_or_corrupt_entry_is_ignored(tmp_path):
    cache = SweepCache(tmp_path / "cache")
    key = entry_key("fp32", {})
    work = cache.work_dir(key)  # never stored: an interrupted sweep
    assert cache.load(key) is None
    cache.discard(work)
    assert not work.exists()
    cache.entry_dir(key).mkdir(parents=True)
    (cache.entry_dir(key) / "entry.json").write_text("{not json")
    assert cache.load(key) is None


def test_storing_again_replaces_the_entry(tmp_path):
    cache = SweepCache(tmp_path / "cache")
    key = entry_key("int8", {})
    cache.store(key, cache.work_dir(key), {"n": 1})
    cache.store(key, cache.work_dir(key), {"n": 2})
    assert cache.load(key) == {"n": 2}


def test_file_sha256(tmp_path):
    import hashlib

    (tmp_path / "f").write_bytes(b"edgeq" * 1000)
    assert file_sha256(tmp_path / "f") == hashlib.sha256(b"edgeq" * 1000).hexdigest()
