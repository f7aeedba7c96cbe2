"""DutClient: drives edgeq firmware through the DUT protocol over any Transport.

Steps of a session:
  1. `sync()` — send `name` and read until its reply is complete; whatever came before (the boot banner,
     or nothing if it was sent before the host attached) is skipped.
  2. `info()` — the model's facts (hash, arena, input/output layout, timer) as `DeviceInfo`.
  3. `load(data)` — `db load N` then `db HEX` chunks sized to the firmware's command buffer.
  4. `infer(runs, warmups)` — timed runs; laps, dequantized results and raw output bytes.
  5. `ticks()` / `profile_ops()` — raw counter ticks of the last infer / per operator.
Every command waits for its one `m-ready`. A device error (`e-[…]`), a missing reply within the timeout
or a device that goes away raises EdgeqError carrying the last transcript lines.
"""
from __future__ import annotations

import time

from edgeq.errors import EdgeqError
from edgeq.transport import protocol
from edgeq.transport.base import Transport
from edgeq.transport.protocol import (DeviceInfo, InferRun, OpTicks, Reply, Results, Ticks, frame, hex_chunks,
                                      parse_infer, parse_info, parse_name, parse_profile, parse_results,
                                      parse_ticks, reply_error)


class DutClient:
    def __init__(self, transport: Transport, timeout: float = 10.0) -> None:
        self.transport = transport
        self.timeout = timeout
        self._info: DeviceInfo | None = None

    def _timeout_error(self, what: str, timeout: float) -> EdgeqError:
        return EdgeqError(
            f"no reply from the device within {timeout:g} s {what}\nlast protocol lines:\n{self.transport.tail()}",
            "the firmware may hang or run slower than expected: raise the timeout, or check the device "
            "and the transcript")

    def _read_until_ready(self, command: str, timeout: float, after: str | None = None) -> Reply:
        """Lines up to `m-ready`; with `after`, lines before the first one starting with it are skipped."""
        deadline = time.monotonic() + timeout
        lines: list[str] = []
        started = after is None
        while True:
            line = self.transport.read_line(deadline - time.monotonic())
            if line is None:
                raise self._timeout_error(f"to {command!r}", timeout)
            if not started:
                if not line.startswith(after or ""):
                    continue
                started = True
            if line == protocol.READY:
                return Reply(command, tuple(lines))
            lines.append(line)

    def command(self, command: str, timeout: float | None = None, check: bool = True) -> Reply:
        """Send one command and return its reply; with `check`, a device error raises EdgeqError."""
        self.transport.write(frame(command))
        reply = self._read_until_ready(command, self.timeout if timeout is None else timeout)
        if check and (err := reply_error(reply)) is not None:
            raise err
        return reply

    def sync(self, timeout: float | None = None) -> tuple[str, str]:
        """Resynchronise with a device that may have printed a banner; returns (device, vendor) names."""
        self.transport.write(frame("name"))
        reply = self._read_until_ready("name", self.timeout if timeout is None else timeout, after="m-name-")
        return parse_name(reply)

    def name(self) -> tuple[str, str]:
        return parse_name(self.command("name"))

    def profile(self) -> tuple[str, str]:
        """(firmware profile, model) from the official `profile` command."""
        reply = self.command("profile")
        return reply.one("m-profile-"), reply.one("m-model-")

    def info(self) -> DeviceInfo:
        if self._info is None:
            self._info = parse_info(self.command("edgeq info"))
        return self._info

    def load(self, data: bytes) -> None:
        """Load one input (all model inputs back to back) into the device's staging buffer."""
        expected = self.info().input_bytes
        if len(data) != expected:
            raise EdgeqError(f"input has {len(data)} bytes, the firmware's model expects {expected}",
                             "pass one sample shaped and typed like the model input")
        reply = self.command(f"db load {len(data)}")
        if f"[Expecting {len(data)} bytes]" not in reply.messages("m-"):
            raise EdgeqError(f"device did not accept `db load {len(data)}`: {list(reply.lines)}",
                             "check the firmware with `edgeq info`")
        chunks = hex_chunks(data, self.info().cmd_max)
        for chunk in chunks[:-1]:
            self.command(chunk)
        if "m-load-done" not in self.command(chunks[-1]).lines:
            raise EdgeqError("device did not confirm the input load (no m-load-done)\n" + self.transport.tail(),
                             "the UART may drop bytes; check the transcript")

    def infer(self, runs: int = 1, warmups: int = 0, timeout: float | None = None) -> InferRun:
        return parse_infer(self.command(f"infer {runs} {warmups}", timeout))

    def results(self) -> Results:
        return parse_results(self.command("results"))

    def ticks(self) -> Ticks:
        return parse_ticks(self.command("edgeq ticks"))

    def profile_ops(self, timeout: float | None = None) -> tuple[OpTicks, ...]:
        return parse_profile(self.command("edgeq profile", timeout))

    def run(self, data: bytes, timeout: float | None = None) -> Results:
        """One inference on `data`, no warm-up: the exact output bytes are in `.raw`."""
        self.load(data)
        return self.infer(1, 0, timeout).results
