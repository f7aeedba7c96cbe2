"""TFLite Micro (the `tflite-micro` package) as the oracle for microcontroller semantics.

`TflmRunner(model)` builds one interpreter and reuses it for every sample (variable tensors are reset before
each sample, so results never depend on earlier samples). `run_tflm(model, inputs)` is the one-shot form.

Arena figures: TFLM's Python binding reports its arena only by printing (`print_allocations()` writes
`[RecordingMicroAllocator] ...` lines to C-level stderr), so the runner redirects file descriptor 2 into a
temporary file around that call and parses the text. Redirecting fd 2 is process-wide: do not call this
from several threads at once. The figures are those of this host build of TFLM (64-bit pointers, reference
kernels); a Cortex-M build with CMSIS-NN reports somewhat different numbers (e.g. kws 22,820 bytes there).
"""
from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Iterator, Mapping, Sequence

import numpy as np

from edgeq.errors import EdgeqError
from edgeq.reference.batch import ReferenceResult, TensorInfo, as_batches, freeze


@dataclass(frozen=True)
class ArenaSection:
    used_bytes: int  # including alignment overhead
    requested_bytes: int
    count: int


@dataclass(frozen=True)
class ArenaUsage:
    """TFLM's arena use: head = non-persistent (activations, scratch), tail = persistent (runtime structs)."""

    total_bytes: int
    head_bytes: int
    tail_bytes: int
    sections: Mapping[str, ArenaSection] = field(default_factory=lambda: MappingProxyType({}), compare=False)


# TFLM's interpreter arena: from 10x the file size (the binding's own rule) up to this cap, growing 4x when
# TFLM reports the arena too small.
MIN_ARENA_BYTES = 64 * 1024
MAX_ARENA_BYTES = 1 << 30
_ARENA_TOO_SMALL = re.compile(r"Failed to resize buffer|Arena size is too small|Failed to allocate")
_TOTALS = re.compile(r"Arena allocation (total|head|tail) (\d+) bytes")
_SECTION = re.compile(r"'([^']+)' used (\d+) bytes with alignment overhead \(requested (\d+) bytes for (\d+) ")


def parse_allocations(text: str) -> ArenaUsage:
    """Parse the output of TFLM's `print_allocations()` (RecordingMicroAllocator)."""
    totals = {kind: int(value) for kind, value in _TOTALS.findall(text)}
    if set(totals) != {"total", "head", "tail"}:
        raise EdgeqError("TFLite Micro printed no arena allocation summary",
                         "check that tflite-micro is the version pinned in pyproject.toml")
    sections = {name: ArenaSection(int(used), int(requested), int(count))
                for name, used, requested, count in _SECTION.findall(text)}
    return ArenaUsage(totals["total"], totals["head"], totals["tail"], MappingProxyType(sections))


@contextlib.contextmanager
def _captured_stderr() -> Iterator[list[str]]:
    """Redirect C-level stderr (fd 2) into a temp file; the yielded list receives the text on exit."""
    sink: list[str] = []
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            yield sink
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            tmp.seek(0)
            sink.append(tmp.read().decode("utf-8", "replace"))


def _info(details: dict) -> TensorInfo:
    q = details.get("quantization_parameters") or {}
    scales, zeros = q.get("scales", ()), q.get("zero_points", ())
    return TensorInfo(
        shape=tuple(int(d) for d in details["shape"]),
        dtype=np.dtype(details["dtype"]).name,
        scale=float(scales[0]) if len(scales) else 0.0,
        zero_point=int(zeros[0]) if len(zeros) else 0,
    )


def _count(getter) -> int:
    """TFLM's binding has no input/output count: probe indices until it raises IndexError."""
    n = 0
    while True:
        try:
            getter(n)
        except IndexError:
            return n
        n += 1


class TflmRunner:
    """One TFLM interpreter for one model, reused across samples."""

    reference = "tflm"

    def __init__(self, model: str | Path | bytes) -> None:
        from tflite_micro.python.tflite_micro import runtime

        if isinstance(model, (str, Path)):
            path = Path(model)
            if not path.is_file():
                raise EdgeqError(f"model file not found: {path}", "check the path to the .tflite file")
            data = path.read_bytes()
        else:
            data = bytes(model)
        if len(data) < 8 or data[4:8] != b"TFL3":
            raise EdgeqError("not a TFLite flatbuffer (missing the 'TFL3' identifier)",
                             "pass a .tflite file produced by the TFLite converter")
        self._model_bytes = data  # the interpreter may point into these bytes: keep them alive
        arena_size = max(len(data) * 10, MIN_ARENA_BYTES)
        while True:
            with _captured_stderr() as log:
                try:
                    self._interp = runtime.Interpreter.from_bytes(data, arena_size=arena_size)
                    error = None
                except (RuntimeError, ValueError) as exc:
                    error = exc
            # The binding sizes its arena from the file size (10x), too small for models whose activations
            # outweigh their weights (e.g. int16 with two large inputs): grow until TFLM fits or the cap.
            if error is None or not _ARENA_TOO_SMALL.search(log[0]) or arena_size >= MAX_ARENA_BYTES:
                break
            arena_size = min(arena_size * 4, MAX_ARENA_BYTES)
        if error is not None:
            detail = " ".join(line.strip() for line in log[0].splitlines() if line.strip()) or str(error)
            raise EdgeqError(f"TFLite Micro cannot run this model: {detail}",
                             "TFLite Micro runs full-integer (int8) and float32 models; convert with "
                             "`edgeq convert --mode int8` or `--mode fp32`") from None
        with _captured_stderr():
            self.inputs = tuple(_info(self._interp.get_input_details(i))
                                for i in range(_count(self._interp.get_input_details)))
            self.outputs = tuple(_info(self._interp.get_output_details(i))
                                 for i in range(_count(self._interp.get_output_details)))
        self._arena: ArenaUsage | None = None

    @property
    def arena(self) -> ArenaUsage:
        if self._arena is None:
            with _captured_stderr() as log:
                self._interp.print_allocations()
            self._arena = parse_allocations(log[0])
        return self._arena

    def run(self, inputs: np.ndarray | Sequence[np.ndarray]) -> ReferenceResult:
        batches = as_batches(inputs, self.inputs)
        n = batches[0].shape[0]
        outs = [np.empty((n,) + info.shape, dtype=info.dtype) for info in self.outputs]
        for s in range(n):
            self._interp.reset()
            for k, batch in enumerate(batches):
                self._interp.set_input(np.ascontiguousarray(batch[s]), k)
            self._interp.invoke()
            for k, out in enumerate(outs):
                out[s] = self._interp.get_output(k)
        return ReferenceResult(self.reference, freeze(outs), self.outputs)


def run_tflm(model: str | Path | bytes, inputs: np.ndarray | Sequence[np.ndarray]) -> ReferenceResult:
    return TflmRunner(model).run(inputs)


def tflm_arena(model: str | Path | bytes) -> ArenaUsage:
    return TflmRunner(model).arena
