"""The quantization modes and the options one conversion runs with (pure; no TensorFlow).

A `ConvertRequest` is the whole contract between the CLI/API process and the child process that runs
the TFLite converter: it is serialised to JSON, so it holds only plain values and paths.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

from edgeq.errors import EdgeqError

# mode -> one-line description (also the CLI help text).
MODES: dict[str, str] = {
    "fp32": "float32 reference (no quantization)",
    "fp16": "float16 weights, float32 compute",
    "dynamic": "int8 weights, float activations (dynamic-range / hybrid)",
    "int8": "full-integer static int8 (weights and activations), calibrated",
    "int16x8": "int16 activations, int8 weights, calibrated",
    "qat": "quantization-aware fine-tuning (tfmot), then full-integer int8",
    "mixed": "int8, with int16 activations for the most error-sensitive layers until --max-drop holds",
    "int4": "int4 weights for CONV_2D/FULLY_CONNECTED, int8 elsewhere (ai-edge-quantizer)",
}
IO_TYPES = ("int8", "uint8", "float")
# Modes that need representative (calibration) data for activation ranges.
CALIBRATED_MODES = frozenset({"int8", "int16x8", "mixed", "int4"})  # qat learns its ranges in training


def check_mode(mode: str) -> str:
    if mode not in MODES:
        raise EdgeqError(
            f"unknown quantization mode '{mode}'",
            f"choose one of: {', '.join(MODES)}",
        )
    return mode


def check_io(io: str, mode: str) -> str:
    if io not in IO_TYPES:
        raise EdgeqError(f"unknown --io type '{io}'", f"choose one of: {', '.join(IO_TYPES)}")
    if io != "float" and mode not in ("int8", "qat") and (mode, io) != ("mixed", "int8"):
        # Only the full-integer paths can give integer model inputs/outputs (mixed: int8 or float).
        raise EdgeqError(
            f"--io {io} is only available for modes int8, qat and (int8 only) mixed (mode '{mode}' keeps float I/O)",
            "drop --io, or use --mode int8",
        )
    return io


@dataclass(frozen=True)
class ConvertRequest:
    """Everything the converter child needs. Paths are absolute strings."""

    model: str
    mode: str
    io: str = "int8"
    calib: str | None = None  # .npy/.npz path, image directory, or "synthetic"
    calib_count: int = 200
    input_range: tuple[float, float] | None = None
    train_data: str | None = None  # qat: npz with x, y
    epochs: int = 3
    batch_size: int = 32
    lr: float = 1e-4
    val_data: str | None = None  # mixed: npz with x, y
    max_drop: float = 1.0  # mixed: accuracy points
    allow_float: bool = False  # mixed: layers may stay float when int16 activations do not reach max_drop
    seed: int = 0

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "ConvertRequest":
        data = json.loads(text)
        if data.get("input_range") is not None:
            data["input_range"] = tuple(data["input_range"])
        return cls(**data)


def default_io(mode: str) -> str:
    """int8 I/O for the full-integer modes (what a microcontroller wants), float elsewhere."""
    return "int8" if mode in ("int8", "qat", "mixed") else "float"


def validate_request(req: ConvertRequest) -> None:
    """Checks that need no model: mode, I/O type, the option combinations and the files named."""
    check_mode(req.mode)
    check_io(req.io, req.mode)
    if req.mode in CALIBRATED_MODES and req.calib is None:
        raise EdgeqError(
            f"mode '{req.mode}' needs calibration data",
            "pass --calib DATA.npy|DATA.npz|IMAGE_DIR, or --calib synthetic --input-range LO,HI",
        )
    if req.calib == "synthetic" and req.input_range is None:
        raise EdgeqError(
            "synthetic calibration needs the range of the model's inputs",
            "pass --input-range LO,HI (e.g. --input-range 0,1 for images scaled to [0,1])",
        )
    if req.input_range is not None and not req.input_range[0] < req.input_range[1]:
        raise EdgeqError(f"--input-range {req.input_range} is empty", "give LO,HI with LO < HI")
    if req.calib_count < 1:
        raise EdgeqError(f"--calib-count must be at least 1, got {req.calib_count}", "e.g. --calib-count 200")
    if req.mode == "qat":
        if req.train_data is None:
            raise EdgeqError("mode 'qat' needs labelled training data", "pass --train-data TRAIN.npz (keys x, y)")
        if req.epochs < 1 or req.batch_size < 1 or not req.lr > 0:
            raise EdgeqError(
                f"bad QAT settings: epochs={req.epochs}, batch size={req.batch_size}, lr={req.lr}",
                "epochs and batch size must be >= 1 and the learning rate > 0",
            )
    if req.allow_float and req.mode != "mixed":
        raise EdgeqError(f"--allow-float applies to --mode mixed, not '{req.mode}'", "drop --allow-float")
    if req.mode == "mixed":
        if req.val_data is None:
            raise EdgeqError("mode 'mixed' needs labelled validation data", "pass --val-data VAL.npz (keys x, y)")
        if req.max_drop < 0:
            raise EdgeqError(f"--max-drop must be >= 0, got {req.max_drop}", "e.g. --max-drop 0.5 (accuracy points)")
    for label, path in (("model", req.model), ("--train-data", req.train_data), ("--val-data", req.val_data)):
        if path is not None and not Path(path).exists():
            raise EdgeqError(f"{label} not found: {path}", "check the path")
    if req.calib not in (None, "synthetic") and not Path(req.calib).exists():
        raise EdgeqError(
            f"calibration data not found: {req.calib}",
            "pass an existing .npy/.npz file or image directory, or --calib synthetic --input-range LO,HI",
        )
