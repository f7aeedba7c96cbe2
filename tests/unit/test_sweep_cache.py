"""The sweep cache: keys change with every input, entries appear only when complete."""
from __future__ import annotations

from edgeq.sweep.cache import MODEL_FILE, SweepCache, entry_key
from edgeq.sweep.record import LayerCost, ModeResult


def test_key_depends_on_every_part():
    base = entry_key("abc", "int8", "mps2-an386", "0.1.0", {"val": "v1"})
    variants = [entry_key("abd", "int8", "mps2-an386", "0.1.0", {"val": "v1"}),
                entry_key("abc", "int4", "mps2-an386", "0.1.0", {"val": "v1"}),
                entry_key("abc", "int8", "mps2-an500", "0.1.0", {"val": "v1"}),
                entry_key("abc", "int8", "mps2-an386", "0.2.0", {"val": "v1"}),
                entry_key("abc", "int8", "mps2-an386", "0.1.0", {"val": "v2"})]
    assert len({base, *variants}) == 6
    assert base == entry_key("abc", "int8", "mps2-an386", "0.1.0", {"val": "v1"})
    assert base.startswith("int8-")


def test_store_and_load_round_trip(tmp_path):
    cache = SweepCache(tmp_path / "cache")
    key = entry_key("abc", "int8", "host", "0.1.0", {})
    assert cache.load(key) is None
    work = cache.work_dir(key)
    (work / MODEL_FILE).write_bytes(b"tflite")
    result = ModeResult("int8", "ok", "done", tflite=f"cache/{key}/{MODEL_FILE}", accuracy=0.5,
                        layers=(LayerCost(0, "CONV_2D", 30.5, 100, 400),))
    assert cache.store(key, work, result)
    loaded = cache.load(key)
    assert loaded is not None and loaded.cached
    assert loaded.layers == result.layers and loaded.accuracy == 0.5
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [key]


def test_an_entry_missing_its_model_is_redone(tmp_path):
    cache = SweepCache(tmp_path / "cache")
    key = entry_key("abc", "int8", "host", "0.1.0", {})
    work = cache.work_dir(key)
    (work / MODEL_FILE).write_bytes(b"x")
    cache.store(key, work, ModeResult("int8", "ok", "done", tflite=f"cache/{key}/{MODEL_FILE}"))
    (cache.entry_dir(key) / MODEL_FILE).unlink()
    assert cache.load(key) is None


def test_only_deterministic_failures_are_cached(tmp_path):
    cache = SweepCache(tmp_path / "cache")
    k1, k2 = entry_key("a", "fp16", "b", "v", {}), entry_key("a", "int8", "b", "v", {})
    assert cache.store(k1, cache.work_dir(k1), ModeResult("fp16", "failed", "check", reason="float16"))
    assert not cache.store(k2, cache.work_dir(k2), ModeResult("int8", "failed", "bench", reason="qemu gone"))
    assert cache.load(k1).reason == "float16"
    assert cache.load(k2) is None
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == [k1]  # no temp dirs left


def test_a_corrupt_entry_is_ignored(tmp_path):
    cache = SweepCache(tmp_path / "cache")
    key = entry_key("a", "fp32", "b", "v", {})
    cache.entry_dir(key).mkdir(parents=True)
    (cache.entry_dir(key) / "result.json").write_text("{not json")
    assert cache.load(key) is None
