#!/usr/bin/env python3
"""Mutation fuzzer: hostile .tflite files through inspect -> build -> validate (issue 12).

    .venv/bin/python tools/fuzz_models.py --seed 1 --count 200 [--validate 24] [--cli 4] [--json out.json]

Mutants are made from the shared int8 models (byte flips, truncations, overwritten int32s, and schema-level
edits through LiteRT's flatbuffer object API: shapes, tensor/buffer/opcode indices, scales, zero points,
quantized dimensions, buffer contents, builtin options, operator order, constant activations, graph I/O).
Mutant i of seed s depends on (s, i) alone, so a finding is reproduced with `--seed s --only i`.

Stages, each in a child process with a timeout (a crash is a `signal`, a timeout a `hang`):
1. inspect: `edgeq.inspection.inspect_model` + `format_report`, in a worker process that takes many mutants
   (pure Python, so in-process is crash-safe; a worker that dies anyway is restarted and the mutant counted).
2. build: `edgeq.codegen.generate_model` (what `edgeq build --target host` runs before make), same worker.
3. validate, on a sample of the built mutants (first those whose structure differs from every earlier
   one): model.c compiled with the strict flags of every edgeq build plus ASan/UBSan, linked with cached
   kernel objects and tests/host_c/harness/runner.c, run on seeded random inputs, and compared with TFLite
   Micro run on the same file in a worker process. TFLM refusing or crashing on a mutant is recorded
   (`tflm-refused`), not counted against edgeq.
4. cli (a few mutants): the real `edgeq inspect` / `edgeq build --target host` commands, for exit codes.

Outcomes: ok, clear (an EdgeqError), and the bad classes traceback, signal, hang, sanitizer, compile
(generated C that does not compile), mismatch (a build that exits 0 whose outputs differ from TFLM on a file
TFLM accepts). Prints a table, writes JSON (`--json`), exits 1 if any bad class occurred.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
KERNELS = REPO / "firmware" / "kernels"
RUNNER_C = REPO / "tests" / "host_c" / "harness" / "runner.c"
# the workspace's shared models, found as tests/conftest.py finds them (EDGEQ_SHARED, the sibling, /work/shared)
MODELS_DIR = Path(os.environ.get("EDGEQ_SHARED") or next(
    (p for p in (REPO.parent / "shared", Path("/work/shared")) if p.is_dir()), REPO.parent / "shared")) / "models"
SEED_MODELS = ("ad01_int8", "kws_ref_model", "pretrainedResnet_quant", "person_detect", "trained_lstm_int8",
               "micro_speech_quantized", "keyword_scrambled_8bit")
SANITIZE = ("-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer")
BAD = ("traceback", "signal", "hang", "sanitizer", "compile", "mismatch")
CLASSES = ("ok", "clear", *BAD, "tflm-refused")
STAGES = ("inspect", "build", "validate", "cli")
FRONT_TIMEOUT_S, COMPILE_TIMEOUT_S, RUN_TIMEOUT_S, TFLM_TIMEOUT_S, CLI_TIMEOUT_S = 60, 180, 60, 60, 300
SAMPLES = 2  # random inputs per validated mutant


# -- mutations ----------------------------------------------------------------------------------------------

INTERESTING = (0, 1, -1, 2, 3, 7, 8, 127, 128, 255, 256, 1000, 65535, 65536, 2**31 - 1, -2**31, 2**30)


def _schema():
    from ai_edge_litert import schema_py_generated as schema

    return schema


def _pick(rng: np.random.Generator, items):
    return items[int(rng.integers(len(items)))]


def _int_value(rng, current: int, lo: int = -2**31, hi: int = 2**31 - 1) -> int:
    choices = list(INTERESTING) + [current + 1, current - 1, current * 2, int(rng.integers(0, 64))]
    return int(min(max(_pick(rng, choices), lo), hi))


def _float_value(rng, current: float) -> float:
    return float(_pick(rng, [float("nan"), float("inf"), -float("inf"), 0.0, -1.0, 1e-30, 1e30, 1e-45, 3e38,
                             current * 1e9, current * 1e-9, current * 2, current / 2, 1.0 / 256, 1.0]))


def _byte_flip(rng, raw: bytes) -> tuple[bytes, str]:
    data = bytearray(raw)
    flips = int(rng.integers(1, 9))
    for _ in range(flips):
        data[int(rng.integers(len(data)))] ^= 1 << int(rng.integers(8))
    return bytes(data), f"{flips} bit flips"


def _truncate(rng, raw: bytes) -> tuple[bytes, str]:
    cut = int(rng.integers(0, len(raw)))
    return raw[:cut], f"truncated to {cut} bytes"


def _overwrite_int(rng, raw: bytes) -> tuple[bytes, str]:
    data = bytearray(raw)
    offset = int(rng.integers(0, len(data) // 4)) * 4
    value = _int_value(rng, int.from_bytes(data[offset:offset + 4], "little", signed=True))
    data[offset:offset + 4] = (value & 0xFFFFFFFF).to_bytes(4, "little")
    return bytes(data), f"int32 at {offset} = {value}"


def _tensors(model):
    return model.subgraphs[0].tensors


def _ops(model):
    return model.subgraphs[0].operators or []


def _m_shape(rng, model) -> str:
    t = _pick(rng, _tensors(model))
    shape = [int(d) for d in (t.shape if t.shape is not None else [])]
    kind = int(rng.integers(3)) if shape else 1
    if kind == 0:
        k = int(rng.integers(len(shape)))
        shape[k] = _int_value(rng, shape[k], -2**31, 2**31 - 1) if rng.random() < 0.3 else \
            max(0, shape[k] + int(_pick(rng, [-1, 1, 2, -2, shape[k]])))
    elif kind == 1:
        shape.insert(int(rng.integers(len(shape) + 1)), int(_pick(rng, [1, 2, 3])))
    else:
        shape.pop(int(rng.integers(len(shape))))
    t.shape = np.asarray(shape, dtype=np.int32)
    return f"tensor shape -> {shape}"


def _m_index(rng, model) -> str:
    ops = _ops(model)
    op = _pick(rng, ops)
    field_name = "inputs" if rng.random() < 0.7 or op.outputs is None else "outputs"
    values = [int(v) for v in getattr(op, field_name)]
    if not values:
        return "no-op"
    k = int(rng.integers(len(values)))
    n = len(_tensors(model))
    values[k] = int(_pick(rng, [-1, -2, n, n + 5, int(rng.integers(n)), int(rng.integers(n)), 2**31 - 1]))
    setattr(op, field_name, np.asarray(values, dtype=np.int32))
    return f"operator {ops.index(op)} {field_name}[{k}] -> {values[k]}"


def _m_buffer(rng, model) -> str:
    t = _pick(rng, _tensors(model))
    n = len(model.buffers)
    t.buffer = int(_pick(rng, [0, n, n + 3, int(rng.integers(n)), 2**32 - 1]))
    return f"tensor buffer -> {t.buffer}"


def _quantized(model):
    return [t for t in _tensors(model) if t.quantization is not None and t.quantization.scale is not None
            and len(t.quantization.scale)]


def _m_scale(rng, model) -> str:
    q = _pick(rng, _quantized(model)).quantization
    scales = np.asarray(q.scale, dtype=np.float32).copy()
    k = int(rng.integers(len(scales)))
    scales[k] = _float_value(rng, float(scales[k]))
    q.scale = scales
    return f"scale[{k}] -> {scales[k]}"


def _m_scale_count(rng, model) -> str:
    q = _pick(rng, _quantized(model)).quantization
    count = int(_pick(rng, [1, 2, len(q.scale) - 1, len(q.scale) + 1, 0]))
    q.scale = np.resize(np.asarray(q.scale, dtype=np.float32), max(count, 0))
    q.zeroPoint = np.zeros(max(count, 0), dtype=np.int64) if rng.random() < 0.8 else q.zeroPoint
    return f"scale count -> {count}"


def _m_zero_point(rng, model) -> str:
    q = _pick(rng, _quantized(model)).quantization
    zeros = np.asarray(q.zeroPoint, dtype=np.int64).copy()
    if not len(zeros):
        return "no-op"
    k = int(rng.integers(len(zeros)))
    zeros[k] = int(_pick(rng, [128, -129, 300, -1000, 2**31, 127, -128, 255, 0, 1]))
    q.zeroPoint = zeros
    return f"zero point[{k}] -> {zeros[k]}"


def _m_quant_dim(rng, model) -> str:
    q = _pick(rng, _quantized(model)).quantization
    q.quantizedDimension = int(_pick(rng, [0, 1, 2, 3, 4, 7]))
    return f"quantized dimension -> {q.quantizedDimension}"


def _m_buffer_data(rng, model) -> str:
    full = [b for b in model.buffers if b.data is not None and len(b.data)]
    if not full:
        return "no-op"
    buf = _pick(rng, full)
    data = np.asarray(buf.data, dtype=np.uint8)
    kind = int(rng.integers(3))
    if kind == 0:
        buf.data = data[: int(rng.integers(len(data)))]
    elif kind == 1:
        buf.data = np.concatenate([data, rng.integers(0, 256, int(rng.integers(1, 16))).astype(np.uint8)])
    else:
        buf.data = rng.integers(0, 256, len(data)).astype(np.uint8)
    return f"buffer data kind {kind}"


def _m_options(rng, model) -> str:
    ops = [o for o in _ops(model) if o.builtinOptions is not None and vars(o.builtinOptions)]
    if not ops:
        return "no-op"
    op = _pick(rng, ops)
    key = _pick(rng, sorted(vars(op.builtinOptions)))
    value = getattr(op.builtinOptions, key)
    if isinstance(value, bool):
        value = not value
    elif isinstance(value, int):
        value = _int_value(rng, value, 0 if key in ("padding", "fusedActivationFunction", "weightsFormat") else
                           -2**31, 127 if key in ("padding", "fusedActivationFunction", "weightsFormat") else
                           2**31 - 1)
    elif isinstance(value, float):
        value = _float_value(rng, value)
    else:
        return "no-op"
    setattr(op.builtinOptions, key, value)
    return f"operator {_ops(model).index(op)} option {key} -> {value}"


def _m_opcode(rng, model) -> str:
    if rng.random() < 0.5:
        op = _pick(rng, _ops(model))
        op.opcodeIndex = int(_pick(rng, [len(model.operatorCodes), len(model.operatorCodes) + 7,
                                         int(rng.integers(len(model.operatorCodes)))]))
        return f"opcode index -> {op.opcodeIndex}"
    code = _pick(rng, model.operatorCodes)
    names = ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "AVERAGE_POOL_2D", "MAX_POOL_2D", "ADD", "MUL",
             "SOFTMAX", "RESHAPE", "MEAN", "PAD", "CONCATENATION", "QUANTIZE", "DEQUANTIZE", "RELU", "TANH")
    name = _pick(rng, names)
    code.builtinCode = code.deprecatedBuiltinCode = getattr(_schema().BuiltinOperator, name)
    return f"operator code -> {name}"


def _m_graph(rng, model) -> str:
    sub = model.subgraphs[0]
    ops = list(_ops(model))
    kind = int(rng.integers(6))
    if kind == 0 and ops:
        del ops[int(rng.integers(len(ops)))]
        what = "operator removed"
    elif kind == 1:
        ops = []
        what = "all operators removed"
    elif kind == 2 and len(ops) > 1:
        i, j = (int(x) for x in rng.choice(len(ops), 2, replace=False))
        ops[i], ops[j] = ops[j], ops[i]
        what = f"operators {i} and {j} swapped"
    elif kind == 3:
        field_name = _pick(rng, ["inputs", "outputs"])
        values = [int(v) for v in getattr(sub, field_name)]
        values[int(rng.integers(len(values)))] = int(_pick(rng, [-1, len(_tensors(model)),
                                                                 int(rng.integers(len(_tensors(model))))]))
        setattr(sub, field_name, np.asarray(values, dtype=np.int32))
        what = f"graph {field_name} -> {values}"
    elif kind == 4 and ops:  # an activation turned into a constant
        op = _pick(rng, ops)
        t = _tensors(model)[int(op.outputs[0])]
        buf = _schema().BufferT()
        size = int(np.prod(t.shape if t.shape is not None else [], dtype=np.int64)) * (4 if t.type == 0 else 1)
        buf.data = rng.integers(0, 256, max(size, 1)).astype(np.uint8)
        model.buffers.append(buf)
        t.buffer = len(model.buffers) - 1
        what = "activation made constant"
    else:
        t = _pick(rng, _tensors(model))
        t.type = int(_pick(rng, [0, 1, 2, 3, 7, 9, 17, 99]))
        what = f"tensor type -> {t.type}"
    sub.operators = ops
    return what


SCHEMA_MUTATIONS = {"shape": _m_shape, "index": _m_index, "buffer": _m_buffer, "scale": _m_scale,
                    "scale-count": _m_scale_count, "zero-point": _m_zero_point, "quant-dim": _m_quant_dim,
                    "buffer-data": _m_buffer_data, "options": _m_options, "opcode": _m_opcode, "graph": _m_graph}
BYTE_MUTATIONS = {"flip": _byte_flip, "truncate": _truncate, "int32": _overwrite_int}


def make_mutant(seed: int, index: int, seeds: list[tuple[str, bytes]], stack: int = 1) -> tuple[str, str, bytes]:
    """(seed model name, description, bytes) of mutant `index`; deterministic in (seed, index, stack). A
    schema mutant gets 1 to `stack` edits (stack 1 draws nothing extra, so mutants stay comparable)."""
    import flatbuffers

    rng = np.random.default_rng([seed, index])
    name, raw = seeds[int(rng.integers(len(seeds)))]
    if rng.random() < 0.3:
        kind = _pick(rng, sorted(BYTE_MUTATIONS))
        data, what = BYTE_MUTATIONS[kind](rng, raw)
        return name, f"{kind}: {what}", data
    kinds = [_pick(rng, sorted(SCHEMA_MUTATIONS))]
    if stack > 1:
        kinds += [_pick(rng, sorted(SCHEMA_MUTATIONS)) for _ in range(int(rng.integers(stack)))]
    kind = "+".join(kinds)
    try:
        model = _schema().ModelT.InitFromPackedBuf(raw, 0)
        what = "; ".join(SCHEMA_MUTATIONS[k](rng, model) for k in kinds)
        builder = flatbuffers.Builder(len(raw) + 4096)
        builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
        return name, f"{kind}: {what}", bytes(builder.Output())
    except Exception as exc:  # a value the schema cannot hold: fall back to a byte mutation
        data, what = _byte_flip(rng, raw)
        return name, f"flip ({kind} not packable: {type(exc).__name__}): {what}", data


# -- worker process (inspect, build, TFLM) ------------------------------------------------------------------

def _outcome(fn) -> tuple[str, str, object]:
    from edgeq.errors import EdgeqError

    try:
        return "ok", "", fn()
    except EdgeqError as err:
        return "clear", err.message.splitlines()[0][:300], None
    except Exception:
        return "traceback", traceback.format_exc()[-2000:], None


def _structure(graph) -> str:
    """Fingerprint of everything but constant values: mutants equal here generate the same C statements."""
    parts = [(op.opcode, op.inputs, op.outputs, sorted(op.options.items())) for op in graph.ops]
    parts += [(t.shape, t.dtype, t.quant, t.is_constant) for t in graph.tensors]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def _task_front(task: dict) -> dict:
    from edgeq.codegen.model import generate_model
    from edgeq.inspection import format_report, inspect_model
    from edgeq.ir import parse

    path, out = Path(task["path"]), Path(task["out"])
    result: dict = {}
    status, detail, report = _outcome(lambda: inspect_model(path))
    if status == "ok":
        status, detail, _ = _outcome(lambda: format_report(report))
    result["inspect"] = {"class": status, "detail": detail}
    if status != "ok":
        return result
    result["mcu_yes"] = bool(report.mcu_compatible)

    def build():
        graph = parse(path)
        generated = generate_model(graph)
        out.mkdir(parents=True, exist_ok=True)
        for name, text in generated.files.items():
            (out / name).write_text(text)
        io = {"inputs": [(list(graph.tensors[i].shape), graph.tensors[i].dtype) for i in graph.inputs],
              "outputs": [(list(graph.tensors[i].shape), graph.tensors[i].dtype) for i in graph.outputs]}
        return {"kernels": list(generated.kernel_sources), "structure": _structure(graph), **io}

    status, detail, built = _outcome(build)
    result["build"] = {"class": status, "detail": detail}
    if built:
        result.update(built)
    return result


def _task_tflm(task: dict) -> dict:
    from edgeq.reference import run_tflm

    inputs = list(np.load(task["inputs"]).values())
    status, detail, ref = _outcome(lambda: run_tflm(Path(task["path"]), inputs))
    if status == "ok":
        np.savez(task["outputs"], *ref.outputs)
    return {"class": status, "detail": detail}


def worker_main() -> None:
    """Answer one JSON task per stdin line with one JSON line on the original stdout (fd 1 → stderr, so C
    libraries printing to stdout cannot corrupt the replies)."""
    replies = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    for line in sys.stdin:
        task = json.loads(line)
        handler = {"front": _task_front, "tflm": _task_tflm}[task["kind"]]
        replies.write(json.dumps(handler(task)) + "\n")


class Worker:
    """A `--worker` child process; `ask` returns its answer or {"class": "signal"|"hang", ...} after a crash or
    timeout (the child is then replaced)."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None

    def _start(self) -> subprocess.Popen:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        return subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--worker"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
                                start_new_session=True)

    def ask(self, task: dict, timeout: float) -> dict:
        if self.proc is None or self.proc.poll() is not None:
            self.proc = self._start()
        try:
            self.proc.stdin.write(json.dumps(task) + "\n")
            self.proc.stdin.flush()
            ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
            line = self.proc.stdout.readline() if ready else None
        except (BrokenPipeError, OSError):
            line = ""
        if line:
            return json.loads(line)
        if line is None:
            self.close()
            return {"class": "hang", "detail": f"no answer within {timeout:.0f} s"}
        rc = self.proc.wait()
        self.proc = None
        return {"class": "signal", "detail": f"worker ended with {rc}"}

    def close(self) -> None:
        if self.proc is not None:
            with _suppress():
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            self.proc = None


