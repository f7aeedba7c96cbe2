"""A one-line counter on stderr for commands that run longer than a few seconds (`validate` in QEMU or on a
board): `samples 37/128 (12 s)`, rewritten in place. Only on a terminal; piped or captured stderr gets
nothing, so scripts and --json output stay clean."""
from __future__ import annotations

import sys
import time
from typing import Callable, TextIO

REDRAW_S = 0.2  # at most five redraws a second


def counter(label: str, stream: TextIO | None = None,
            tty: bool | None = None) -> Callable[[int, int], None] | None:
    """A `progress(done, total)` callback drawing `label done/total (elapsed)`, cleared when done == total;
    None when `stream` (default stderr) is not a terminal."""
    out = stream if stream is not None else sys.stderr
    if not (out.isatty() if tty is None else tty):
        return None
    start = time.monotonic()
    last = [float("-inf")]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - last[0] < REDRAW_S:
            return
        last[0] = now
        line = f"{label} {done}/{total} ({now - start:.0f} s)"
        out.write("\r" + line + ("\r" + " " * len(line) + "\r" if done >= total else ""))
        out.flush()

    return progress
