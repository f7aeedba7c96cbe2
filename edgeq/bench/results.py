"""Result of one inference benchmark on a phone or the host, and its JSON form.

The JSON keys follow the microcontroller bench where they apply (`latency_ms`, `latency_source`,
`timing_source`, `energy_uj`, `energy_source`, `runs`, `warmups`), with its vocabulary (`measured`), plus phone/host keys (`delegate`, `delegate_applied`, `init_ms`,
`first_inference_ms`, `latency_std_ms`) and `target` (`adb:SERIAL` or `host`).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class InferenceBench:
    target: str  # "adb:SERIAL" | "host"
    model: str
    tool: str  # what produced the timings, e.g. "benchmark_model (tf2 output)" or "ai_edge_litert 2.3.0"
    threads: int
    delegate: str  # "cpu" | "xnnpack" | "gpu" | "nnapi"
    delegate_applied: bool | None  # None: no delegate requested, or the tool does not report it
    delegate_detail: str
    latency_ms: float  # mean of the steady-state runs
    latency_source: str  # "measured": real timings on the device that ran it (host or phone), as MCU bench
    timing_source: str  # what timed it: "wall" (host clock around invoke) | "benchmark_model" (its own timer)
    latency_std_ms: float | None
    latency_min_ms: float | None
    latency_max_ms: float | None
    runs: int | None
    warmups: int | None
    init_ms: float | None
    first_inference_ms: float | None
    memory_kind: str | None  # "peak" | "delta" | "footprint" (benchmark_model's wording), None if not reported
    memory_overall_mb: float | None
    energy_uj: float | None  # per inference
    energy_source: str | None  # "measured" (the battery gauge, named in energy_note), None when not measured
    energy_note: str  # why energy is missing, or how it was obtained
    energy_caveats: tuple[str, ...] = ()

    def to_json(self) -> dict:
        data = asdict(self)
        data["energy_caveats"] = list(self.energy_caveats)
        return data