class _suppress:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return exc[0] is not None and issubclass(exc[0], (ProcessLookupError, PermissionError))


# -- validate: compile with sanitizers, run, compare with TFLM -----------------------------------------------

class ObjectCache:
    """Kernel and runner objects compiled once per fuzz run (ASan/UBSan, the strict flags)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def object(self, source: Path) -> Path:
        key = hashlib.sha256(str(source).encode()).hexdigest()[:12]
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        obj = self.directory / f"{source.stem}-{key}.o"
        with lock:
            if not obj.exists():
                _compile(source, obj, "-O1", self.directory)
        return obj


def _compile(source: Path, obj: Path, opt: str, include: Path) -> None:
    from edgeq.build.target import STRICT_CFLAGS

    cmd = ["gcc", *STRICT_CFLAGS, opt, "-g", *SANITIZE, f"-I{include}", f"-I{REPO / 'firmware' / 'include'}",
           f"-I{KERNELS / 'include'}", "-c", str(source), "-o", str(obj)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=COMPILE_TIMEOUT_S)
    if done.returncode:
        raise CompileError(done.stderr[-1500:])


class CompileError(Exception):
    pass


def _random_inputs(specs, seed: int) -> list[np.ndarray]:
    from edgeq.reference.batch import random_array

    rng = np.random.default_rng(seed)
    return [random_array(rng, (SAMPLES, *shape), dtype) for shape, dtype in specs]


def validate(record: dict, work: Path, cache: ObjectCache, worker: Worker) -> dict:
    out = Path(record["dir"])
    try:
        objects = [cache.object(KERNELS / k) for k in record["kernels"]] + [cache.object(RUNNER_C)]
        _compile(out / "model.c", out / "model.o", "-O0", out)
        program = out / "runner"
        done = subprocess.run(["gcc", *SANITIZE, str(out / "model.o"), *map(str, objects), "-lm", "-o",
                               str(program)], capture_output=True, text=True, timeout=COMPILE_TIMEOUT_S)
        if done.returncode:
            raise CompileError(done.stderr[-1500:])
    except CompileError as err:
        return {"class": "compile", "detail": str(err)}
    except subprocess.TimeoutExpired:
        return {"class": "hang", "detail": "compiler timed out"}
    try:
        inputs = _random_inputs(record["inputs"], record["index"])
    except Exception as exc:  # e.g. an input dtype random data cannot be made for
        return {"class": "clear", "detail": f"no random inputs: {exc}"}
    payload = b"".join(np.ascontiguousarray(a[s]).tobytes() for s in range(SAMPLES) for a in inputs)
    env = {**os.environ, "ASAN_OPTIONS": "detect_leaks=0:abort_on_error=0", "UBSAN_OPTIONS": "print_stacktrace=1"}
    try:
        run = subprocess.run([str(program)], input=payload, capture_output=True, timeout=RUN_TIMEOUT_S, env=env)
    except subprocess.TimeoutExpired:
        return {"class": "hang", "detail": f"generated program ran over {RUN_TIMEOUT_S} s"}
    stderr = run.stderr.decode(errors="replace")
    if "Sanitizer" in stderr or "runtime error:" in stderr:
        return {"class": "sanitizer", "detail": stderr[-2000:]}
    if run.returncode:
        return {"class": "signal", "detail": f"generated program ended with {run.returncode}: {stderr[-500:]}"}
    np.savez(out / "inputs.npz", *inputs)
    ref = worker.ask({"kind": "tflm", "path": record["path"], "inputs": str(out / "inputs.npz"),
                      "outputs": str(out / "tflm.npz")}, TFLM_TIMEOUT_S)
    if ref["class"] != "ok":
        return {"class": "tflm-refused", "detail": f"TFLM {ref['class']}: {ref['detail'][:300]}"}
    reference = list(np.load(out / "tflm.npz").values())
    sizes = [r[0].nbytes for r in reference]
    if len(run.stdout) != SAMPLES * sum(sizes):
        return {"class": "mismatch", "detail": f"{len(run.stdout)} output bytes, TFLM gives {SAMPLES * sum(sizes)}"}
    raw = np.frombuffer(run.stdout, dtype=np.uint8).reshape(SAMPLES, -1)
    start, differing = 0, 0
    for r in reference:
        got = raw[:, start:start + r[0].nbytes].copy().view(r.dtype).reshape(r.shape)
        start += r[0].nbytes
        if np.issubdtype(r.dtype, np.floating):
            differing += int(np.count_nonzero(~np.isclose(got, r, rtol=1e-5, atol=1e-6, equal_nan=True)))
        else:
            differing += int(np.count_nonzero(got != r))
    if differing:
        return {"class": "mismatch", "detail": f"{differing} output elements differ from TFLM"}
    return {"class": "ok", "detail": ""}


# -- the real CLI ---------------------------------------------------------------------------------------------

def cli_check(record: dict, work: Path) -> dict:
    """`edgeq inspect` then `edgeq build --target host` as the user runs them: exit 0, or 2 with one
    `error:` line and no traceback."""
    for args in (["inspect", record["path"]], ["build", record["path"], "--target", "host", "-o",
                                               str(Path(record["dir"]) / "cli-build")]):
        try:
            done = subprocess.run([sys.executable, "-m", "edgeq.cli.main", *args], capture_output=True, text=True,
                                  timeout=CLI_TIMEOUT_S, cwd=work, env={**os.environ, "PYTHONPATH": str(REPO)})
        except subprocess.TimeoutExpired:
            return {"class": "hang", "detail": f"edgeq {args[0]} ran over {CLI_TIMEOUT_S} s"}
        if "Traceback" in done.stderr:
            return {"class": "traceback", "detail": f"edgeq {args[0]}: {done.stderr[-1500:]}"}
        if done.returncode < 0:
            return {"class": "signal", "detail": f"edgeq {args[0]} killed by signal {-done.returncode}"}
        if done.returncode:
            clear = done.returncode == 2 and any(line.startswith("error: ") for line in done.stderr.splitlines())
            return {"class": "clear" if clear else "traceback",
                    "detail": f"edgeq {args[0]} exit {done.returncode}: {done.stderr[:300]}"}
    return {"class": "ok", "detail": ""}


# -- driver -------------------------------------------------------------------------------------------------

@dataclass
class Record:
    index: int
    seed_model: str
    mutation: str
    path: str
    dir: str
    stages: dict = field(default_factory=dict)  # stage -> {"class", "detail"}
    mcu_yes: bool | None = None
    structure: str | None = None
    kernels: list = field(default_factory=list)
    inputs: list = field(default_factory=list)
    outputs: list = field(default_factory=list)

    @property
    def worst(self) -> str:
        classes = [s["class"] for s in self.stages.values()]
        return next((c for c in BAD if c in classes), "clear" if "clear" in classes else "ok")


def _seeds(names) -> list[tuple[str, bytes]]:
    seeds = []
    for name in names:
        path = Path(name) if name.endswith(".tflite") else MODELS_DIR / f"{name}.tflite"
        if path.is_file():
            seeds.append((path.stem, path.read_bytes()))
    if not seeds:
        raise SystemExit(f"no seed models found in {MODELS_DIR}")
    return seeds


def run(seed: int, count: int, n_validate: int, n_cli: int, jobs: int, work: Path, models=SEED_MODELS,
        only: int | None = None, stack: int = 1, log=print) -> list[Record]:
    seeds = _seeds(models)
    indices = [only] if only is not None else list(range(count))
    records = []
    for i in indices:
        name, what, data = make_mutant(seed, i, seeds, stack)
        directory = work / f"m{i:05d}"
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{name}.tflite"
        path.write_bytes(data)
        records.append(Record(i, name, what, str(path), str(directory)))

    local = threading.local()
    workers: list[Worker] = []
    workers_guard = threading.Lock()

    def worker() -> Worker:
        if not hasattr(local, "worker"):
            local.worker = Worker()
            with workers_guard:
                workers.append(local.worker)
        return local.worker

    def front(record: Record) -> None:
        answer = worker().ask({"kind": "front", "path": record.path, "out": record.dir}, FRONT_TIMEOUT_S)
        if "inspect" not in answer:  # the worker crashed or hung on this mutant
            record.stages["inspect"] = answer
            return
        record.stages.update({k: answer[k] for k in ("inspect", "build") if k in answer})
        record.mcu_yes = answer.get("mcu_yes")
        record.structure = answer.get("structure")
        record.kernels, record.inputs, record.outputs = (answer.get(k, []) for k in ("kernels", "inputs", "outputs"))

    started = time.monotonic()
    try:
        with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
            list(pool.map(front, records))
        log(f"inspect+build of {len(records)} mutants: {time.monotonic() - started:.1f} s")

        built = [r for r in records if r.stages.get("build", {}).get("class") == "ok"]
        seen: set[str] = set()
        novel = [r for r in built if r.structure not in seen and not seen.add(r.structure)]
        rest = [r for r in built if r not in novel]
        sample = (novel + rest)[:n_validate]
        cache = ObjectCache(work / "objects")
        cache.directory.mkdir(exist_ok=True)

        def check(record: Record) -> None:
            record.stages["validate"] = validate(asdict(record), work, cache, worker())

        with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
            list(pool.map(check, sample))
        log(f"validate of {len(sample)} built mutants: {time.monotonic() - started:.1f} s")

        clear = [r for r in records if r.worst == "clear"]
        for record in (sample[: (n_cli + 1) // 2] + clear[: n_cli // 2])[:n_cli]:
            record.stages["cli"] = cli_check(asdict(record), work)
        log(f"cli of {min(n_cli, len(records))} mutants: {time.monotonic() - started:.1f} s")
    finally:
        for w in workers:
            w.close()
    return records


def table(records: list[Record]) -> str:
    head = f"| stage | tried | {' | '.join(CLASSES)} |"
    lines = [head, "|" + "---|" * (len(CLASSES) + 2)]
    for stage in STAGES:
        outcomes = [r.stages[stage]["class"] for r in records if stage in r.stages]
        counts = [outcomes.count(c) for c in CLASSES]
        lines.append(f"| {stage} | {len(outcomes)} | " + " | ".join(str(c) for c in counts) + " |")
    yes_refused = sum(1 for r in records if r.mcu_yes and r.stages.get("build", {}).get("class") == "clear")
    lines.append(f"\nmutants: {len(records)}; bad: {sum(1 for r in records if r.worst in BAD)}; inspect said "
                 f"'microcontroller: yes' and build refused: {yes_refused}")
    return "\n".join(lines)


def summary(records: list[Record]) -> dict:
    return {stage: {c: sum(1 for r in records if r.stages.get(stage, {}).get("class") == c) for c in CLASSES}
            for stage in STAGES}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--validate", type=int, default=None,
                        help="built mutants to compile, run and compare with TFLM (default: count / 8, >= 8)")
    parser.add_argument("--cli", type=int, default=4, help="mutants to run through the real edgeq CLI")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", type=int, default=None, help="reproduce one mutant index")
    parser.add_argument("--stack", type=int, default=1, help="up to this many schema edits per mutant")
    parser.add_argument("--models", nargs="*", default=list(SEED_MODELS), help="names in shared/models or paths")
    parser.add_argument("--json", type=Path, default=None, help="write every record and the summary here")
    parser.add_argument("--keep", type=Path, default=None, help="keep the mutants in this directory")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker_main()
        return 0
    n_validate = args.validate if args.validate is not None else max(8, args.count // 8)
    with tempfile.TemporaryDirectory(prefix="edgeq-fuzz-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        records = run(args.seed, args.count, n_validate, args.cli, args.jobs, work, args.models, args.only,
                      args.stack, log=lambda text: print(text, file=sys.stderr))
        print(table(records))
        for r in records:
            if r.worst in BAD:
                stage, outcome = next((s, o) for s, o in r.stages.items() if o["class"] == r.worst)
                print(f"\n[{r.worst}] mutant {r.index} ({r.seed_model}, {r.mutation}) at {stage}:\n"
                      f"{outcome['detail'][-800:]}")
        if args.json:
            args.json.write_text(json.dumps({"seed": args.seed, "count": args.count, "summary": summary(records),
                                             "records": [asdict(r) for r in records]}, indent=1, default=str))
    return 1 if any(r.worst in BAD for r in records) else 0


if __name__ == "__main__":
    sys.exit(main())
