"""Host fallback: the same statistics as benchmark_model, measured with LiteRT (`ai_edge_litert`) here.

XNNPACK on = LiteRT's default resolver (applies XNNPACK); off = `BUILTIN_WITHOUT_DEFAULT_DELEGATES` (the
built-in optimized kernels alone). Inputs are seeded random values (`edgeq.reference.batch.random_array`);
timings are `time.perf_counter_ns` around `invoke()`: a real measurement on this machine (`latency_source`
"measured", `timing_source` "wall"), labelled target `host`.
"""
from __future__ import annotations

import statistics
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np

from edgeq.bench.results import InferenceBench
from edgeq.errors import EdgeqError
from edgeq.reference.batch import random_array


def _inputs(interpreter, rng: np.random.Generator) -> list[tuple[int, np.ndarray]]:
    return [(d["index"], random_array(rng, d["shape"], np.dtype(d["dtype"]).name))
            for d in interpreter.get_input_details()]


def _xnnpack_status(interpreter) -> tuple[bool | None, str]:
    """Whether XNNPACK took any part of the graph: a delegated partition appears in the execution plan as one
    extra `DELEGATE` node (LiteRT's op details; None when this LiteRT version does not expose them)."""
    details = getattr(interpreter, "_get_ops_details", None)
    if details is None:
        return None, "LiteRT default resolver (XNNPACK by default; this LiteRT does not report the plan)"
    nodes = sum(1 for op in details() if op.get("op_name") == "DELEGATE")
    if nodes:
        return True, f"LiteRT default resolver: XNNPACK runs {nodes} partition(s) of the graph"
    return False, "LiteRT default resolver: XNNPACK took no operator of this graph"


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
    applied, detail = None, "BUILTIN_WITHOUT_DEFAULT_DELEGATES: built-in kernels, no XNNPACK"
    if xnnpack:
        applied, detail = _xnnpack_status(interpreter)
    return InferenceBench(
        target="host", model=str(model), tool=f"ai_edge_litert {version('ai-edge-litert')}", threads=threads,
        delegate=delegate, delegate_applied=applied, delegate_detail=detail,
        latency_ms=statistics.fmean(times), latency_source="measured", timing_source="wall",
        latency_std_ms=statistics.pstdev(times) if len(times) > 1 else 0.0,
        latency_min_ms=min(times), latency_max_ms=max(times), runs=runs, warmups=warmups, init_ms=init_ms,
        first_inference_ms=first, memory_kind=None, memory_overall_mb=None, energy_uj=None, energy_source=None,
        energy_note="no energy measurement on the host")
