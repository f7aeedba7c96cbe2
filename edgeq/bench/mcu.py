"""Benchmark a microcontroller build in QEMU or on a board, through the DUT protocol.

Steps of `bench_mcu`:
  1. sync with the firmware and read its facts (model hash, timer, arena);
  2. load one seeded random input (latency of these kernels does not depend on the values);
  3. warm-ups: `infer 1 0` W times, results ignored;
  4. N timed runs: `infer 1 0` then `edgeq ticks` each, so every run has its own count; median and
     per-run figures are reported;
  5. latency: the target's `timing` (`edgeq.targets.timing`): cycles / clock on a real core (measured) or
     instructions × the board's documented cycles-per-instruction / clock in QEMU (ESTIMATED: QEMU has no
     timing model);
  6. energy: the power monitor the lab file puts on the board (measured) or the board's power model (estimated);
  7. memory from the `Build`: the linked ELF's figures its fit check recorded, and the plan (arena, weights).
"""
from __future__ import annotations

import statistics
import time
from dataclasses import asdict, dataclass
from typing import Callable

import numpy as np

from edgeq.build.manifest import Build
from edgeq.errors import EdgeqError
from edgeq.reference.batch import random_array
from edgeq.targets.board_target import BoardTarget
from edgeq.transport.base import Transport


@dataclass(frozen=True)
class McuBenchResult:
    board: str
    timing_source: str                         # the firmware's counter (edgeq.targets.timing)
    timing_unit: str                           # "instructions" (emulation) | "cycles" (real cores)
    instructions_per_inference: int | None     # emulation
    cycles_per_inference: int | None           # real cores
    latency_ms: float
    latency_source: str                        # "estimated" | "measured"
    energy_uj: float
    energy_source: str                         # "estimated" | "measured"
    arena_bytes: int
    ram_bytes: int
    flash_bytes: int
    code_bytes: int
    weights_bytes: int
    runs: int
    warmups: int
    per_run: tuple[int, ...]                   # instructions or cycles of each timed run
    per_run_latency_ms: tuple[float, ...]
    latency_note: str
    energy_note: str
    model: str
    transcript: str | None = None

    def to_dict(self) -> dict:
        d = asdict(self)
        d["per_run"] = list(self.per_run)
        d["per_run_latency_ms"] = list(self.per_run_latency_ms)
        return d


def _median_int(values: list[int]) -> int:
    return int(round(statistics.median(values)))


def bench_mcu(build: Build, transport: Transport, target: BoardTarget, runs: int = 10, warmups: int = 3,
              seed: int = 0, timeout: float = 60.0,
              progress: Callable[[int, int], None] | None = None) -> McuBenchResult:
    """`build`'s firmware behind `transport` (opened by `target`, left open: the caller closes it)."""
    from edgeq.bench.power import EnergyFigure, estimate_energy, integrate_uj, open_monitor
    from edgeq.transport.client import DutClient

    if runs < 1 or warmups < 0:
        raise EdgeqError("runs must be >= 1 and warm-ups >= 0", "e.g. --runs 10 --warmups 3")
    if build.memory is None:
        raise EdgeqError(f"{build.out_dir} has no memory figures of its linked firmware (an older edgeq built it)",
                         "rebuild with `edgeq build --force`")
    board = target.board
    client = DutClient(transport, timeout=timeout)
    client.sync()
    info = client.info()
    if info.model_hash != build.model_sha256:
        raise EdgeqError(f"the device runs model {info.model_hash[:12]}…, the build has {build.model_sha256[:12]}…",
                         "flash this build first (`edgeq flash DIR`)")
    timing = target.timing(info.timer.source)
    data = random_array(np.random.default_rng(seed), (info.input_bytes,), "uint8").tobytes()
    client.load(data)

    total = warmups + runs
    for i in range(warmups):
        client.infer(1, 0, timeout)
        if progress:
            progress(i + 1, total)
    monitor = None
    monitor_config = target.power_monitor
    if monitor_config is not None:
        monitor = open_monitor(monitor_config)
        monitor.start()
    per_run: list[int] = []
    t_start = time.monotonic()
    for i in range(runs):
        client.infer(1, 0, timeout)
        ticks = client.ticks()
        per_run.append(ticks.total * info.timer.units_per_tick)
        if progress:
            progress(warmups + i + 1, total)
    t_end = time.monotonic()

    median_units = _median_int(per_run)
    per_run_ms = tuple(timing.latency_ms(u) for u in per_run)
    latency = timing.latency(median_units)
    latency_ms, latency_source, latency_note = latency.ms, latency.source, latency.note

    if monitor is not None:
        samples = monitor.stop()
        window_uj = integrate_uj(samples, monitor.voltage_v, t_start, t_end)
        # The window also holds UART traffic; scale to the compute time the device measured.
        compute_ms = sum(per_run_ms)
        busy_ms = (t_end - t_start) * 1e3
        energy = EnergyFigure(window_uj / runs * min(1.0, compute_ms / busy_ms) if busy_ms else 0.0, "measured",
                              f"{monitor_config.monitor}: energy over the timed runs, scaled to the device-measured "
                              "compute time")
    else:
        energy = estimate_energy(board, latency_ms)
        energy = EnergyFigure(energy.energy_uj, energy.source, "ESTIMATED: " + energy.note)

    report = build.memory.report
    return McuBenchResult(
        board=board.id, timing_source=timing.source, timing_unit=timing.unit,
        instructions_per_inference=median_units if timing.unit == "instructions" else None,
        cycles_per_inference=median_units if timing.unit == "cycles" else None,
        latency_ms=latency_ms, latency_source=latency_source,
        energy_uj=energy.energy_uj, energy_source=energy.source,
        arena_bytes=int(info.arena_bytes), ram_bytes=report.ram_bytes, flash_bytes=report.flash_bytes,
        code_bytes=report.text, weights_bytes=build.weights_bytes,
        runs=runs, warmups=warmups, per_run=tuple(per_run), per_run_latency_ms=per_run_ms,
        latency_note=latency_note, energy_note=energy.note, model=build.model_name,
    )
