"""Bench the generated C on this machine: `edgeq bench DIR --host` for an `edgeq build --target host` DIR.

The host program times each inference itself (CLOCK_MONOTONIC around `invoke`, the same protocol as the
firmware's counters), so pipe traffic is not in the figure. Host latency says how the generated C compares
with LiteRT on the same machine (`edgeq bench MODEL.tflite --host`); it is not a microcontroller figure.
"""
from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from edgeq.build.manifest import read_build
from edgeq.errors import EdgeqError
from edgeq.reference.batch import random_array
from edgeq.targets.host_target import HostTarget


@dataclass(frozen=True)
class HostBuildBench:
    model: str
    program: str
    runs: int
    warmups: int
    latency_ms: float  # median of the runs
    latency_min_ms: float
    latency_max_ms: float
    latency_source: str  # "host": measured on this machine, not on a target
    arena_bytes: int
    per_run_latency_ms: tuple[float, ...]

    def to_dict(self) -> dict:
        return asdict(self)


def bench_host_build(build_dir: Path, runs: int = 50, warmups: int = 5, seed: int = 0, timeout: float = 60.0,
                     progress: Callable[[int, int], None] | None = None) -> HostBuildBench:
    from edgeq.transport.client import DutClient

    if runs < 1 or warmups < 0:
        raise EdgeqError("runs must be >= 1 and warm-ups >= 0", "e.g. --runs 50 --warmups 5")
    build = read_build(build_dir)
    if not build.is_host:
        raise EdgeqError(f"{build_dir} is built for {build.target!r}, not the host",
                         "bench it with --emulate, --port DEV or --board ID, or build with --target host")
    target = HostTarget()
    with target.open(build) as transport:
        client = DutClient(transport, timeout=timeout)
        client.sync()
        info = client.info()
        timing = target.timing(info.timer.source)  # refuses a microcontroller counter (it needs a board)
        client.load(random_array(np.random.default_rng(seed), (info.input_bytes,), "uint8").tobytes())
        total = warmups + runs
        for i in range(warmups):
            client.infer(1, 0, timeout)
            if progress:
                progress(i + 1, total)
        per_run = []
        for i in range(runs):
            client.infer(1, 0, timeout)
            ticks = client.ticks()
            per_run.append(timing.latency_ms(ticks.total * info.timer.units_per_tick))
            if progress:
                progress(warmups + i + 1, total)
    return HostBuildBench(model=build.model_name, program=str(build.program), runs=runs, warmups=warmups,
                          latency_ms=statistics.median(per_run), latency_min_ms=min(per_run),
                          latency_max_ms=max(per_run), latency_source="host", arena_bytes=int(info.arena_bytes),
                          per_run_latency_ms=tuple(per_run))
