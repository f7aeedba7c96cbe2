"""Parse the text printed by TFLite's `benchmark_model` (and its LiteRT successor). Pure: text in, dataclass out.

Three output generations exist, all seen in real Android runs (fixtures in ../shared/fixtures/android):

- TF 1.x (2019): `Average inference timings in us: Warmup: W, Init: I, no stats: A` (or `Inference: A`).
  There is no "first inference" field; it is the `first=` of the warm-up `count=` line.
- TF 2.x: `Inference timings in us: Init: I, First inference: F, Warmup (avg): W, Inference (avg): A`, then
  `Peak memory footprint (MB): init=.. overall=..` (2.3/2.4) or `Memory footprint delta from the start of the
  tool (MB): ...` (later nightlies). Numbers may be in scientific notation (`9.99242e+06`).
- LiteRT (2025+): a `BENCHMARK RESULTS` block in **milliseconds**: `Model initialization: X ms`,
  `Warmup (first)`, `Warmup (avg) X ms (N runs)`, `Inference (avg|min|max)`, `Inference (std)`,
  `Init/Overall footprint: X MB`.

Timings are µs in the TF formats and ms in LiteRT; everything here is returned in ms. The spread of the
steady-state runs comes from the `count=... avg=... std=...` line whose `avg` equals the summary average (the
other `count=` line is the warm-up); `Timings (microseconds):` lines are the op profiler's and are ignored.

Lines may carry prefixes that are not part of the tool's message: `INFO: `/`ERROR: `, LiteRT's
`INFO: [file.h:NN] `, logcat (`05-31 10:38:42.583 22206 22206 I tflite  : `, `I/tflite  (10563): `) and
indentation; they are stripped before matching.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from edgeq.errors import EdgeqError

_NUM = r"([-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)"

_PREFIXES = [
    re.compile(r"^\d\d-\d\d \d\d:\d\d:\d\d\.\d+\s+\d+\s+\d+\s+[VDIWEF]\s+[^:]*:\s?"),  # logcat threadtime
    re.compile(r"^[VDIWEF]/[^(]*\(\s*\d+\):\s?"),  # logcat brief
    re.compile(r"^(?:INFO|WARNING|ERROR|VERBOSE):\s?(?:\[[^\]]*\]\s?)?"),  # TFLite logger (+ LiteRT source tag)
]

_TF1_SUMMARY = re.compile(
    rf"^Average inference timings in us: Warmup: {_NUM}, Init: {_NUM}, (?:no stats|Inference): {_NUM}")
_TF2_SUMMARY = re.compile(
    rf"^Inference timings in us: Init: {_NUM}, First inference: {_NUM}, Warmup \(avg\): {_NUM}, "
    rf"Inference \(avg\): {_NUM}")
_COUNT = re.compile(r"^count=(\d+)((?: \w+=\S+)*)")
_LITERT = {
    "init": re.compile(rf"^Model initialization:\s*{_NUM} ms"),
    "first": re.compile(rf"^Warmup \(first\):\s*{_NUM} ms"),
    "warmup": re.compile(rf"^Warmup \(avg\):\s*{_NUM} ms \((\d+) runs\)"),
    "avg": re.compile(rf"^Inference \(avg\):\s*{_NUM} ms \((\d+) runs\)"),
    "min": re.compile(rf"^Inference \(min\):\s*{_NUM} ms"),
    "max": re.compile(rf"^Inference \(max\):\s*{_NUM} ms"),
    "std": re.compile(rf"^Inference \(std\):\s*{_NUM}"),
    "init_mem": re.compile(rf"^Init footprint:\s*{_NUM} MB"),
    "overall_mem": re.compile(rf"^Overall footprint:\s*{_NUM} MB"),
}
_MEMORY = [
    ("peak", re.compile(rf"^Peak memory footprint \(MB\): init={_NUM} overall={_NUM}")),
    ("delta", re.compile(rf"^Memory footprint delta from the start of the tool \(MB\): init={_NUM} overall={_NUM}")),
]
_MODEL_SIZE = re.compile(rf"^The input model file size \(MB\): {_NUM}")

# Delegation messages. The first three are printed by benchmark_model itself after applying a delegate
# (wording from tensorflow/lite/tools/benchmark/benchmark_tflite_model.cc); "Replacing N out of M" comes from
# the interpreter's delegate kernel and also shows in logcat.
_APPLIED_FULL = re.compile(
    r"^Explicitly applied (\S+) delegate, and the model graph will be completely executed by the delegate")
_APPLIED_PARTIAL = re.compile(
    r"^Explicitly applied (\S+) delegate, and the model graph will be partially executed by the delegate "
    r"w/ (\d+) delegate kernels")
_NOT_APPLIED = re.compile(
    r"^Though (\S+) delegate is explicitly applied, the model graph will not be executed by the delegate")
_REPLACING = re.compile(r"^Replacing (\d+) out of (\d+) node\(s\) with delegate \((\w+)\) node")
_APPLY_FAILED = re.compile(r"^Failed to apply (\S+) delegate")
_UNSUPPORTED_HEADER = re.compile(r"^Following operations are not supported by (\S+) delegate")
_UNSUPPORTED_OP = re.compile(r"^([A-Z][A-Z0-9_]+): (.+)$")
_NNAPI_MISSING = re.compile(r"^nnapi error: (.+)$")
_FAILED = re.compile(r"^Benchmarking failed")
# Launch errors come from the device shell, e.g. `/system/bin/sh: ./benchmark_model: not executable: 64-bit ELF
# file` or `...: not found`; a missing or unreadable model from the tool (`Could not open`, `Failed to mmap`).
_SHELL_ERROR = re.compile(r"^/system/bin/sh: (.+)$|^(.*(?:inaccessible or not found|not executable|Permission denied).*)$")
_ERROR_WORDS = re.compile(r"\b(?:ERROR|error|failed|Failed|Could not|unable)\b")

# Names benchmark_model prints for each delegate, by the `--delegate` choice edgeq offers.
DELEGATE_NAMES = {"xnnpack": "XNNPACK", "gpu": "GPU", "nnapi": "NNAPI"}


@dataclass(frozen=True)
class Memory:
    """Memory as reported by the tool, in MB. `kind`: `peak` (TF 2.3/2.4 "Peak memory footprint"),
    `delta` (later "footprint delta from the start of the tool") or `footprint` (LiteRT init/overall)."""

    kind: str
    init_mb: float
    overall_mb: float


@dataclass(frozen=True)
class Delegation:
    """What the output says about delegates. `coverage`: `full`, `partial`, `none` (explicitly not executed
    by the delegate) or None (the output says nothing)."""

    name: str | None
    coverage: str | None
    kernels: int | None
    unsupported_ops: tuple[str, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class BenchmarkModelRun:
    output_format: str  # "tf1" | "tf2" | "litert"
    init_ms: float | None
    first_inference_ms: float | None
    warmup_avg_ms: float | None
    warmup_runs: int | None
    avg_ms: float
    runs: int | None
    std_ms: float | None
    min_ms: float | None
    max_ms: float | None
    memory: Memory | None
    model_size_mb: float | None
    delegation: Delegation


def strip_prefix(line: str) -> str:
    """The tool's message without log prefixes and indentation."""
    text = line.strip()
    for pattern in _PREFIXES:
        text = pattern.sub("", text, count=1)
    return text.strip()


