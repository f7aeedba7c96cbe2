"""Per-mode results of a sweep kept under OUT/cache/, so a rerun redoes only what changed.

An entry is keyed by everything its figures depend on: the Keras model's bytes (sha256), the mode, the
target, the edgeq version, and the sweep settings (hashes of the calibration/training/validation files,
sample counts, QAT and bench options). Any change gives a new key; stale entries are simply not found.

Layout: OUT/cache/<mode>-<key16>/ holds `result.json` (a `ModeResult`) and the mode's artefacts
(`model.tflite`, the firmware build). An entry is written in a temporary sibling directory and renamed into
place only when complete, so an interrupted sweep never leaves an entry that looks finished.
Failures are cached only when they are a deterministic function of the key (conversion and the MCU
support check); a build or run failure may be the environment's (a missing tool) and is retried.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any, Mapping

from edgeq.sweep.record import LayerCost, ModeResult

CACHEABLE_FAILURES = frozenset({"convert", "check"})
RESULT_FILE = "result.json"
MODEL_FILE = "model.tflite"  # a result's `tflite` is cache/<key>/model.tflite, relative to the sweep directory


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def entry_key(model_sha256: str, mode: str, target_id: str, edgeq_version: str,
              settings: Mapping[str, Any]) -> str:
    blob = json.dumps({"model": model_sha256, "mode": mode, "target": target_id, "edgeq": edgeq_version,
                       "settings": settings}, sort_keys=True, default=str)
    return f"{mode}-{hashlib.sha256(blob.encode()).hexdigest()[:16]}"


class SweepCache:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def entry_dir(self, key: str) -> Path:
        return self.root / key

    def load(self, key: str) -> ModeResult | None:
        """The cached result with `cached=True`, or None when absent or unreadable (then it is redone)."""
        path = self.entry_dir(key) / RESULT_FILE
        try:
            data = json.loads(path.read_text())
            data["layers"] = tuple(LayerCost(**layer) for layer in data.get("layers", ()))
            result = ModeResult(**data)
        except (OSError, ValueError, TypeError):
            return None
        if result.tflite and not (self.entry_dir(key) / MODEL_FILE).is_file():
            return None
        return dataclasses.replace(result, cached=True)

    def work_dir(self, key: str) -> Path:
        """A fresh temporary directory to build an entry in; pass it to `store` or `discard`."""
        self.root.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{key}.", dir=self.root))

    def store(self, key: str, work: Path, result: ModeResult) -> bool:
        """Make `work` the entry for `key` if the result may be cached; False (and `work` removed) otherwise."""
        if result.status != "ok" and result.stage not in CACHEABLE_FAILURES:
            self.discard(work)
            return False
        (work / RESULT_FILE).write_text(json.dumps(dataclasses.asdict(result), indent=2))
        final = self.entry_dir(key)
        if final.exists():
            shutil.rmtree(final)
        work.rename(final)
        return True

    def discard(self, work: Path) -> None:
        shutil.rmtree(work, ignore_errors=True)

    def clear(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
