"""Device outputs against TFLite Micro on the same inputs: the check behind `edgeq validate`.

Pieces, usable on their own (the emulator and board paths reuse them with another Transport):
- `load_samples(spec, inputs_info, seed)`: `FILE.npz` (key `x`, else the first array; a multi-input model
  takes the arrays keyed by the model's input tensor names when every name is a key, else in file order), `FILE.npy` (one array: single-input models), float data for an integer
  input quantized with its scale and zero point; or `random:N` (`edgeq.reference.batch.random_array`).
- `run_on_device(client, batches, outputs_info)`: every sample through the DUT protocol, exact output bytes.
- `compare(device, reference, arena_bytes)`: the JSON report (keys are a stable contract; keys are only added).
  Its `verdict` is the one judgement `edgeq validate` and `edgeq sweep` both print: integer outputs must be
  bit-exact; float32 outputs are compared in ULPs and pass within `FLOAT_ULP_BOUND` (a Cortex-M build links
  newlib's expf/logf/tanhf, which differ from the host libm that TFLM's Python package uses by up to an ULP).
- `validate_build(build_dir, spec, seed)`: the host program of an `edgeq build` directory against TFLM.

The references (TFLM, the verdict, and LiteRT's reference kernels, a second opinion counted in
`litert_ref_mismatched_elements`) run in a child process (`edgeq.reference.isolated`): a model that crashes
them is an EdgeqError, not a dead edgeq. Data is checked before use (`edgeq.sanity`): NaN/Inf and magnitudes
beyond 1e9 are errors, values clipped by an integer input's quantization a warning, both with the numbers.
"""
from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
import warnings
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from edgeq.errors import EdgeqError
from edgeq.reference.batch import INT_RANGES as _INT_RANGES, TensorInfo, as_batches, random_array
from edgeq.reference.isolated import ReferenceFailure
from edgeq.sanity import DataWarning, require_finite, require_magnitude
from edgeq.transport.base import Transport
from edgeq.transport.client import DutClient

_RANDOM = re.compile(r"random:(\d+)")
# Largest float32 difference, in units in the last place, still judged equal to TFLM: newlib's expf against
# glibc's is 1 ULP apart (float SOFTMAX/LOGISTIC/TANH); 4 leaves room for one more float op after them.
FLOAT_ULP_BOUND = 4
VERDICTS = ("bit-exact", "within-ulp-bound", "differs")


@dataclass(frozen=True)
class ValidationReport:
    reference: str  # "tflm"
    samples: int
    exact_match_rate: float  # fraction of output elements identical to the reference
    max_abs_diff: float  # in output units (quantization steps for integer outputs)
    mismatched_elements: int
    top1_agreement: float  # fraction of samples whose first output has the same argmax
    arena_bytes: int
    # Second opinion: elements differing from LiteRT's reference kernels (None when LiteRT refuses the model).
    # LiteRT rounds FULLY_CONNECTED once where TFLM rounds twice, so a few ±1 differences are expected there.
    litert_ref_mismatched_elements: int | None = None
    max_ulp: int | None = None  # largest float32 difference in ULPs (None: no float32 output)
    ulp_bound: int = FLOAT_ULP_BOUND
    verdict: str = "bit-exact"  # one of VERDICTS

    @property
    def passed(self) -> bool:
        return self.verdict != "differs"

    def describe_verdict(self) -> str:
        """What the comparison concluded, in words both `validate` and `sweep` print."""
        if self.verdict == "bit-exact":
            return f"bit-exact with {self.reference}"
        if self.verdict == "within-ulp-bound":
            return (f"float32 outputs within {self.max_ulp} ULP of {self.reference} (bound {self.ulp_bound} ULP: "
                    "the target's libm expf/logf/tanhf differ from the host's)")
        return f"differs from {self.reference}"

    def to_dict(self) -> dict:
        return asdict(self)


def ulp_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """|a - b| in float32 units in the last place (int64), via the integers that order floats monotonically."""
    def ordered(x: np.ndarray) -> np.ndarray:
        bits = np.ascontiguousarray(x, dtype=np.float32).view(np.int32).astype(np.int64)
        return np.where(bits < 0, -(bits & 0x7FFFFFFF), bits)

    return np.abs(ordered(a) - ordered(b))


