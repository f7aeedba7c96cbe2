"""The one interface every way of reaching a device implements (host pipes, QEMU pty, serial port, …).

Lifecycle of a Transport:
  1. Construct it: the subclass starts or opens its device (process, pty, port).
  2. `write(data)` sends bytes; `read_line(timeout)` returns the next complete line without its CR/LF,
     or None when none arrived within `timeout` seconds. Both raise `EdgeqError` once the device end
     has gone away (process exited, port closed), naming what is known about why.
  3. `close()` releases everything; it is idempotent and safe on every exit path (also as a context
     manager).
Every command sent and line received is kept in order in `transcript` (bounded), so any failure can
show what the device said last.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections import deque
from pathlib import Path

from edgeq.transport.protocol import clean_line

TRANSCRIPT_LINES = 10_000


class Transport(ABC):
    def __init__(self) -> None:
        self._transcript: deque[str] = deque(maxlen=TRANSCRIPT_LINES)

    # -- what a subclass provides --------------------------------------------------------------------
    @abstractmethod
    def _send(self, data: bytes) -> None:
        """Send bytes to the device; raise EdgeqError if it is gone."""

    @abstractmethod
    def _receive_line(self, timeout: float) -> bytes | None:
        """One raw line (terminator may be included), None on timeout; raise EdgeqError if the device is gone."""

    @abstractmethod
    def close(self) -> None:
        """Release the device; idempotent."""

    # -- common behaviour ------------------------------------------------------------------------------
    def write(self, data: bytes) -> None:
        self._transcript.append("> " + data.decode("ascii", "replace"))
        self._send(data)

    def read_line(self, timeout: float) -> str | None:
        raw = self._receive_line(timeout)
        if raw is None:
            return None
        line = clean_line(raw)
        self._transcript.append("< " + line)
        return line

    @property
    def transcript(self) -> tuple[str, ...]:
        """Sent commands as `> cmd%`, received lines as `< line`."""
        return tuple(self._transcript)

    def tail(self, lines: int = 12) -> str:
        return "\n".join(list(self._transcript)[-lines:])

    def save_transcript(self, path: Path) -> None:
        Path(path).write_text("\n".join(self._transcript) + "\n", encoding="utf-8")

    def __enter__(self) -> "Transport":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
