"""Run firmware in QEMU and talk to its UART through a pty: the same SerialTransport path as a real port.

Lifecycle of a QemuTransport:
  1. `qemu_command()` (pure) builds the command line from the board's [emulator] table: `-icount
     shift=0,align=off,sleep=off` (1 instruction = 1 virtual ns, deterministic), the UART on a pty
     chardev with a logfile (the logfile keeps everything, also what was sent before edgeq attached),
     semihosting on so the firmware's exit code becomes QEMU's.
  2. `QemuProcess` starts QEMU in its own process group, reads the pty path QEMU prints, and kills the
     whole group on close, on garbage collection and at interpreter exit: an orphaned QEMU spins at
     100 % CPU.
  3. `QemuTransport` opens the pty with pyserial; with `boot_output_timeout` (for a firmware that announces
     itself at boot, as edgeq's DUT firmware does with `m-init-done`) it then waits for the first UART output
     in the logfile: a UART whose receiver is not enabled yet drops what it receives (QEMU's STM32 USART
     does), so a command sent while the board is still in its init sequence would be lost.
     When QEMU ends while edgeq waits for a line, the error says how (exit code: HardFault, stack overflow, the firmware's own code, a signal) and quotes the
     last UART lines from the logfile.
"""
from __future__ import annotations

import atexit
import itertools
import os
import re
import shutil
import signal
import struct
import subprocess
import threading
import time
import weakref
from pathlib import Path

from edgeq.errors import EdgeqError
from edgeq.process_group import group_options, kill_group as _kill_group
from edgeq.targets.boards import Board
from edgeq.transport.serial import SerialTransport

QEMU = "qemu-system-arm"
START_TIMEOUT_S = 10.0
# Exit codes the Cortex-M port gives the emulator (firmware/ports/cortex-m/edgeq_cortexm.h).
EXIT_MEANINGS = {0: "exited normally", 3: "could not initialise the model (DUT init failed)",
                 10: "HardFault", 11: "HardFault: stack overflow (MPU stack guard)"}
_PTY_RE = re.compile(r"char device redirected to (\S+) \(label s0\)")
_counter = itertools.count()


def _qemu_opt(value: str) -> str:
    """A value inside a QEMU `key=value,...` option: a comma in it is written twice."""
    return value.replace(",", ",,")


def qemu_command(board: Board, elf: Path, uart_log: Path, gdb_port: int | None = None,
                 halted: bool = False) -> list[str]:
    if board.emulator is None:
        raise EdgeqError(f"board {board.id} has no emulator", "use --port DEV for a real board, or an emulated board "
                         "(`edgeq targets` marks them)")
    cmd = [QEMU, "-M", board.emulator.machine, "-display", "none", "-monitor", "none"]
    if gdb_port is None:
        cmd.append("-no-reboot")   # a reset means the firmware crashed; but a debugger's reset must not end QEMU
    cmd += ["-semihosting-config", "enable=on,target=native",
           "-icount", "shift=0,align=off,sleep=off",
           "-chardev", f"pty,id=s0,logfile={_qemu_opt(str(uart_log))}", "-serial", "chardev:s0"]
    if gdb_port is not None:
        cmd += ["-gdb", f"tcp:127.0.0.1:{gdb_port}"]
    if halted:
        cmd.append("-S")
    if elf is not None:
        cmd += ["-kernel", str(elf)]
    return cmd


def check_elf(board: Board, elf: Path) -> None:
    """Refuse what QEMU would run as garbage: not a 32-bit little-endian ARM ELF, or an entry point outside
    the board's flash (a firmware built for another board)."""
    header = Path(elf).read_bytes()[:52]
    if len(header) < 52 or header[:4] != b"\x7fELF":
        raise EdgeqError(f"{elf} is not an ELF file", "pass the firmware.elf of an `edgeq build` directory")
    if header[4] != 1 or header[5] != 1 or struct.unpack_from("<H", header, 18)[0] != 40:
        raise EdgeqError(f"{elf} is not a 32-bit little-endian ARM program", "build it with --target CORE or --board ID")
    entry = struct.unpack_from("<I", header, 24)[0] & ~1
    flash = board.flash_memory
    if not flash.origin <= entry < flash.end:
        raise EdgeqError(f"{elf} starts at 0x{entry:08x}, outside {board.id}'s flash "
                         f"(0x{flash.origin:08x}..0x{flash.end:08x}): it was built for another board",
                         f"rebuild for {board.id}, or emulate the board it was built for")


def describe_exit(code: int) -> str:
    if code < 0:
        return f"was killed by signal {-code} ({signal.Signals(-code).name})"
    meaning = EXIT_MEANINGS.get(code, "the firmware's exit code")
    return f"exited with code {code} ({meaning})"


