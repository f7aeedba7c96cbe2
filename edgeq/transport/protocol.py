"""The MLPerf Tiny DUT protocol as edgeq firmware speaks it (firmware/protocol/PROTOCOL.md): pure framing
and parsing, no IO.

A command is ASCII text ended by `%`. The device answers with lines — `m-…` messages, `e-[…]` errors —
and closes every command with exactly one `m-ready`. `Reply` holds the lines of one command; the
`parse_*` functions turn them into frozen values and raise `EdgeqError` when a line the command must
produce is missing or malformed (which means the firmware is not edgeq's, or is broken).
"""
from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from typing import Mapping

from edgeq.errors import EdgeqError

TERMINATOR = "%"
READY = "m-ready"
DEFAULT_CMD_MAX = 128  # firmware/protocol/dut.h EDGEQ_DUT_CMD_MAX; `edgeq info` reports the real value

_HINT_FIRMWARE = "rebuild the firmware with `edgeq build`; the UART transcript above shows what it sent"


def frame(command: str) -> bytes:
    """Encode one command. Only printable ASCII without `%` can be sent (the firmware rejects the rest)."""
    if not command or any(not (0x20 <= ord(c) <= 0x7E) for c in command) or TERMINATOR in command:
        raise ValueError(f"not a protocol command: {command!r}")
    return (command + TERMINATOR).encode("ascii")


def hex_chunks(data: bytes, cmd_max: int = DEFAULT_CMD_MAX) -> list[str]:
    """`db HEX` commands that load `data`, each within the firmware's command length."""
    per_chunk = (cmd_max - len("db ")) // 2
    if per_chunk < 1:
        raise ValueError(f"command length {cmd_max} cannot carry a db chunk")
    return [f"db {data[i:i + per_chunk].hex()}" for i in range(0, len(data), per_chunk)]


@dataclass(frozen=True)
class Reply:
    """All lines a device sent for one command, up to and excluding its `m-ready`."""

    command: str
    lines: tuple[str, ...]

    @property
    def errors(self) -> tuple[str, ...]:
        return tuple(line[3:-1] for line in self.lines if line.startswith("e-[") and line.endswith("]"))

    def messages(self, prefix: str) -> tuple[str, ...]:
        """Payloads of lines starting with `prefix` (prefix removed)."""
        return tuple(line[len(prefix):] for line in self.lines if line.startswith(prefix))

    def bracketed(self, prefix: str) -> tuple[str, ...]:
        """Contents of lines `<prefix>[...]`."""
        return tuple(p[1:-1] for p in self.messages(prefix) if p.startswith("[") and p.endswith("]"))

    def one(self, prefix: str) -> str:
        found = self.bracketed(prefix)
        if len(found) != 1:
            raise EdgeqError(f"device reply to {self.command!r} has {len(found)} '{prefix}[...]' lines, "
                             f"expected 1: {list(self.lines)}", _HINT_FIRMWARE)
        return found[0]


def clean_line(raw: bytes) -> str:
    """Decode one received line; non-ASCII bytes become U+FFFD so a garbled line is visible, not fatal."""
    return raw.decode("ascii", "replace").rstrip("\r\n")


def reply_error(reply: Reply) -> EdgeqError | None:
    """The device's own error for a command (`e-[…]`), as an EdgeqError, or None."""
    if not reply.errors:
        return None
    return EdgeqError(f"device rejected {reply.command!r}: {'; '.join(reply.errors)}",
                      "check the command and the input size against `edgeq info`")


# ---- typed replies ---------------------------------------------------------------------------------

_NUM_BYTES = {"float32": 4, "int8": 1, "uint8": 1, "int16": 2, "int32": 4}


@dataclass(frozen=True)
class TensorLayout:
    """One model input or output as the firmware holds it (`scale` exact: sent as float bits)."""

    index: int
    bytes: int
    dtype: str
    scale: float
    zero_point: int

    @property
    def count(self) -> int:
        return self.bytes // _NUM_BYTES[self.dtype]


@dataclass(frozen=True)
class TimerInfo:
    """What the firmware's tick counter counts: units = ticks × units_per_tick."""

    source: str  # timing_source: "wall" | "dwt" | "systick-icount"
    unit: str  # "ns" | "cycles" | "instructions"
    units_per_tick: int
    ticks_per_second: int


@dataclass(frozen=True)
class DeviceInfo:
    protocol: int
    model: str
    model_hash: str
    arena_bytes: int
    op_count: int
    cmd_max: int
    timer: TimerInfo
    inputs: tuple[TensorLayout, ...]
    outputs: tuple[TensorLayout, ...]

    @property
    def input_bytes(self) -> int:
        return sum(t.bytes for t in self.inputs)


@dataclass(frozen=True)
class Results:
    """`m-results-[…]` (dequantized, 3 decimals, as MLPerf Tiny prints) and the exact output bytes."""

    values: tuple[float, ...]
    raw: tuple[bytes, ...]  # one per output, in output order


@dataclass(frozen=True)
class InferRun:
    runs: int
    warmups: int
    lap_us: tuple[int, int]  # the two `m-lap-us-` timestamps around the timed runs
    results: Results

    @property
    def elapsed_us(self) -> int:
        return self.lap_us[1] - self.lap_us[0]


@dataclass(frozen=True)
class Ticks:
    """Raw counter ticks of the last `infer`'s timed runs (warm-ups excluded; `invoke` only)."""

    runs: int
    total: int
    min: int
    max: int


