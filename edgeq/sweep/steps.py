"""The steps of a grid's chains, as top-level functions an executor can run in another process or on another
machine (`fn(*args, previous)`; values are plain data). Each rebuilds the sweep's state from the request and
the content-addressed cache, so a step that already ran anywhere against the same sweep directory is a
cache hit, and a step that is killed leaves only unsealed work, discarded by the next run.

  prepare  per model: the fp32 reference conversion and the float model's accuracy (both cached); for a
           .tflite model, the mode its file is (`own_mode`), which decides its cells;
  convert  per cell of a Keras model: the mode's conversion (CPU only, cached, shared by every target);
  measure  per cell: host error, then build → validate → bench on the target (`_Sweep.mode`).
"""
from __future__ import annotations

import dataclasses

from edgeq.ir import parse
from edgeq.sweep.executors import step_progress
from edgeq.sweep.run import SweepRequest, _prepare, _Sweep
from edgeq.sweep.tflite_model import own_mode


def _quiet(_text: str) -> None:
    pass


def prepare(req: SweepRequest, _previous) -> dict:
    sweep = _Sweep(req, step_progress)
    float_accuracy = _prepare(sweep)
    own = own_mode(parse(req.model.read_bytes())) if sweep.tflite else None
    return {"float_accuracy": float_accuracy, "val_samples": len(sweep.x), "version": sweep.version,
            "model_sha256": sweep.model_sha, "mixed_budget": sweep.mixed_budget, "own_mode": own}


def convert(req: SweepRequest, mode: str, _previous) -> None:
    _Sweep(req, step_progress).convert(mode)


def measure(req: SweepRequest, mode: str, tag: str, _previous) -> dict:
    sweep = _Sweep(req, _quiet)
    _prepare(sweep)  # cached by `prepare`: loads the validation set and the float outputs per layer
    sweep.progress = step_progress
    return dataclasses.asdict(sweep.mode(mode, tag))
