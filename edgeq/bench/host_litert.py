"""Host fallback: the same statistics as benchmark_model, measured with LiteRT (`ai_edge_litert`) here.

XNNPACK on = LiteRT's default resolver (applies XNNPACK); off = `BUILTIN_WITHOUT_DEFAULT_DELEGATES` (the
built-in optimized kernels alone). Inputs are seeded random values over each input's dtype range; timings are
`time.perf_counter_ns` around `invoke()` (wall clock), labelled target `host`.
"""
from __future__ import annotations

import statistics
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np

from edgeq.bench.results import InferenceBench
from edgeq.errors import EdgeqError


def _inputs(interpreter, rng: np.random.Generator) -> list[tuple[int, np.ndarray]]:
    feeds = []
    for detail in interpreter.get_input_details():
        dtype = np.dtype(detail["dtype"])
        shape = detail["shape"]
        if np.issubdtype(dtype, np.integer):
            info = np.iinfo(dtype)
            data = rng.integers(info.min, info.max, size=shape, endpoint=True, dtype=dtype)
        else:
            data = rng.standard_normal(size=shape).astype(dtype)
        feeds.append((detail["index"], data))
    return feeds


def run_on_host(model: Path, *, threads: int, xnnpack: bool, runs: int, warmups: int,
                seed: int = 0) -> InferenceBench:
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    if runs < 1 or warmups < 0 or threads < 1:
        raise EdgeqError("--runs and --threads must be at least 1 and --warmups at least 0", "fix the options")
    resolver = OpResolverType.AUTO if xnnpack else OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES
    start = time.perf_counter_ns()
    try:
        interpreter = Interpreter(model_path=str(model), num_threads=threads,
                                  experimental_op_resolver_type=resolver)
        interpreter.allocate_tensors()
    except (ValueError, RuntimeError) as exc:
        raise EdgeqError(f"LiteRT cannot load {model}: {exc}", "check that the file is a valid .tflite model") from exc
    init_ms = (time.perf_counter_ns() - start) / 1e6
    for index, data in _inputs(interpreter, np.random.default_rng(seed)):
        interpreter.set_tensor(index, data)

    def timed() -> float:
        t0 = time.perf_counter_ns()
        interpreter.invoke()
        return (time.perf_counter_ns() - t0) / 1e6

    first = timed()
    for _ in range(warmups):
        timed()
    times = [timed() for _ in range(runs)]
    delegate = "xnnpack" if xnnpack else "cpu"
    return InferenceBench(
        target="host", model=str(model), tool=f"ai_edge_litert {version('ai-edge-litert')}", threads=threads,
        delegate=delegate, delegate_applied=None,
        delegate_detail="LiteRT default resolver (XNNPACK applied by default)" if xnnpack
        else "BUILTIN_WITHOUT_DEFAULT_DELEGATES: built-in kernels, no XNNPACK",
        latency_ms=statistics.fmean(times), latency_source="wall",
        latency_std_ms=statistics.pstdev(times) if len(times) > 1 else 0.0,
        latency_min_ms=min(times), latency_max_ms=max(times), runs=runs, warmups=warmups, init_ms=init_ms,
        first_inference_ms=first, memory_kind=None, memory_overall_mb=None, energy_uj=None, energy_source=None,
        energy_note="no energy measurement on the host")
