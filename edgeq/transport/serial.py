"""Transport over a serial port with pyserial: a board's UART (USB CDC, USB-serial adapter) or QEMU's pty.

Lines are assembled from whatever bytes arrive. Bytes outside printable ASCII (plus CR, LF, TAB) are
garbage: the protocol never sends them, so after the first clean protocol line (`m-…`/`e-…`) a garbled
line raises EdgeqError at once (wrong baud rate, a crashed firmware printing memory). Before that,
garbled lines are recorded and skipped, because real boards often emit a stray byte while their UART pins
come up.
"""
from __future__ import annotations

import time

from edgeq.errors import EdgeqError
from edgeq.transport.base import Transport

MAX_LINE = 64 * 1024     # a line longer than this is garbage too (no protocol line comes close)
_ALLOWED = frozenset(range(0x20, 0x7F)) | {0x09, 0x0A, 0x0D}


def garbage_bytes(raw: bytes) -> bytes:
    """The bytes of `raw` the protocol never sends."""
    return bytes(b for b in raw if b not in _ALLOWED)


class SerialTransport(Transport):
    def __init__(self, port: str, baudrate: int = 115200, what: str | None = None) -> None:
        super().__init__()
        import serial  # pyserial: a core dependency, imported here to keep module import light

        self.port = port
        self.what = what or f"serial port {port}"
        try:
            self._serial = serial.Serial(port, baudrate=baudrate, timeout=0.05, write_timeout=10)
        except (serial.SerialException, OSError) as err:
            raise EdgeqError(f"cannot open {self.what}: {err}",
                             "check the port name (ls /dev/ttyACM* /dev/ttyUSB*), that the board is plugged "
                             "in, and that you may use it (group dialout)") from None
        self._buffer = bytearray()
        self._synced = False
        self._closed = False

    # -- errors a subclass (QEMU) can enrich ---------------------------------------------------------
    def _gone(self, detail: str) -> EdgeqError:
        return EdgeqError(f"{self.what} went away: {detail}\nlast protocol lines:\n{self.tail()}",
                          "check the cable and the board's power; then run the command again")

    # -- Transport -------------------------------------------------------------------------------------
    def _send(self, data: bytes) -> None:
        if self._closed:
            raise EdgeqError("transport already closed", "open a new one")
        try:
            self._serial.write(data)
            self._serial.flush()
        except Exception as err:  # SerialException / OSError / SerialTimeoutException
            raise self._gone(f"write failed ({err})") from None

    def _read_some(self, timeout: float) -> bytes:
        self._serial.timeout = max(0.0, min(timeout, 0.05))
        try:
            return self._serial.read(max(1, self._serial.in_waiting))
        except Exception as err:
            raise self._gone(f"read failed ({err})") from None

    def _receive_line(self, timeout: float) -> bytes | None:
        deadline = time.monotonic() + max(timeout, 0.0)
        while True:
            newline = self._buffer.find(b"\n")
            if newline >= 0:
                raw = bytes(self._buffer[:newline + 1])
                del self._buffer[:newline + 1]
                if self._accept(raw):
                    return raw
                continue
            if len(self._buffer) > MAX_LINE:
                raw = bytes(self._buffer)
                self._buffer.clear()
                self._garbage(raw, f"a line longer than {MAX_LINE} bytes without a newline")
                continue
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            self._buffer += self._read_some(remaining)

    def _accept(self, raw: bytes) -> bool:
        bad = garbage_bytes(raw)
        if bad:
            self._garbage(raw, f"{len(bad)} byte(s) outside printable ASCII")
            return False
        text = raw.strip()
        if text.startswith((b"m-", b"e-")):
            self._synced = True
        return True

    def _garbage(self, raw: bytes, what: str) -> None:
        shown = raw[:48].hex(" ") + (" …" if len(raw) > 48 else "")
        self._transcript.append(f"< [garbage: {what}: {shown}]")
        if self._synced:
            raise EdgeqError(
                f"garbage on the line from {self.what}: {what} ({shown})\nlast protocol lines:\n{self.tail()}",
                "the baud rate may not match the firmware's (see the board's console.baud), or the firmware "
                "crashed and printed memory; reset the board and retry")

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._serial.close()
        except Exception:
            pass