def tensor_infos(graph, indices: Sequence[int]) -> tuple[TensorInfo, ...]:
    infos = []
    for i in indices:
        t = graph.tensors[i]
        scale, zp = (t.quant.scale[0], t.quant.zero_point[0]) if t.quant else (0.0, 0)
        infos.append(TensorInfo(tuple(t.shape), t.dtype, float(scale), int(zp), name=t.name))
    return tuple(infos)


def _quantize_if_float(array: np.ndarray, info: TensorInfo, what: str) -> np.ndarray:
    require_finite(array, what)
    require_magnitude(array, what)
    if info.dtype in _INT_RANGES and np.issubdtype(array.dtype, np.floating):
        if info.scale == 0:
            raise EdgeqError(f"float data for an unquantized {info.dtype} input", "pass data of dtype " + info.dtype)
        lo, hi = _INT_RANGES[info.dtype]
        q = np.round(array.astype(np.float64) / info.scale) + info.zero_point
        clipped = int(np.count_nonzero((q < lo) | (q > hi)))
        if clipped:
            warnings.warn(DataWarning(
                f"{what}: {clipped} of {q.size} values lie outside [{(lo - info.zero_point) * info.scale:.4g}, "
                f"{(hi - info.zero_point) * info.scale:.4g}], the range the {info.dtype} input represents (scale "
                f"{info.scale:.4g}, zero point {info.zero_point}); they were clipped (data spans "
                f"[{float(array.min()):.4g}, {float(array.max()):.4g}])"), stacklevel=2)
        return np.clip(q, lo, hi).astype(info.dtype)
    return array