class QemuProcess:
    """QEMU running `elf` on `board` in its own process group; `pty` is the UART's device path."""

    def __init__(self, board: Board, elf: Path | None, log_dir: Path, gdb_port: int | None = None,
                 halted: bool = False) -> None:
        if shutil.which(QEMU) is None:
            raise EdgeqError(f"{QEMU} is not on PATH", "install QEMU (Debian: qemu-system-arm; or run tools/setup.sh)")
        if elf is not None:
            if not Path(elf).is_file():
                raise EdgeqError(f"firmware not found: {elf}", "build it with `edgeq build MODEL --target CORE`")
            check_elf(board, Path(elf))
        log_dir = Path(log_dir)
        log_dir.mkdir(parents=True, exist_ok=True)
        self.board = board
        self.uart_log = log_dir / f"uart-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{next(_counter)}.log"
        self.command = qemu_command(board, elf, self.uart_log, gdb_port, halted)
        self._proc = subprocess.Popen(self.command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, **group_options())
        self._finalizer = weakref.finalize(self, _kill_group, self._proc)
        atexit.register(self._finalizer)
        self._output: list[str] = []
        self._pty_found = threading.Event()
        self.pty: str | None = None
        for stream in (self._proc.stdout, self._proc.stderr):
            threading.Thread(target=self._pump, args=(stream,), daemon=True).start()
        if not self._pty_found.wait(START_TIMEOUT_S) or self.pty is None:
            self.close()
            raise EdgeqError(f"QEMU did not start {board.emulator.machine}: {self.output or 'no output'}",
                             "the command was: " + " ".join(self.command))

    def _pump(self, stream) -> None:
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip()
            self._output.append(line)
            match = _PTY_RE.search(line)
            if match:
                self.pty = match.group(1)
                self._pty_found.set()
        self._pty_found.set()  # QEMU ended: stop waiting

    @property
    def output(self) -> str:
        """QEMU's own messages (not the UART)."""
        return "\n".join(self._output[-20:])

    @property
    def pid(self) -> int:
        return self._proc.pid

    def poll(self) -> int | None:
        return self._proc.poll()

    def wait(self, timeout: float) -> int | None:
        try:
            return self._proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def uart_tail(self, lines: int = 12) -> str:
        try:
            text = self.uart_log.read_bytes().decode("ascii", "replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.replace("\r", "").splitlines()[-lines:])

    def close(self) -> None:
        """Kill the process group (idempotent) and reap QEMU."""
        self._finalizer()
        atexit.unregister(self._finalizer)
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        for stream in (self._proc.stdout, self._proc.stderr):
            if stream is not None:
                stream.close()

    def __enter__(self) -> "QemuProcess":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class QemuTransport(SerialTransport):
    """The firmware's UART in QEMU, reached through pyserial on QEMU's pty."""

    def __init__(self, board: Board, elf: Path, log_dir: Path | None = None,
                 boot_output_timeout: float | None = None) -> None:
        elf = Path(elf)
        self.qemu = QemuProcess(board, elf, log_dir or elf.parent / "logs")
        try:
            super().__init__(self.qemu.pty, what=f"QEMU {board.emulator.machine} ({board.id})")
            if boot_output_timeout:
                self._wait_for_boot_output(boot_output_timeout)
        except BaseException:
            self.qemu.close()
            raise

    def _wait_for_boot_output(self, timeout: float) -> None:
        """Until the firmware has written to its UART (or QEMU ended, or `timeout`: then the first command
        says what is wrong)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.qemu.poll() is None:
            try:
                if self.qemu.uart_log.stat().st_size > 0:
                    return
            except FileNotFoundError:
                pass
            time.sleep(0.005)

    @property
    def uart_log(self) -> Path:
        return self.qemu.uart_log

    def _gone(self, detail: str) -> EdgeqError:
        code = self.qemu.wait(timeout=2)
        return self._ended(code if code is not None else None, detail)

    def _ended(self, code: int | None, detail: str = "") -> EdgeqError:
        how = describe_exit(code) if code is not None else f"stopped answering ({detail})"
        hint = ("the firmware faulted: the e-[HardFault ...] line gives pc/lr; look the pc up with "
                "`arm-none-eabi-addr2line -e firmware.elf PC`" if code in (10, 11)
                else "the emulator ended while edgeq was waiting; the UART log shows the firmware's last words")
        return EdgeqError(
            f"QEMU {self.qemu.board.emulator.machine} {how}\nlast UART lines ({self.qemu.uart_log}):\n"
            f"{self.qemu.uart_tail()}", hint)

    def _read_some(self, timeout: float) -> bytes:
        code = self.qemu.poll()
        if code is not None:
            # Drain what the pty still holds before reporting the exit.
            try:
                self._serial.timeout = 0
                rest = self._serial.read(65536)
            except Exception:
                rest = b""
            if rest:
                return rest
            raise self._ended(code)
        return super()._read_some(timeout)

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.qemu.close()
