"""How a target's counter becomes a latency: the one place that reads a timing-source name.

The firmware reports what its counter counts (`TimerInfo.source`: `systick-icount` in QEMU, `dwt` on a real
Cortex-M, `wall` on the host; a phone's `benchmark_model` times itself). `timing_for(source, board)` turns that into a `Timing` which labels the figure:
instructions under QEMU's -icount are exact but their latency is ESTIMATED (x the board's documented cycles per
instruction / clock: QEMU has no timing model); DWT cycles / clock are measured; host nanoseconds are the host's.
Callers ask the `Timing` for the unit and the latency instead of comparing source strings.
"""
from __future__ import annotations

from dataclasses import dataclass

from edgeq.errors import EdgeqError
from edgeq.targets.boards import Board


@dataclass(frozen=True)
class Latency:
    ms: float
    source: str  # "estimated" | "measured" | "host" (the sweep's SOURCES)
    note: str


@dataclass(frozen=True)
class Timing:
    source: str  # the firmware's timing source name
    unit: str  # what one counted unit is: "instructions" | "cycles" | "ns"
    on_target: bool  # a microcontroller's own counter (not the host's clock)
    _ms_per_unit: float
    _latency_source: str
    _note: str  # "{units}" is replaced by the count

    def latency(self, units: float) -> Latency:
        return Latency(units * self._ms_per_unit, self._latency_source,
                       self._note.replace("{units}", f"{int(round(units)):,}"))

    def latency_ms(self, units: float) -> float:
        return units * self._ms_per_unit


def timing_for(source: str, board: Board | None) -> Timing:
    """The `Timing` of a firmware reporting `source`; `board` is required for a microcontroller counter."""
    if source == "wall":
        return Timing(source, "ns", False, 1e-6, "host", "{units} ns on this machine's clock")
    if source == "benchmark_model":
        return Timing(source, "us", False, 1e-3, "measured", "measured: {units} us by benchmark_model on the phone")
    if board is None:
        raise EdgeqError(f"timing source {source!r} needs the board it ran on", "bench a board build directory")
    clock_mhz = board.clock_hz / 1e6
    if source == "systick-icount":
        if board.emulator is None:
            raise EdgeqError(f"{board.id} counts instructions but has no emulator", "check the board's TOML")
        cpi = board.emulator.cpi
        per_tick = 1e9 / board.timer.systick_hz  # instructions per SysTick count under -icount shift=0
        counting = ("exact and repeatable" if per_tick == int(per_tick) else
                    f"repeatable, resolution one SysTick tick = {per_tick:.2f} instructions")
        return Timing(source, "instructions", True, cpi / board.clock_hz * 1e3, "estimated",
                      f"ESTIMATED: {{units}} instructions (QEMU -icount, {counting}) x {cpi:g} "
                      f"cycles/instruction ({board.emulator.cpi_source}) / {clock_mhz:g} MHz")
    if source == "dwt":
        return Timing(source, "cycles", True, 1 / board.clock_hz * 1e3, "measured",
                      f"measured: {{units}} DWT cycles / {clock_mhz:g} MHz")
    raise EdgeqError(f"unknown timing source {source!r} reported by the firmware",
                     "rebuild the firmware with this edgeq (`edgeq build --force`)")
