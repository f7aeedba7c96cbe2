"""Transport to a host build of the firmware: the program runs as a subprocess, its stdin/stdout are the
UART (firmware/ports/host). stderr is collected separately, so sanitizer reports reach the error message.
"""
from __future__ import annotations

import os
import queue
import select
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import IO, Sequence

from edgeq.errors import EdgeqError
from edgeq.process_group import group_options
from edgeq.transport.base import Transport

_EOF = b""
_STDERR_KEEP = 64 * 1024


class HostTransport(Transport):
    """Runs `binary` (plus `args`) in its own process group; killed with the group on close.

    A write that the program does not take within `write_timeout` seconds (it stopped reading, e.g. a hung
    kernel, and the pipe is full) kills the program and raises, like the serial port's write timeout."""

    def __init__(self, binary: Path, args: Sequence[str] = (), env: dict[str, str] | None = None,
                 write_timeout: float = 30.0) -> None:
        super().__init__()
        self.binary = Path(binary)
        self.write_timeout = write_timeout
        if not self.binary.is_file():
            raise EdgeqError(f"host program not found: {self.binary}", "build it with `edgeq build MODEL --target host`")
        self._proc = subprocess.Popen(
            [str(self.binary), *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=env, **group_options())
        self._stdin: IO[bytes] = self._proc.stdin  # type: ignore[assignment]  # PIPE was requested
        os.set_blocking(self._stdin.fileno(), False)  # writes wait in select(), with a timeout
        self._lines: queue.Queue[bytes] = queue.Queue()
        self._stderr = bytearray()
        self._threads = [
            threading.Thread(target=self._pump_stdout, args=(self._proc.stdout,), daemon=True),
            threading.Thread(target=self._pump_stderr, args=(self._proc.stderr,), daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        self._closed = False

    def _pump_stdout(self, stream: IO[bytes]) -> None:
        for line in iter(stream.readline, b""):
            self._lines.put(line)
        self._lines.put(_EOF)

    def _pump_stderr(self, stream: IO[bytes]) -> None:
        for chunk in iter(lambda: stream.read1(4096), b""):
            self._stderr += chunk
            del self._stderr[:-_STDERR_KEEP]

    @property
    def stderr(self) -> str:
        return self._stderr.decode("utf-8", "replace")

    def _gone(self) -> EdgeqError:
        try:
            code = self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        for thread in self._threads:
            thread.join(timeout=2)
        detail = f"exited with code {code}" if code is not None else "closed its output"
        if code is not None and code < 0:
            detail = f"was killed by signal {-code} ({signal.Signals(-code).name})"
        err = self.stderr.strip()
        return EdgeqError(
            f"host program {self.binary.name} {detail}"
            + (f"; its stderr:\n{err[-4000:]}" if err else "")
            + f"\nlast protocol lines:\n{self.tail()}",
            "a crash here is a bug in the generated code or a kernel: rerun with sanitizers "
            "(`edgeq.compile_host(model, sanitize=True)`) to locate it")

    def _send(self, data: bytes) -> None:
        if self._closed:
            raise EdgeqError("transport already closed", "open a new one")
        fd = self._stdin.fileno()
        view = memoryview(data)
        deadline = time.monotonic() + self.write_timeout
        try:
            while view:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not select.select([], [fd], [], remaining)[1]:
                    self._kill()
                    raise EdgeqError(
                        f"host program {self.binary.name} stopped reading its input "
                        f"({len(view)} of {len(data)} bytes not taken after {self.write_timeout:g} s); killed it"
                        f"\nlast protocol lines:\n{self.tail()}",
                        "a hang here is a bug in the generated code or a kernel: please report it")
                try:
                    view = view[os.write(fd, view):]
                except BlockingIOError:
                    continue
        except OSError:  # BrokenPipeError: the program has ended
            raise self._gone() from None

    def _kill(self) -> None:
        try:
            os.killpg(self._proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._proc.wait()

    def _receive_line(self, timeout: float) -> bytes | None:
        try:
            line = self._lines.get(timeout=max(timeout, 0.0))
        except queue.Empty:
            return None
        if line == _EOF:
            self._lines.put(_EOF)  # stay at end of file for later reads
            raise self._gone()
        return line

    @property
    def returncode(self) -> int | None:
        return self._proc.poll()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._stdin.close()  # end of input: the host port exits 0
        except OSError:
            pass
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._kill()
        for thread in self._threads:
            thread.join(timeout=2)
        for stream in (self._proc.stdout, self._proc.stderr):
            if stream is not None:
                stream.close()