def _messages(text: str) -> list[str]:
    lines = text.splitlines()
    if lines and not text.endswith(("\n", "\r")):
        lines.pop()  # an unterminated last line may be cut mid-number: never read "3320" for "33209.4"
    return [strip_prefix(line) for line in lines]


def parse_delegation(text: str) -> Delegation:
    name = coverage = None
    kernels = None
    unsupported: list[str] = []
    notes: list[str] = []
    in_unsupported = False
    for msg in _messages(text):
        if in_unsupported:
            match = _UNSUPPORTED_OP.match(msg)
            if match:
                unsupported.append(match.group(1))
                continue
            in_unsupported = False
        if m := _APPLIED_FULL.match(msg):
            name, coverage, kernels = m.group(1), "full", None
        elif m := _APPLIED_PARTIAL.match(msg):
            name, coverage, kernels = m.group(1), "partial", int(m.group(2))
        elif m := _NOT_APPLIED.match(msg):
            name, coverage, kernels = m.group(1), "none", 0
        elif m := _REPLACING.match(msg):
            replaced, total = int(m.group(1)), int(m.group(2))
            name = name or m.group(3)
            coverage = "full" if replaced == total else ("partial" if replaced else "none")
            notes.append(msg)
        elif _UNSUPPORTED_HEADER.match(msg):
            in_unsupported = True
            notes.append(msg)
        elif _NNAPI_MISSING.match(msg) or _APPLY_FAILED.match(msg):
            notes.append(msg)
    return Delegation(name, coverage, kernels, tuple(unsupported), tuple(notes))