def _memory_available() -> int:
    """Bytes of physical memory available now (Linux: MemAvailable), or 1 GiB when unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 1 << 30


# A validation run holds the inputs, the device's outputs and each reference's outputs (plus copies through
# the reference child): random:N may take at most this fraction of the available memory for its inputs.
_RANDOM_MEMORY_FRACTION = 0.125


def load_samples(spec: str, inputs_info: Sequence[TensorInfo], seed: int = 0) -> list[np.ndarray]:
    """One (N, *shape) array per model input."""
    if spec.startswith("random:"):
        m = _RANDOM.fullmatch(spec)
        if not m:
            raise EdgeqError(f"--data {spec}: random:N needs an integer N", "e.g. --data random:50")
        n = int(m.group(1))
        if n < 1:
            raise EdgeqError("random:N needs N >= 1", "e.g. --data random:50")
        per_sample = sum(int(np.prod(info.shape)) * np.dtype(info.dtype).itemsize for info in inputs_info)
        limit = max(1, int(_memory_available() * _RANDOM_MEMORY_FRACTION) // max(per_sample, 1))
        if n > limit:
            raise EdgeqError(f"--data random:{n} needs {n * per_sample / 2**20:,.0f} MiB of inputs ({per_sample:,} "
                             f"bytes per sample); this machine has room for about {limit:,} samples",
                             f"pass a smaller N, e.g. --data random:{min(limit, 1000)}")
        rng = np.random.default_rng(seed)
        return as_batches([random_array(rng, (n, *info.shape), info.dtype) for info in inputs_info], inputs_info)
    path = Path(spec)
    if path.is_dir():
        raise EdgeqError(f"--data {spec} is a directory", "pass a file: FILE.npz (key `x`), FILE.npy, or random:N")
    if not path.is_file():
        raise EdgeqError(f"data not found: {spec}", "pass --data FILE.npz (key `x`), FILE.npy or random:N")
    arrays = _read_arrays(path, [info.name for info in inputs_info])
    for k, a in enumerate(arrays):
        if np.asarray(a).size == 0 or np.asarray(a).ndim == 0 or np.asarray(a).shape[0] == 0:
            raise EdgeqError(f"{path} holds no samples (input {k} has shape {np.asarray(a).shape})",
                             "save at least one sample, stacked on axis 0")
    arrays = [_quantize_if_float(np.asarray(a), info, f"{path} (input {k})")
              for k, (a, info) in enumerate(zip(arrays, inputs_info))]
    return as_batches(arrays, inputs_info)


def _read_arrays(path: Path, names: Sequence[str]) -> list[np.ndarray]:
    """One array per model input from a .npy (a single array) or .npz file: keyed by the inputs' tensor
    `names` when the archive has every one of them, else `x` / the first array (one input) or file order."""
    n_inputs = len(names)
    hint = "save the inputs with np.savez(path, x=inputs) (or np.save for a single-input model)"
    try:
        obj = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as err:
        raise EdgeqError(f"cannot read {path} as .npz or .npy: {err}", hint) from None
    if isinstance(obj, np.ndarray):  # np.load gives a .npy's array itself, an .npz's archive otherwise
        if n_inputs != 1:
            raise EdgeqError(f"{path} holds one array, the model has {n_inputs} inputs",
                             "store one array per model input, in input order, with np.savez")
        return [obj]
    try:
        with obj as data:
            keys = list(data.keys())
            if not keys:
                raise EdgeqError(f"{path} holds no arrays", hint)
            if all(name and name in keys for name in names):
                return [data[name] for name in names]
            if n_inputs == 1:
                return [data["x"] if "x" in keys else data[keys[0]]]
            if len(keys) < n_inputs:
                raise EdgeqError(f"{path} holds {len(keys)} arrays, the model has {n_inputs} inputs",
                                 "store one array per model input, keyed by input name: "
                                 + ", ".join(repr(name) for name in names))
            return [data[k] for k in keys[:n_inputs]]
    except (OSError, ValueError, EOFError) as err:
        raise EdgeqError(f"cannot read {path} as .npz: {err}", hint) from None


def run_on_device(client: DutClient, batches: Sequence[np.ndarray], outputs_info: Sequence[TensorInfo],
                  timeout: float | None = None,
                  progress: Callable[[int, int], None] | None = None,
                  reset_state: bool = False) -> tuple[np.ndarray, ...]:
    """Each sample through load + `infer 1 0`; outputs rebuilt from the raw bytes, shaped (N, *shape).
    `reset_state` (models with recurrent state): `edgeq reset` before every sample, so each sample starts from
    the initial state as in the TFLM reference run, which resets its variables per sample."""
    n = batches[0].shape[0]
    outs = [np.empty((n, *info.shape), dtype=info.dtype) for info in outputs_info]
    for s in range(n):
        if reset_state:
            client.command("edgeq reset", timeout)
        data = b"".join(np.ascontiguousarray(b[s]).tobytes() for b in batches)
        raw = client.run(data, timeout).raw
        if len(raw) != len(outs):
            raise EdgeqError(f"device returned {len(raw)} outputs, the model has {len(outs)}",
                             "the build directory does not match the model; rebuild it")
        for out, blob in zip(outs, raw):
            if len(blob) != out[s].nbytes:
                raise EdgeqError(f"device output has {len(blob)} bytes, expected {out[s].nbytes}",
                                 "the build directory does not match the model; rebuild it")
            out[s] = np.frombuffer(blob, dtype=out.dtype).reshape(out.shape[1:])
        if progress is not None:
            progress(s + 1, n)
    return tuple(outs)


def compare(device: Sequence[np.ndarray], reference: Sequence[np.ndarray], arena_bytes: int,
            reference_name: str = "tflm") -> ValidationReport:
    total = mismatched = integer_mismatched = 0
    max_diff = 0.0
    max_ulp: int | None = None
    for d, r in zip(device, reference, strict=True):
        if d.shape != r.shape:
            raise EdgeqError(f"output shapes differ: device {d.shape}, reference {r.shape}",
                             "the build does not match the model")
        diff = np.abs(d.astype(np.float64) - r.astype(np.float64))
        same = (d == r) | (np.isnan(d.astype(np.float64)) & np.isnan(r.astype(np.float64)))
        total += d.size
        differing = int(d.size - np.count_nonzero(same))
        mismatched += differing
        if d.dtype == np.float32 and r.dtype == np.float32:
            ulps = np.where(same, 0, ulp_distance(d, r))
            max_ulp = max(max_ulp or 0, int(ulps.max()) if ulps.size else 0)
        else:
            integer_mismatched += differing
        if diff.size:
            max_diff = max(max_diff, float(np.nanmax(diff)) if not np.all(np.isnan(diff)) else 0.0)
    n = int(device[0].shape[0])
    d0 = device[0].reshape(n, -1)
    r0 = reference[0].reshape(n, -1)
    top1 = float(np.mean(np.argmax(d0, axis=1) == np.argmax(r0, axis=1))) if n else 0.0
    if mismatched == 0:
        verdict = "bit-exact"
    elif integer_mismatched == 0 and max_ulp is not None and max_ulp <= FLOAT_ULP_BOUND:
        verdict = "within-ulp-bound"
    else:
        verdict = "differs"
    return ValidationReport(reference_name, n, (total - mismatched) / total if total else 1.0, max_diff,
                            mismatched, top1, int(arena_bytes), max_ulp=max_ulp, verdict=verdict)


def validate_with_transport(transport: Transport, model_path: Path, spec: str, seed: int = 0,
                            timeout: float = 30.0,
                            progress: Callable[[int, int], None] | None = None) -> ValidationReport:
    """Run `spec`'s inputs through the firmware behind `transport` and through TFLM (and LiteRT's reference
    kernels, a second opinion), both in a child process (`edgeq.reference.isolated`); compare."""
    from edgeq.ir import parse
    from edgeq.reference.isolated import run_isolated

    graph = parse(Path(model_path).read_bytes())
    inputs_info, outputs_info = tensor_infos(graph, graph.inputs), tensor_infos(graph, graph.outputs)
    batches = load_samples(spec, inputs_info, seed)
    tflm, litert = run_isolated(model_path, batches, ("tflm", "litert-ref"))
    if tflm.error is not None:
        raise tflm.error
    client = DutClient(transport, timeout=timeout)
    client.sync()
    info = client.info()
    if info.model_hash != graph.sha256:
        raise EdgeqError(f"the firmware runs a different model (sha256 {info.model_hash[:12]}…, "
                         f"this model {graph.sha256[:12]}…)", "rebuild with `edgeq build` for this model")
    device = run_on_device(client, batches, outputs_info, timeout, progress,
                           reset_state=graph.stateful)
    report = compare(device, tflm.result.outputs, info.arena_bytes)
    if litert.result is None:
        return report
    second = compare(device, litert.result.outputs, info.arena_bytes, litert.reference)
    return replace(report, litert_ref_mismatched_elements=second.mismatched_elements)


def validate_build(model_or_dir: Path, spec: str, seed: int = 0, target: str | None = "host",
                   progress: Callable[[int, int], None] | None = None, *, emulate: bool = False,
                   port: str | None = None, board: str | None = None) -> ValidationReport:
    """`edgeq validate`: a build directory, or a .tflite built in a temporary directory, run on the host
    (`--target host`), in QEMU (`emulate`) or on a flashed board (`port` / lab-file `board`).
    `target=None` accepts whatever a build directory was built for."""
    from edgeq.build import build_project, read_build
    from edgeq.targets.resolver import resolve, resolve_run

    model_or_dir = Path(model_or_dir).absolute()  # `edgeq validate .` runs ./firmware, not a PATH lookup
    on_device = bool(emulate or port or board)
    keep: list[Path] = []  # a temporary build kept for the user to read its logs after a device failure
    with contextlib.ExitStack() as stack:
        if model_or_dir.is_dir():
            build = read_build(model_or_dir)
        elif model_or_dir.is_file():
            if target is None:
                raise EdgeqError("a .tflite needs --target to be built", "pass --target CORE (e.g. cortex-m4)")
            tmp = Path(tempfile.mkdtemp(prefix="edgeq-validate-"))
            # registered first, so it runs last: after the transport has closed and flushed its logs
            stack.callback(lambda: None if keep else shutil.rmtree(tmp, ignore_errors=True))
            build = build_project(model_or_dir, target, tmp / "build")
        else:
            raise EdgeqError(f"not found: {model_or_dir}", "pass a .tflite model or an `edgeq build` directory")
        build_dir = build.out_dir
        expected = resolve(target).name if target is not None else build.target
        if build.target != expected:
            raise EdgeqError(f"{build_dir} was built for target {build.target!r}, not {target!r}",
                             f"rebuild with `edgeq build MODEL --target {target}` or validate it on its target")
        model_path = build.model
        transport = stack.enter_context(resolve_run(build, emulate=emulate, port=port, board=board).open(build))
        try:
            return validate_with_transport(transport, model_path, spec, seed, progress=progress)
        except EdgeqError as err:
            if not on_device or isinstance(err, ReferenceFailure):  # the model's fault: no device logs to keep
                raise
            from edgeq.transport.transcript import with_transcript

            kept = ""
            if build_dir != model_or_dir:
                keep.append(build_dir)
                kept = f"; the temporary build is kept in {build_dir} for its logs (delete it when done)"
            raise with_transcript(err, transport, build_dir, "validate", kept) from None
