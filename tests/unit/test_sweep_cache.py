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


def test_source_fingerprint_follows_every_source_file(tmp_path):
    """A kernel or template edited during development (edgeq's version unchanged) gives new cache keys."""
    from edgeq.sweep.cache import source_fingerprint

    kernels, templates = tmp_path / "firmware", tmp_path / "templates"
    (kernels / "kernels").mkdir(parents=True)
    templates.mkdir()
    (kernels / "kernels" / "conv.c").write_text("int conv(void) { return 1; }\n")
    (templates / "model.c.j2").write_text("{{ ops }}\n")
    (kernels / "__pycache__").mkdir()
    seen = {source_fingerprint(kernels, templates)}
    (kernels / "__pycache__" / "x.pyc").write_bytes(b"\0")  # byte code is not source
    source_fingerprint.cache_clear()
    assert source_fingerprint(kernels, templates) in seen
    (kernels / "kernels" / "conv.c").write_text("int conv(void) { return 2; }\n")
    source_fingerprint.cache_clear()
    seen.add(source_fingerprint(kernels, templates))
    (templates / "model.c.j2").rename(templates / "main.c.j2")  # a rename changes it too
    source_fingerprint.cache_clear()
    seen.add(source_fingerprint(kernels, templates))
    assert len(seen) == 3


def test_sweep_keys_carry_the_code_fingerprints():
    from edgeq.sweep.run import code_fingerprints

    converter, everything = code_fingerprints()
    assert converter != everything and len(converter) == len(everything) == 16


def test_a_record_of_an_older_schema_is_redone_not_a_crash():
    """A cached ModeResult written before a field was renamed is treated as absent (the mode is redone)."""
    from edgeq.sweep.run import _mode_from_record

    assert _mode_from_record({"mode": "int8", "status": "ok", "stage": "done", "latency_us": 3.0}, True) is None
    assert _mode_from_record({"mode": "int8", "status": "ok", "stage": "done", "layers": [{"index": 0}]}, True) is None
    assert _mode_from_record(None, True) is None
    ok = _mode_from_record({"mode": "int8", "status": "ok", "stage": "done"}, True)
    assert ok is not None and ok.cached and ok.mode == "int8"
