"""One converted model on a board or its emulator: build, every validation sample through the DUT protocol,
the per-operator profile, then the MCU bench — one firmware session, the figures the device itself gives.

Accuracy is computed from the device's raw output bytes. The same quantized inputs go through TFLite Micro
on the host (the MCU oracle), so the result also says how many output elements the device got identical
(`exact_match_rate`); where that is 1.0 the device and TFLM accuracies are equal by construction.
A failure at any step returns the mode as failed at that stage, with a short reason (the full message in
OUT/logs/<mode>-<stage>.txt, the UART transcript in OUT/logs/<mode>-uart.txt), and the sweep goes on.
"""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Callable

import numpy as np

from edgeq.errors import EdgeqError
from edgeq.sweep import accuracy
from edgeq.sweep.record import ModeResult, Target

COMMAND_TIMEOUT_S = 60.0


REASON_CHARS = 600
# What a failing line says (a compiler command line's -Werror is not a word "error": \b excludes it).
_SAYS_WHAT = re.compile(r"\berror\b|undefined reference|does not fit|overflow", re.IGNORECASE)


def summarise(message: str) -> str:
    """A failure's first line plus the lines that say what went wrong (`_SAYS_WHAT`), within REASON_CHARS (a compiler log can be
    kilobytes; the full text is kept in the mode's log file)."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    if not lines:
        return "failed without a message"
    picked = [lines[0]] + [line for line in lines[1:] if _SAYS_WHAT.search(line)][:3]
    text = " | ".join(picked)
    return text if len(text) <= REASON_CHARS else text[: REASON_CHARS - 1] + "…"


def _failed(base: ModeResult, stage: str, err: EdgeqError, log: Path) -> ModeResult:
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(f"{err.message}\nhint: {err.hint}\n", encoding="utf-8")
    reason = summarise(err.message)
    if reason != err.message.strip():
        reason += f" (full text: {log.parent.name}/{log.name})"
    return dataclasses.replace(base, status="failed", stage=stage, reason=reason, hint=err.hint)


def measure(base: ModeResult, graph, tflite: Path, x: np.ndarray, y: np.ndarray, target: Target, work: Path,
            runs: int, warmups: int, progress: Callable[[str], None], log_dir: Path) -> ModeResult:
    from edgeq.bench.mcu import bench_mcu
    from edgeq.build import build_project
    from edgeq.targets.resolver import resolve_run
    from edgeq.reference.isolated import run_reference
    from edgeq.transport.client import DutClient
    from edgeq.validate import compare, run_on_device, tensor_infos

    inputs_info, outputs_info = tensor_infos(graph, graph.inputs), tensor_infos(graph, graph.outputs)
    if len(inputs_info) != 1:
        return _failed(base, "accuracy", EdgeqError(
            f"the model has {len(inputs_info)} inputs; the sweep scores single-input classifiers",
            "measure multi-input models with `edgeq validate` and `edgeq bench`"), log_dir / f"{base.mode}-accuracy.txt")
    progress(f"building firmware for {target.id}")
    try:
        build = build_project(tflite, target.id, work / "build")
    except EdgeqError as err:
        return _failed(base, "build", err, log_dir / f"{base.mode}-build.txt")

    info = inputs_info[0]
    batch = accuracy.quantize_batch(x, info.dtype, info.scale, info.zero_point).reshape((len(x), *info.shape))
    reference = run_reference(tflite, [batch], "tflm").outputs  # in a child: a TFLM crash is an EdgeqError

    where = "QEMU" if target.emulated else target.id
    stage = "accuracy"
    transport = None
    try:
        device = resolve_run(build, emulate=target.emulated, board=None if target.emulated else target.id)
        transport = device.open(build)
        client = DutClient(transport, timeout=COMMAND_TIMEOUT_S)
        client.sync()
        device_info = client.info()
        if device_info.model_hash != graph.sha256:
            raise EdgeqError("the firmware answering runs a different model than the one just built",
                             "flash the build (for a real board) and rerun")

        def step(done: int, total: int) -> None:
            if done == total or done % 50 == 0:
                progress(f"{done}/{total} validation samples on {where}")

        device_out = run_on_device(client, [batch], outputs_info, COMMAND_TIMEOUT_S, step)
        profile = client.profile_ops(COMMAND_TIMEOUT_S)  # on the last loaded sample
        stage = "bench"
        progress(f"bench: {warmups} warm-up(s), {runs} timed run(s) on {where}")
        bench = bench_mcu(build, transport, device, runs=runs, warmups=warmups, timeout=COMMAND_TIMEOUT_S)
    except EdgeqError as err:
        return _failed(base, stage, err, log_dir / f"{base.mode}-{stage}.txt")
    finally:
        if transport is not None:
            log_dir.mkdir(parents=True, exist_ok=True)
            transport.save_transcript(log_dir / f"{base.mode}-uart.txt")
            transport.close()

    check = compare(device_out, reference, device_info.arena_bytes)
    units = device_info.timer.units_per_tick
    ticks = {op.index: op.ticks * units for op in profile}
    layers = tuple(dataclasses.replace(layer, ticks=ticks.get(layer.index)) for layer in base.layers) \
        if len(profile) == len(base.layers) else base.layers
    device_source = target.device_source
    return dataclasses.replace(
        base, status="ok", stage="done",
        accuracy=accuracy.top1(device_out[0], y), accuracy_source=device_source,
        reference_accuracy=accuracy.top1(reference[0], y),
        exact_match_rate=check.exact_match_rate, top1_agreement=check.top1_agreement, samples=check.samples,
        output_verdict=check.describe_verdict(),
        latency_ms=bench.latency_ms, latency_source=bench.latency_source, timing_source=bench.timing_source,
        instructions_per_inference=bench.instructions_per_inference,
        cycles_per_inference=bench.cycles_per_inference,
        energy_uj=bench.energy_uj, energy_source=bench.energy_source,
        flash_bytes=bench.flash_bytes, ram_bytes=bench.ram_bytes, arena_bytes=bench.arena_bytes,
        code_bytes=bench.code_bytes, weights_bytes=bench.weights_bytes, memory_source="measured",
        layers=layers,
        layer_cost_unit=bench.timing_unit if layers is not base.layers else "MACs",
        layer_cost_source=device_source if layers is not base.layers else "host",
    )

