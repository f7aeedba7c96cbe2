"""Build (or load from the cache) the zoo of one-layer models: `build_zoo(cache_dir) -> list[ZooCase]`.

Each spec in cases.py is converted once: its cache entry is `<cache_dir>/<name>-<key>/` where the key hashes
the spec, the TensorFlow/Keras versions and the worker's source, so a changed spec, converter or worker
makes a new entry. Missing entries are converted together in ONE subprocess (TensorFlow imports once;
this process never imports it), into temporary directories renamed into place only when complete. A file
lock serializes concurrent pytest runs sharing the cache.
"""
from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from zoo.cases import CASES

_WORKER = Path(__file__).with_name("convert_worker.py")


@dataclass(frozen=True)
class ZooCase:
    """One converted model: spec `name` in one `variant` ("int8", "fp32", "int8_float_io", "uint8_io")."""

    name: str
    variant: str
    expect: tuple[str, ...]  # opcodes the quantized model must contain
    path: Path | None        # the .tflite, or None when conversion failed
    error: str = ""          # why conversion failed

    @property
    def id(self) -> str:
        return f"{self.name}-{self.variant}"


def case_ids() -> list[str]:
    """Every case id, without converting anything (for test parametrization at collection time)."""
    return [f"{spec['name']}-{variant}" for spec in CASES for variant in spec["variants"]]


def _versions() -> str:
    return ",".join(f"{pkg}={importlib.metadata.version(pkg)}" for pkg in ("tensorflow", "keras"))


def _key(spec: dict, salt: str) -> str:
    text = json.dumps(spec, sort_keys=True) + salt
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def build_zoo(cache_dir: Path, timeout_s: float = 900.0) -> list[ZooCase]:
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    salt = _versions() + hashlib.sha256(_WORKER.read_bytes()).hexdigest()
    entries = {spec["name"]: cache_dir / f"{spec['name']}-{_key(spec, salt)}" for spec in CASES}
    errors: dict[str, str] = {}
    with open(cache_dir / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        missing = [spec for spec in CASES if not entries[spec["name"]].is_dir()]
        if missing:
            errors = _convert(missing, entries, cache_dir, timeout_s)
        _prune(cache_dir, set(entries.values()))
    cases = []
    for spec in CASES:
        entry = entries[spec["name"]]
        for variant in spec["variants"]:
            path = entry / f"{variant}.tflite"
            ok = path.is_file()
            cases.append(ZooCase(spec["name"], variant, tuple(spec["expect"]), path if ok else None,
                                 "" if ok else errors.get(spec["name"], "conversion produced no file")))
    return cases


def zoo_cache_dir(rootpath: Path) -> Path:
    """Where converted cases are cached: $EDGEQ_ZOO_CACHE (a private cache, e.g. for a concurrent session),
    else `.pytest_cache/edgeq_zoo` under the test run's root."""
    return Path(os.environ.get("EDGEQ_ZOO_CACHE") or Path(rootpath) / ".pytest_cache" / "edgeq_zoo")


def zoo_cases(rootpath: Path) -> dict[str, ZooCase]:
    """Every case by id, converted (or read from the cache)."""
    return {case.id: case for case in build_zoo(zoo_cache_dir(rootpath))}


def zoo_case(rootpath: Path, case_id: str) -> ZooCase:
    """One case that must have converted (an AssertionError with the converter's output otherwise)."""
    case = zoo_cases(rootpath)[case_id]
    assert case.path is not None, f"{case_id} did not convert:\n{case.error}"
    return case


def _prune(cache_dir: Path, keep: set[Path]) -> None:
    """Remove entries of older specs or converter versions (names `<case>-<16 hex digits>`)."""
    for entry in cache_dir.iterdir():
        if entry.is_dir() and entry not in keep and re.fullmatch(r".+-[0-9a-f]{16}", entry.name):
            shutil.rmtree(entry, ignore_errors=True)


def _convert(specs: list[dict], entries: dict[str, Path], cache_dir: Path, timeout_s: float) -> dict[str, str]:
    """Convert `specs` in one worker process; move complete results into place; return errors by name."""
    errors: dict[str, str] = {}
    with tempfile.TemporaryDirectory(dir=cache_dir, prefix=".tmp-") as tmp:
        tmp = Path(tmp)
        jobs = []
        for spec in specs:
            out = tmp / spec["name"]
            out.mkdir()
            jobs.append({"spec": spec, "out_dir": str(out)})
        (tmp / "jobs.json").write_text(json.dumps(jobs))
        try:
            proc = subprocess.run([sys.executable, str(_WORKER), str(tmp / "jobs.json")], capture_output=True,
                                  text=True, timeout=timeout_s)
            worker_note = f"converter worker exited with {proc.returncode}: {proc.stderr[-2000:]}"
        except subprocess.TimeoutExpired:
            worker_note = f"converter worker timed out after {timeout_s} s"
        for spec in specs:
            out = tmp / spec["name"]
            if (out / "error.txt").is_file():
                errors[spec["name"]] = (out / "error.txt").read_text()
            elif all((out / f"{v}.tflite").is_file() for v in spec["variants"]):
                (out / "spec.json").write_text(json.dumps(spec, indent=1, sort_keys=True))
                shutil.move(str(out), entries[spec["name"]])
            else:
                errors[spec["name"]] = worker_note
    return errors