def _count_lines(messages: list[str]) -> list[dict[str, float]]:
    rows = []
    for msg in messages:
        match = _COUNT.match(msg)
        if not match:
            continue
        row = {"count": float(match.group(1))}
        for field in match.group(2).split():
            key, _, value = field.partition("=")
            try:
                row[key] = float(value)
            except ValueError:
                continue
        rows.append(row)
    return rows


def _matching_count_line(rows: list[dict[str, float]], avg_us: float) -> dict[str, float] | None:
    # The summary prints the same statistic as the count= line; allow for %g formatting differences.
    for row in rows:
        if "avg" in row and abs(row["avg"] - avg_us) <= max(1.0, 1e-4 * abs(avg_us)):
            return row
    return None


def _failure(text: str, messages: list[str], what: str) -> EdgeqError:
    errors = [m for m in messages if _ERROR_WORDS.search(m) or _SHELL_ERROR.match(m)]
    detail = "; ".join(dict.fromkeys(errors)) or "no error message in the output"
    hint = "run the same command with `adb shell` to see the full output"
    if any("not executable" in m for m in errors):
        hint = "the benchmark_model binary is built for another CPU architecture: use the one matching " \
               "`adb shell getprop ro.product.cpu.abi` (e.g. android_aarch64)"
    elif any(_APPLY_FAILED.match(m) for m in messages):
        hint = "the delegate cannot run this model on this phone: try another --delegate (cpu always works)"
    elif not text.strip():
        hint = "benchmark_model printed nothing: check that the binary runs on the device"
    return EdgeqError(f"benchmark_model {what}: {detail}", hint)


def parse(text: str) -> BenchmarkModelRun:
    """Parse one benchmark_model run. Raises EdgeqError for a failed, truncated or unrecognised output.

    `text` is the tool's output as received: a last line without its newline is treated as cut off.
    """
    messages = _messages(text)
    if any(_FAILED.match(m) for m in messages) or any(_SHELL_ERROR.match(m) for m in messages):
        raise _failure(text, messages, "failed")
    delegation = parse_delegation(text)
    memory = None
    for kind, pattern in _MEMORY:
        for msg in messages:
            if m := pattern.match(msg):
                memory = Memory(kind, float(m.group(1)), float(m.group(2)))
    model_size = next((float(m.group(1)) for msg in messages if (m := _MODEL_SIZE.match(msg))), None)

    tf1 = [m for msg in messages if (m := _TF1_SUMMARY.match(msg))]
    tf2 = [m for msg in messages if (m := _TF2_SUMMARY.match(msg))]
    if len(tf1) + len(tf2) > 1:
        raise EdgeqError("benchmark_model output holds several runs (more than one timing summary)",
                         "parse the output of one benchmark_model invocation at a time")
    counts = _count_lines(messages)
    if tf2:
        init_us, first_us, warmup_us, avg_us = (float(g) for g in tf2[0].groups())
        steady, warm = _matching_count_line(counts, avg_us), _matching_count_line(counts, warmup_us)
        return _from_us("tf2", init_us, first_us, warmup_us, avg_us, steady, warm, memory, model_size, delegation)
    if tf1:
        warmup_us, init_us, avg_us = (float(g) for g in tf1[0].groups())
        steady, warm = _matching_count_line(counts, avg_us), _matching_count_line(counts, warmup_us)
        first_us = warm["first"] if warm and "first" in warm else None
        return _from_us("tf1", init_us, first_us, warmup_us, avg_us, steady, warm, memory, model_size, delegation)
    litert = _parse_litert(messages)
    if litert is not None:
        return BenchmarkModelRun(
            output_format="litert", init_ms=litert.get("init"), first_inference_ms=litert.get("first"),
            warmup_avg_ms=litert.get("warmup"), warmup_runs=_int(litert.get("warmup_runs")),
            avg_ms=litert["avg"], runs=_int(litert.get("avg_runs")), std_ms=litert.get("std"),
            min_ms=litert.get("min"), max_ms=litert.get("max"),
            memory=memory or _litert_memory(litert), model_size_mb=model_size, delegation=delegation)
    raise _failure(text, messages, "output has no timing summary (truncated, or not a benchmark_model run)")


