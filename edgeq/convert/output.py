"""Output files: refuse to overwrite without `force`, write atomically (temp file in the same directory,
then `os.replace`), so an interrupted or failed run never leaves a half-written model behind."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from edgeq.errors import EdgeqError
from edgeq.umask import as_created


def check_target(path: Path, force: bool) -> None:
    if path.is_dir():
        raise EdgeqError(f"output {path} is a directory", "give a file path, e.g. model_int8.tflite")
    if path.exists() and not force:
        raise EdgeqError(f"output {path} already exists", "pass --force to overwrite it, or choose another path")
    if not path.parent.exists():
        raise EdgeqError(f"output directory {path.parent} does not exist", "create it first")


def write_atomic(path: Path, data: bytes, force: bool) -> None:
    check_target(path, force)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        as_created(tmp)  # mkstemp makes it 0600; the model gets the user's umask like any written file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
