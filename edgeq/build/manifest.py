"""`Build`: an `edgeq build` directory as a frozen, typed value, read once from its manifest
(`edgeq-build.json`, written by `edgeq.build.project.assemble_sources`).

Consumers (bench, validate, sweep, flash, the CLI) take a `Build` instead of indexing the manifest dict by
string; `read_build` is the one place that knows the manifest's keys and refuses a manifest missing one.
The linked program's memory use, measured once by the target's postflight check, is written into the
manifest by `record_memory` and carried by `Build.memory`, so nothing re-reads the ELF or re-resolves the board.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from edgeq.errors import EdgeqError
from edgeq.toolchain.size import MemoryReport

MANIFEST = "edgeq-build.json"


@dataclass(frozen=True)
class BuildOp:
    """One operator of the built model: the kernel files it compiled and why faster variants declined."""

    index: int
    opcode: str
    kernels: tuple[str, ...]
    declined: tuple[str, ...]


@dataclass(frozen=True)
class LinkedMemory:
    """Flash and RAM of the linked firmware (from its ELF) and the board's capacity it was checked against."""

    report: MemoryReport
    flash_capacity: int
    ram_capacity: int


@dataclass(frozen=True)
class Build:
    out_dir: Path
    target: str  # "host", or a board id
    target_facts: Mapping[str, Any]  # board, core, clock_hz, timing_source, emulated, ... (see the build target)
    edgeq_version: str
    model_name: str
    model_sha256: str
    model: Path  # the copy of the .tflite inside the build
    program: Path  # the linked program (host executable or ELF)
    outputs: tuple[Path, ...]
    arena_bytes: int  # the planned activation arena (what the firmware reports in `info`)
    weights_bytes: int
    input_bytes: int
    kernel_sources: tuple[str, ...]
    ops: tuple[BuildOp, ...]
    memory: LinkedMemory | None  # None for the host (nothing to fit); else what the postflight check measured

    @property
    def is_host(self) -> bool:
        return self.target == "host"


def _field(data: Mapping[str, Any], key: str, kind: type, path: Path) -> Any:
    value = data.get(key)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
        raise EdgeqError(f"{path} lacks a valid {key!r} (found {value!r})", "rebuild with `edgeq build --force`")
    return value


_MEMORY_KEYS = ("text", "rodata", "data", "bss", "stack", "arena", "weights")


def record_memory(build_dir: str | Path, memory: LinkedMemory) -> None:
    """Add `memory` to the manifest in `build_dir` (the build's postflight step, before the build moves into place)."""
    path = Path(build_dir) / MANIFEST
    data = json.loads(path.read_text(encoding="utf-8"))
    data["memory"] = {**{key: getattr(memory.report, key) for key in _MEMORY_KEYS},
                      "flash_capacity": memory.flash_capacity, "ram_capacity": memory.ram_capacity}
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _memory(data: Mapping[str, Any], path: Path) -> LinkedMemory | None:
    raw = data.get("memory")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise EdgeqError(f"{path} has a corrupt 'memory' entry", "rebuild with `edgeq build --force`")
    report = MemoryReport(**{key: _field(raw, key, int, path) for key in _MEMORY_KEYS})
    return LinkedMemory(report, _field(raw, "flash_capacity", int, path), _field(raw, "ram_capacity", int, path))


def read_build(build_dir: str | Path) -> Build:
    """The build in `build_dir`, or EdgeqError if it is not one (or its manifest is corrupt)."""
    directory = Path(build_dir)
    path = directory / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EdgeqError(f"{directory} is not an edgeq build directory (no {MANIFEST})",
                         "pass a directory made by `edgeq build`, or a .tflite model") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise EdgeqError(f"{path} is corrupt: {err}", "rebuild with `edgeq build --force`") from None
    if not isinstance(data, dict):
        raise EdgeqError(f"{path} is corrupt: not a JSON object", "rebuild with `edgeq build --force`")
    model = _field(data, "model", dict, path)
    ops = tuple(BuildOp(int(op["index"]), str(op["opcode"]), tuple(op.get("kernels", ())),
                        tuple(op.get("declined", ()))) for op in data.get("ops", ()))
    return Build(
        out_dir=directory,
        target=_field(data, "target", str, path),
        target_facts=MappingProxyType(dict(data.get("target_facts", {}))),
        edgeq_version=str(data.get("edgeq_version", "")),
        model_name=_field(model, "name", str, path),
        model_sha256=_field(model, "sha256", str, path),
        model=directory / _field(model, "file", str, path),
        program=directory / _field(data, "program", str, path),
        outputs=tuple(directory / str(o) for o in data.get("outputs", ())),
        arena_bytes=_field(data, "arena_bytes", int, path),
        weights_bytes=_field(data, "weights_bytes", int, path),
        input_bytes=_field(data, "input_bytes", int, path),
        kernel_sources=tuple(data.get("kernel_sources", ())),
        ops=ops,
        memory=_memory(data, path),
    )
