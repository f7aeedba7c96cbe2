"""What a sweep records: one `ModeResult` per quantization mode, gathered in a `SweepResult` (pure).

These frozen dataclasses are the contract between `edgeq sweep` (which writes `results.json`) and
`edgeq report` (which reads it). `to_dict`/`from_dict` are exact inverses; `from_dict` rejects a file that
is not a sweep result of this schema with an `EdgeqError`, so a report never renders half-understood data.

Units: accuracy is a fraction in [0, 1]; accuracy *drops* and `--max-drop` are in percentage points (as the
converter's `--max-drop`). Every measured figure carries a source from `SOURCES`:
  measured   a real device or a linked ELF (exact byte counts);
  estimated  derived from a model (QEMU instruction count × CPI ÷ clock; a board's power model);
  emulated   computed by the firmware itself running in QEMU (outputs, hence accuracy; instruction counts);
  host       computed on this machine (LiteRT / TFLite Micro / Keras), not on the target.
"""
from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Mapping

from edgeq.errors import EdgeqError

SCHEMA = "edgeq.sweep/1"
SOURCES = ("measured", "estimated", "emulated", "host")
STATUSES = ("ok", "failed")
# The stage a mode reached; a failed mode names the stage that failed.
STAGES = ("plan", "convert", "check", "build", "accuracy", "bench", "done")
TARGET_KINDS = ("board", "host", "adb")


@dataclass(frozen=True)
class Target:
    """Where the sweep runs. `kind` board (a real board or its emulator), host (LiteRT here) or adb (phone)."""

    kind: str
    id: str  # board id (e.g. mps2-an386), "host", or the adb serial ("adb" when the default device)
    name: str = ""
    core: str = ""
    emulated: bool = False

    @property
    def runs_firmware(self) -> bool:
        return self.kind == "board"

    @property
    def device_source(self) -> str:
        """The source label of figures the target itself produces."""
        if self.kind == "host":
            return "host"
        return "emulated" if self.emulated else "measured"


@dataclass(frozen=True)
class LayerCost:
    """One operator of the converted model: its quantization error and what it costs on the target."""

    index: int
    opcode: str
    sqnr_db: float | None  # float model vs quantized model at this op's output (host); None if not matched
    macs: int
    ticks: int | None  # firmware per-op profile (instructions in QEMU, cycles on a board); None if unavailable


@dataclass(frozen=True)
class ModeResult:
    mode: str
    status: str  # ok | failed
    stage: str  # the last stage reached (the failing one when failed)
    reason: str = ""  # why it failed (empty when ok)
    hint: str = ""
    tflite: str | None = None  # path relative to the sweep directory
    model_bytes: int | None = None
    accuracy: float | None = None  # top-1 on the validation set, measured where `accuracy_source` says
    accuracy_source: str | None = None
    host_accuracy: float | None = None  # the same .tflite in LiteRT (reference kernels) on this machine
    reference_accuracy: float | None = None  # the same .tflite in TFLite Micro on this machine (MCU semantics)
    exact_match_rate: float | None = None  # device output elements identical to TFLite Micro, fraction
    top1_agreement: float | None = None  # device top-1 equal to TFLite Micro top-1, fraction of samples
    output_verdict: str | None = None  # `edgeq validate`'s verdict on the device outputs, in words
    samples: int | None = None
    latency_ms: float | None = None
    latency_source: str | None = None
    timing_source: str | None = None  # dwt | systick-icount | wall (host) | benchmark_model (phone)
    instructions_per_inference: int | None = None
    cycles_per_inference: int | None = None
    energy_uj: float | None = None
    energy_source: str | None = None
    flash_bytes: int | None = None
    ram_bytes: int | None = None
    arena_bytes: int | None = None
    code_bytes: int | None = None
    weights_bytes: int | None = None
    memory_source: str | None = None
    layer_cost_unit: str | None = None  # "instructions" | "cycles" | "MACs"
    layer_cost_source: str | None = None
    layers: tuple[LayerCost, ...] = ()
    elapsed_s: float | None = None
    cached: bool = False  # reused from a previous run of the sweep

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass(frozen=True)
class Recommendation:
    mode: str | None  # None when no mode meets the budget
    reason: str
    max_drop: float
    baseline_accuracy: float | None
    candidates: tuple[str, ...] = ()  # ok modes within the budget, best first


@dataclass(frozen=True)
class SweepResult:
    edgeq_version: str
    model_path: str
    model_sha256: str
    target: Target
    val_path: str
    val_samples: int
    float_accuracy: float | None  # the Keras float model on the validation set (host)
    modes: tuple[ModeResult, ...]
    recommendation: Recommendation | None = None
    created: str = ""  # ISO 8601, UTC
    settings: Mapping[str, Any] = field(default_factory=dict)  # calibration, QAT and mixed options used

    def mode(self, name: str) -> ModeResult | None:
        return next((m for m in self.modes if m.mode == name), None)


