"""Work a sweep has done, kept under OUT/cache/ so a rerun redoes only what changed.

Two kinds of entry, each keyed by everything its content depends on (`entry_key`):
  convert-<mode>-<hash>   a conversion: `model.tflite` (or the converter's failure), keyed by the Keras
                          model's sha256, the mode, the conversion settings and the edgeq version — shared by
                          sweeps of the same model on different targets;
  <mode>-<hash>           a mode's result on one target (`ModeResult` plus the firmware build), keyed by the
                          conversion key, the target, the validation data and the bench settings.
Both keys also carry `source_fingerprint` of the code that produced the entry (the converter's sources for a
conversion; edgeq, firmware/, templates/ and the board files for a result), so a kernel or codegen change
during development redoes the work instead of reusing figures of the old code.
Any change gives a new key; stale entries are simply not found again.

An entry is built in a temporary sibling directory and renamed into place only when complete, with an
`entry.json` naming the files it must contain; an entry whose JSON is unreadable or whose files are gone is
treated as absent (and redone), so an interrupted sweep never leaves something that looks finished.
`lock(key)` lets cells running at once in several processes do a shared entry (a conversion every target
needs) once: the others wait for it, then find it sealed.
"""
from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterator, Mapping

from edgeq.umask import as_created

ENTRY_FILE = "entry.json"


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@functools.lru_cache(maxsize=None)
def source_fingerprint(*roots: Path) -> str:
    """sha256 (16 hex) over every file under `roots` (relative path and content; caches and hidden files
    skipped). Computed once per process: a few MB of sources hash in tens of milliseconds."""
    digest = hashlib.sha256()
    for root in roots:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            rel = path.relative_to(root.parent)
            if "__pycache__" in rel.parts or any(part.startswith(".") for part in rel.parts):
                continue
            digest.update(str(rel).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def entry_key(prefix: str, parts: Mapping[str, Any]) -> str:
    """`prefix-<16 hex>` from a canonical JSON of `parts` (everything the entry depends on)."""
    blob = json.dumps(parts, sort_keys=True, default=str)
    return f"{prefix}-{hashlib.sha256(blob.encode()).hexdigest()[:16]}"


class SweepCache:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def entry_dir(self, key: str) -> Path:
        return self.root / key

    def load(self, key: str) -> dict | None:
        """The stored record, or None when the entry is absent, unreadable or incomplete."""
        entry = self.entry_dir(key)
        try:
            data = json.loads((entry / ENTRY_FILE).read_text())
            record, files = data["record"], data["files"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not isinstance(record, dict) or not all((entry / name).exists() for name in files):
            return None
        return record

    @contextlib.contextmanager
    def lock(self, key: str) -> Iterator[None]:
        """Hold `key` exclusively across processes (a file lock under .locks/, released when the holder exits
        or dies); load the entry again inside: whoever held it before may have sealed it."""
        locks = self.root / ".locks"
        locks.mkdir(parents=True, exist_ok=True)
        with open(locks / f"{key}.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield

    def work_dir(self, key: str) -> Path:
        """A fresh temporary directory to build an entry in; hand it to `store` or `discard`."""
        self.root.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{key}.", dir=self.root))

    def store(self, key: str, work: Path, record: Mapping[str, Any], files: tuple[str, ...] = ()) -> Path:
        """Seal `work` as the entry for `key` (replacing an older one); returns the entry directory.

        Cells of a grid run at once in several processes (or on machines sharing the sweep directory), so two
        may seal the same key: the older entry is first moved aside (one rename) and the new one renamed into
        place; when another process sealed it in between, its entry is kept (the key names the content, so
        both are the same work) and `work` is discarded."""
        (work / ENTRY_FILE).write_text(json.dumps({"record": dict(record), "files": list(files)}, indent=2))
        final = self.entry_dir(key)
        as_created(work)  # mkdtemp makes it 0700
        old = None
        if final.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{key}.old.", dir=self.root))
            try:
                final.rename(old / "entry")
            except OSError:  # moved aside by another process
                pass
        try:
            work.rename(final)
        except OSError:  # sealed by another process in between
            self.discard(work)
            if self.load(key) is None:
                raise
        finally:
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        return final

    def discard(self, work: Path) -> None:
        shutil.rmtree(work, ignore_errors=True)

    def clear(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
