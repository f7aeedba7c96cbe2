"""A synthetic but schema-valid sweep result for report layout tests (numbers are invented; the report
code is tested for what it shows, not for the numbers)."""
from __future__ import annotations

import json
from pathlib import Path

from edgeq.sweep.record import LayerCost, ModeResult, Recommendation, SweepResult, Target, to_dict

TARGET = Target("board", "mps2-an386", name="Arm MPS2+ AN386 (Cortex-M4F), emulated", core="cortex-m4",
                emulated=True)


def _ok(mode, acc, flash, instr, model_bytes, layers=()):
    return ModeResult(
        mode, "ok", "done", tflite=f"cache/{mode}-0/model.tflite", model_bytes=model_bytes, accuracy=acc,
        accuracy_source="emulated", host_accuracy=acc, reference_accuracy=acc, exact_match_rate=1.0,
        top1_agreement=1.0, samples=200, latency_ms=instr * 1.25 / 25e3, latency_source="estimated",
        timing_source="systick-icount", instructions_per_inference=instr, energy_uj=instr * 0.01,
        energy_source="estimated", flash_bytes=flash, ram_bytes=flash // 4, arena_bytes=4096,
        code_bytes=flash // 2, weights_bytes=model_bytes // 2, memory_source="measured",
        layer_cost_unit="instructions", layer_cost_source="emulated", layers=layers)


# Written by hand (not by `recommend`, which is under test elsewhere): within a 1-point budget of the 98.5 %
# baseline, fp32, int8 and qat qualify, and int8 has the least flash (60,000 B).
RECOMMENDATION = Recommendation(
    "int8", "int8: 58.6 KiB flash, 15 ms latency (estimated), accuracy 98.00% (emulated), 0.50 points below the "
    "baseline 98.50%; the smallest of 3 modes within the 1-point budget", 1.0, 0.985, ("int8", "qat", "fp32"))


def synthetic_result(recommended: bool = True) -> SweepResult:
    layers = (LayerCost(0, "CONV_2D", 38.2, 20_000, 210_000), LayerCost(1, "MAX_POOL_2D", 45.0, 0, 9_000),
              LayerCost(2, "RESHAPE", None, 0, 40), LayerCost(3, "FULLY_CONNECTED", 31.7, 6_400, 30_000),
              LayerCost(4, "SOFTMAX", 29.5, 0, 2_000))
    modes = (
        _ok("fp32", 0.985, 120_000, 900_000, 90_000),
        ModeResult("fp16", "failed", "check", reason="the MCU runtime cannot run it: operator 0 (DEQUANTIZE): "
                   "float16 weights <are> not supported", hint="convert with `--mode int8`", model_bytes=45_000),
        _ok("int8", 0.980, 60_000, 300_000, 25_000, layers),
        _ok("qat", 0.985, 60_500, 305_000, 25_200, layers),
        ModeResult("int4", "failed", "convert", reason="converter crashed (signal 11)"),
    )
    rec = RECOMMENDATION if recommended else None
    return SweepResult("0.1.0", "digits_cnn.keras", "ab" * 32, TARGET, "val.npz", 200, 0.985, modes, rec,
                       "2025-01-01T00:00:00Z", {"calib": "calib.npz", "runs": 3})


def write_sweep(directory: Path, result: SweepResult | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "results.json").write_text(json.dumps(to_dict(result or synthetic_result())))
    return directory