@dataclass(frozen=True)
class OpTicks:
    index: int
    name: str
    ticks: int


def _fields(text: str, where: str) -> Mapping[str, str]:
    out: dict[str, str] = {}
    for item in text.split(","):
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise EdgeqError(f"malformed field {item!r} in {where}", _HINT_FIRMWARE)
        out[key] = value
    return out


def _int(fields: Mapping[str, str], key: str, where: str) -> int:
    try:
        return int(fields[key], 0)
    except (KeyError, ValueError):
        raise EdgeqError(f"{where}: missing or non-numeric {key!r} in {dict(fields)}", _HINT_FIRMWARE) from None


def _layout(text: str, where: str) -> TensorLayout:
    f = _fields(text, where)
    dtype = f.get("dtype", "")
    if dtype not in _NUM_BYTES:
        raise EdgeqError(f"{where}: unknown dtype {dtype!r}", _HINT_FIRMWARE)
    scale = struct.unpack("<f", struct.pack("<I", _int(f, "scale", where)))[0]
    return TensorLayout(_int(f, "index", where), _int(f, "bytes", where), dtype, scale,
                        _int(f, "zero_point", where))


def _single_int(reply: Reply, prefix: str) -> int:
    text = reply.one(prefix)
    try:
        return int(text)
    except ValueError:
        raise EdgeqError(f"{prefix}[{text}] is not a number", _HINT_FIRMWARE) from None


def parse_info(reply: Reply) -> DeviceInfo:
    timer = _fields(reply.one("m-edgeq-timer-"), "m-edgeq-timer-")
    return DeviceInfo(
        protocol=_single_int(reply, "m-edgeq-protocol-"),
        model=reply.one("m-edgeq-model-"),
        model_hash=reply.one("m-edgeq-hash-"),
        arena_bytes=_single_int(reply, "m-edgeq-arena-"),
        op_count=_single_int(reply, "m-edgeq-ops-"),
        cmd_max=_single_int(reply, "m-edgeq-cmd-max-"),
        timer=TimerInfo(timer.get("source", ""), timer.get("unit", ""),
                        _int(timer, "units_per_tick", "m-edgeq-timer-"),
                        _int(timer, "ticks_per_second", "m-edgeq-timer-")),
        inputs=tuple(_layout(t, "m-edgeq-input-") for t in reply.bracketed("m-edgeq-input-")),
        outputs=tuple(_layout(t, "m-edgeq-output-") for t in reply.bracketed("m-edgeq-output-")),
    )


def parse_name(reply: Reply) -> tuple[str, str]:
    """`m-name-<device>-[<vendor>]` → (device, vendor)."""
    for payload in reply.messages("m-name-"):
        m = re.fullmatch(r"([^\[\]]+)-\[(.*)\]", payload)
        if m:
            return m.group(1), m.group(2)
    raise EdgeqError(f"no m-name- line in the reply to {reply.command!r}: {list(reply.lines)}", _HINT_FIRMWARE)


_RAW = re.compile(r"m-edgeq-raw-(\d+)-\[([0-9a-f]*)\]")


def parse_results(reply: Reply) -> Results:
    text = reply.one("m-results-")
    try:
        values = tuple(float(v) for v in text.split(",")) if text else ()
    except ValueError:
        raise EdgeqError(f"m-results-[{text}] holds a non-number", _HINT_FIRMWARE) from None
    raw: dict[int, bytes] = {}
    for line in reply.lines:
        m = _RAW.fullmatch(line)
        if m:
            index = int(m.group(1))
            if index in raw or len(m.group(2)) % 2:
                raise EdgeqError(f"bad raw output line: {line[:80]}", _HINT_FIRMWARE)
            raw[index] = bytes.fromhex(m.group(2))
    if sorted(raw) != list(range(len(raw))):
        raise EdgeqError(f"raw output lines out of order or missing: indices {sorted(raw)}", _HINT_FIRMWARE)
    return Results(values, tuple(raw[i] for i in range(len(raw))))


def parse_infer(reply: Reply) -> InferRun:
    laps = tuple(int(v) for v in reply.messages("m-lap-us-") if v.isdigit())
    warm = reply.messages("m-warmup-start-")
    runs = reply.messages("m-infer-start-")
    if len(laps) != 2 or len(warm) != 1 or len(runs) != 1 or "m-infer-done" not in reply.lines:
        raise EdgeqError(f"incomplete infer reply: {list(reply.lines)[:12]}", _HINT_FIRMWARE)
    return InferRun(int(runs[0]), int(warm[0]), (laps[0], laps[1]), parse_results(reply))


def parse_ticks(reply: Reply) -> Ticks:
    f = _fields(reply.one("m-edgeq-ticks-"), "m-edgeq-ticks-")
    return Ticks(*(_int(f, k, "m-edgeq-ticks-") for k in ("runs", "total", "min", "max")))


def parse_profile(reply: Reply) -> tuple[OpTicks, ...]:
    ops = []
    for text in reply.bracketed("m-edgeq-op-"):
        f = _fields(text, "m-edgeq-op-")
        ops.append(OpTicks(_int(f, "index", "m-edgeq-op-"), f.get("name", ""), _int(f, "ticks", "m-edgeq-op-")))
    summary = _fields(reply.one("m-edgeq-profile-"), "m-edgeq-profile-")
    if _int(summary, "ops", "m-edgeq-profile-") != len(ops):
        raise EdgeqError(f"profile reported {summary.get('ops')} operators but listed {len(ops)}", _HINT_FIRMWARE)
    return tuple(ops)