def to_dict(result: SweepResult) -> dict:
    data = dataclasses.asdict(result)
    data["settings"] = dict(result.settings)
    return {"schema": SCHEMA, **data}


def _build(cls, data: Mapping[str, Any], where: str):
    if not isinstance(data, Mapping):
        raise _bad(f"{where} must be an object, got {type(data).__name__}")
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = set(data) - names
    if unknown:
        raise _bad(f"{where} has unknown keys: {', '.join(sorted(unknown))}")
    required = {f.name for f in dataclasses.fields(cls)
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
    missing = required - set(data)
    if missing:
        raise _bad(f"{where} lacks keys: {', '.join(sorted(missing))}")
    hints = typing.get_type_hints(cls)
    for key, value in data.items():
        if not _has_type(value, hints[key]):
            raise _bad(f"{where}.{key} is {value!r}, expected {_type_name(hints[key])}")
    return cls(**data)


def _has_type(value: Any, hint: Any) -> bool:
    """`value` fits the field annotation `hint` (the shapes used in this module only)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_has_type(value, arg) for arg in args)
    if hint is type(None):
        return value is None
    if hint in (int, float):  # JSON writes 1.0 as 1: an int is a valid float, a bool is neither
        return isinstance(value, (int, float) if hint is float else int) and not isinstance(value, bool)
    if origin is tuple:
        return isinstance(value, (tuple, list)) and all(_has_type(v, args[0]) for v in value)
    if origin is not None:  # Mapping[...]
        return isinstance(value, origin)
    return isinstance(value, hint)


def _type_name(hint: Any) -> str:
    return str(hint).replace("typing.", "").replace("edgeq.sweep.record.", "")


def _list(value: Any, where: str) -> list:
    if not isinstance(value, (list, tuple)):
        raise _bad(f"{where} must be a list, got {type(value).__name__}")
    return list(value)


def _bad(message: str) -> EdgeqError:
    return EdgeqError(f"not a valid sweep result ({SCHEMA}): {message}",
                      "point at the directory written by `edgeq sweep`, or rerun the sweep")


def _check_source(value: str | None, where: str) -> None:
    if value is not None and value not in SOURCES:
        raise _bad(f"{where} is '{value}', expected one of {', '.join(SOURCES)}")


def _mode_from_dict(data: Mapping[str, Any], i: int) -> ModeResult:
    where = f"modes[{i}]"
    if not isinstance(data, Mapping):
        raise _bad(f"{where} must be an object, got {type(data).__name__}")
    data = dict(data)
    data["layers"] = tuple(_build(LayerCost, layer, f"{where}.layers[{j}]")
                           for j, layer in enumerate(_list(data.get("layers", ()), f"{where}.layers")))
    mode = _build(ModeResult, data, where)
    if mode.status not in STATUSES:
        raise _bad(f"{where}.status is '{mode.status}', expected one of {', '.join(STATUSES)}")
    if mode.stage not in STAGES:
        raise _bad(f"{where}.stage is '{mode.stage}', expected one of {', '.join(STAGES)}")
    if mode.status == "failed" and not mode.reason:
        raise _bad(f"{where} failed without a reason")
    for key in ("accuracy_source", "latency_source", "energy_source", "memory_source", "layer_cost_source"):
        _check_source(getattr(mode, key), f"{where}.{key}")
    for key in ("accuracy", "host_accuracy", "reference_accuracy", "exact_match_rate", "top1_agreement"):
        value = getattr(mode, key)
        if value is not None and not 0.0 <= value <= 1.0:
            raise _bad(f"{where}.{key} = {value} is not a fraction in [0, 1]")
    return mode


def from_dict(data: Mapping[str, Any]) -> SweepResult:
    if not isinstance(data, Mapping) or data.get("schema") != SCHEMA:
        found = data.get("schema") if isinstance(data, Mapping) else type(data).__name__
        raise _bad(f"schema is {found!r}")
    data = {k: v for k, v in data.items() if k != "schema"}
    target = _build(Target, data.get("target"), "target")
    if target.kind not in TARGET_KINDS:
        raise _bad(f"target.kind is '{target.kind}', expected one of {', '.join(TARGET_KINDS)}")
    data["target"] = target
    data["modes"] = tuple(_mode_from_dict(m, i) for i, m in enumerate(_list(data.get("modes") or (), "modes")))
    rec = data.get("recommendation")
    if rec is not None:
        if not isinstance(rec, Mapping):
            raise _bad(f"recommendation must be an object, got {type(rec).__name__}")
        rec = dict(rec)
        rec["candidates"] = tuple(_list(rec.get("candidates", ()), "recommendation.candidates"))
        data["recommendation"] = _build(Recommendation, rec, "recommendation")
    return _build(SweepResult, data, "sweep result")