def _from_us(fmt, init_us, first_us, warmup_us, avg_us, steady, warm, memory, model_size, delegation):
    ms = 1e-3
    return BenchmarkModelRun(
        output_format=fmt, init_ms=init_us * ms, first_inference_ms=None if first_us is None else first_us * ms,
        warmup_avg_ms=warmup_us * ms, warmup_runs=_int(warm.get("count")) if warm else None,
        avg_ms=avg_us * ms, runs=_int(steady.get("count")) if steady else None,
        std_ms=steady["std"] * ms if steady and "std" in steady else None,
        min_ms=steady["min"] * ms if steady and "min" in steady else None,
        max_ms=steady["max"] * ms if steady and "max" in steady else None,
        memory=memory, model_size_mb=model_size, delegation=delegation)


def _parse_litert(messages: list[str]) -> dict[str, float] | None:
    found: dict[str, float] = {}
    for msg in messages:
        for key, pattern in _LITERT.items():
            if m := pattern.match(msg):
                found[key] = float(m.group(1))
                if key in ("warmup", "avg"):
                    found[f"{key}_runs"] = float(m.group(2))
    return found if "avg" in found else None


def _litert_memory(found: dict[str, float]) -> Memory | None:
    if "init_mem" in found and "overall_mem" in found:
        return Memory("footprint", found["init_mem"], found["overall_mem"])
    return None


def _int(value: float | None) -> int | None:
    return None if value is None else int(value)


def delegate_status(run_delegation: Delegation, requested: str, output_format: str) -> tuple[bool | None, str]:
    """Did the requested delegate run? (True/False, or None when not applicable/not reported), with the why.

    A run that succeeded without any "applied" message for the requested delegate fell back to the CPU:
    benchmark_model only warns (or says nothing) in that case, and the timings are CPU timings.
    """
    if requested == "cpu":
        return None, "no delegate requested (CPU kernels)"
    wanted = DELEGATE_NAMES[requested]
    d = run_delegation
    if d.name is not None and wanted in d.name.upper():  # also matches TfLiteGpuDelegateV2 etc.
        if d.coverage == "full":
            return True, f"{wanted} delegate executes the whole graph"
        if d.coverage == "partial":
            kernels = f" ({d.kernels} delegate kernels)" if d.kernels is not None else ""
            return True, f"{wanted} delegate executes part of the graph{kernels}; the rest runs on the CPU"
        return False, f"{wanted} delegate was applied but executes no node: the graph ran on the CPU"
    if output_format == "litert":
        return None, "LiteRT's benchmark output does not report delegation"
    why = "; ".join(d.notes) if d.notes else f"no '{wanted} delegate applied' message in the output"
    return False, f"{wanted} delegate not applied, fell back to the CPU ({why})"
