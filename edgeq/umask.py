"""Give files made by `tempfile` the permissions of an ordinary file before they are moved into place.

`tempfile.mkstemp` creates 0600 files and `mkdtemp` 0700 directories whatever the user's umask; moved into
place with `os.replace`/`os.rename` they would keep those modes (a model nobody else can read, a build
directory a CI runner's other user cannot enter). `as_created(path)` sets the mode `open()`/`mkdir()` would
have given: 0666 or 0777 without the bits in the process umask.
"""
from __future__ import annotations

import os
from pathlib import Path


def current_umask() -> int:
    """The process umask, read without changing it (Linux /proc); else set-and-restore."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def as_created(path: str | Path) -> None:
    """chmod `path` (a file or a directory, not followed if a symlink) to what a plain create would give."""
    path = Path(path)
    base = 0o777 if path.is_dir() else 0o666
    os.chmod(path, base & ~current_umask())
