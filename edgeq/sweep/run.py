"""`run_sweep`: every quantization mode of one Keras model, converted, checked, built, run and measured on
one target, with each failure recorded and the sweep carried on. A .tflite model is already converted: it is
measured as the mode its file is, with no conversion, no float Keras baseline and no per-layer SQNR
(`edgeq.sweep.tflite_model`).

Per mode (each step's outcome is cached, see `edgeq.sweep.cache`):
  1. plan     — refuse modes whose inputs are missing (QAT without training data), with the option to add;
  2. convert  — `edgeq.convert` in its child process (a converter crash is a failed mode, not a dead sweep);
  3. host     — the .tflite in LiteRT's reference kernels on the validation set (host accuracy), per-layer
                SQNR against the fp32 conversion (`edgeq.convert.evaluate.layer_sqnr`), MACs per operator;
  4. check    — boards only: `mcu_support` on the converted graph names what the runtime cannot run;
  5. build    — boards only: `edgeq.build.build_project` (the fit against the board is checked there);
  6. device   — boards: every validation sample through the DUT protocol on the board or in QEMU; top-1
                from the device's own output bytes, which are also compared with TFLite Micro on the host;
                the firmware's per-operator profile; then the MCU bench (latency, energy, memory).
                Host/phones: LiteRT on this machine or benchmark_model on the phone (accuracy stays host);
then the recommendation (`--max-drop`) and `results.json`, written atomically.
The float baseline is the Keras model's own top-1 on the same samples (Keras `predict`, host).
"""
from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Callable

import numpy as np

from edgeq.data import BOARDS_DIR, FIRMWARE, TEMPLATES
from edgeq.errors import EdgeqError
from edgeq.sweep import accuracy
from edgeq.sweep.cache import SweepCache, entry_key, file_sha256, source_fingerprint
from edgeq.sweep.plan import ALL_MODES, device_issue
from edgeq.sweep.record import LayerCost, ModeResult, SweepResult, Target
from edgeq.sweep.tflite_model import is_tflite
from edgeq.umask import as_created

RESULTS_FILE = "results.json"
MODEL_FILE = "model.tflite"
Progress = Callable[[str], None]


@dataclass(frozen=True)
class SweepRequest:
    model: Path
    target: Target
    val_data: Path
    out_dir: Path
    modes: tuple[str, ...] = ALL_MODES
    calib: str | None = None  # path, or "synthetic"
    calib_count: int = 200
    input_range: tuple[float, float] | None = None
    train_data: Path | None = None
    epochs: int = 3
    batch_size: int = 32
    lr: float = 1e-4
    max_drop: float | None = None  # accuracy points; also the budget of the `mixed` mode (1.0 when None)
    val_limit: int | None = None  # use the first N validation samples
    layer_samples: int = 50  # samples for per-layer SQNR
    runs: int = 3
    warmups: int = 1
    threads: int = 1  # host / phone
    delegate: str = "cpu"  # phone
    phone_id: str | None = None
    benchmark_binary: Path | None = None
    force: bool = False  # write into a directory that is not an earlier sweep's
    redo: bool = False  # discard the cache: convert, build and measure every mode again
    log_dir: Path | None = None  # a mode's failure logs and UART transcript (None: OUT/logs)


_PACKAGE = Path(str(resources.files("edgeq")))


def code_fingerprints() -> tuple[str, str]:
    """(converter, everything): what a conversion and what a measured result were computed by — besides the
    edgeq version, which does not change while edgeq is being developed."""
    converter = source_fingerprint(_PACKAGE / "convert")
    everything = source_fingerprint(_PACKAGE, FIRMWARE, TEMPLATES, BOARDS_DIR)
    return converter, everything


def edgeq_version() -> str:
    try:
        return metadata.version("edgeq")
    except metadata.PackageNotFoundError:
        return "dev"


# -- the output directory -------------------------------------------------------------------------------------

def prepare_out_dir(out: Path, force: bool) -> None:
    """Check -o: a new directory, an earlier sweep's directory (its cache is reused), or — with --force — any
    directory. Nothing is created here: the sweep creates it with its first write."""
    if out.exists() and not out.is_dir():
        raise EdgeqError(f"-o {out} is a file", "pass a directory for the sweep's results")
    if out.is_dir() and any(out.iterdir()) and not force:
        if not ((out / RESULTS_FILE).is_file() or (out / "cache").is_dir()):
            raise EdgeqError(f"{out} exists and is not an edgeq sweep directory",
                             "choose a new -o directory, or pass --force to write into it")
    if not out.parent.is_dir():
        raise EdgeqError(f"the parent of {out} does not exist", "create it first, or choose another -o")


def write_json_atomic(path: Path, data: dict) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(data, f, indent=2)
        as_created(tmp)  # mkstemp makes it 0600
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# -- the sweep -------------------------------------------------------------------------------------------------

class _Sweep:
    def __init__(self, req: SweepRequest, progress: Progress):
        self.req = req
        self.progress = progress
        self.out = req.out_dir
        self.cache = SweepCache(self.out / "cache")
        self.version = edgeq_version()
        self.convert_code, self.measure_code = code_fingerprints()
        self.model_sha = file_sha256(req.model)
        self.tflite = is_tflite(req.model)
        self.convert_settings = {
            "calib": file_sha256(req.calib) if req.calib and req.calib != "synthetic" and Path(req.calib).is_file()
            else req.calib,
            "calib_count": req.calib_count, "input_range": req.input_range,
            "train": file_sha256(req.train_data) if req.train_data else None,
            "epochs": req.epochs, "batch_size": req.batch_size, "lr": req.lr,
            "val": file_sha256(req.val_data), "max_drop": self.mixed_budget,
        }
        self.measure_settings = {
            "val": self.convert_settings["val"], "val_limit": req.val_limit, "layer_samples": req.layer_samples,
            "runs": req.runs, "warmups": req.warmups, "threads": req.threads, "delegate": req.delegate,
            "phone": req.phone_id, "target": dataclasses.asdict(req.target),
        }
        self.x: np.ndarray | None = None
        self.y: np.ndarray | None = None
        self.ref_ops = None  # fp32 op outputs for per-layer SQNR

    @property
    def mixed_budget(self) -> float:
        return self.req.max_drop if self.req.max_drop is not None else 1.0

    # conversion (cached across targets) ------------------------------------------------------------------
    def convert(self, mode: str) -> tuple[str, dict]:
        """(key, record): record has `size_bytes` and `provenance`, or `error`/`hint` when it failed."""
        if self.tflite:
            return self._adopt(mode)
        key = entry_key(f"convert-{mode}", {"model": self.model_sha, "mode": mode, "edgeq": self.version,
                                            "code": self.convert_code, "settings": self.convert_settings})
        record = self.cache.load(key)
        if record is not None:
            return key, record
        with self.cache.lock(key):  # the model's other cells (targets) wait for this one conversion
            return key, self.cache.load(key) or self._convert(mode, key)

    def _convert(self, mode: str, key: str) -> dict:
        import edgeq

        req = self.req
        self.progress(f"converting to {mode}")
        work = self.cache.work_dir(key)
        try:
            result = edgeq.convert(
                req.model, work / MODEL_FILE, mode, calib=req.calib, calib_count=req.calib_count,
                input_range=req.input_range, train_data=req.train_data if mode == "qat" else None,
                epochs=req.epochs, batch_size=req.batch_size, lr=req.lr,
                val_data=req.val_data if mode == "mixed" else None, max_drop=self.mixed_budget,
                progress=lambda line: self.progress(f"    {mode}: {line.removeprefix(f'{mode}: ')}"))
            record = {"size_bytes": result.size_bytes, "provenance": result.provenance}
            files = (MODEL_FILE,)
        except EdgeqError as err:
            record, files = {"error": err.message, "hint": err.hint}, ()
        # A conversion is a deterministic function of the key, so its failure is cached too (--redo redoes it).
        self.cache.store(key, work, record, files)
        return record

    def _adopt(self, mode: str) -> tuple[str, dict]:
        """A .tflite model is its own conversion (the planner lets only its own mode through): its bytes become
        the cache entry the measurement reads, keyed by the file's content alone."""
        key = entry_key(f"convert-{mode}", {"model": self.model_sha, "mode": mode, "given": "tflite"})
        record = self.cache.load(key)
        if record is None:
            work = self.cache.work_dir(key)
            shutil.copyfile(self.req.model, work / MODEL_FILE)
            record = {"size_bytes": (work / MODEL_FILE).stat().st_size, "provenance": None}
            self.cache.store(key, work, record, (MODEL_FILE,))
        return key, record

    def reference(self) -> bytes:
        """The fp32 conversion: the float reference for per-layer SQNR and the model's input shape."""
        key, record = self.convert("fp32")
        if "error" in record:
            raise EdgeqError(f"the float32 conversion of {self.req.model} failed: {record['error']}", record["hint"])
        return (self.cache.entry_dir(key) / MODEL_FILE).read_bytes()

    def load_validation(self, ref_bytes: bytes) -> None:
        from edgeq.convert.calibration import load_labelled
        from edgeq.ir import parse

        graph = parse(ref_bytes)
        shape = tuple(graph.tensors[graph.inputs[0]].shape[1:])
        data = load_labelled(self.req.val_data, shape, "--val-data")
        limit = self.req.val_limit
        self.x, self.y = data.x[:limit].astype(np.float32), data.y[:limit]
        if self.y.ndim != 1 and not (self.y.ndim == 2 and self.y.shape[1] > 1):
            raise EdgeqError("--val-data labels must be class ids or one-hot rows: the sweep scores top-1",
                             "give y as integer class ids")

    def float_accuracy(self) -> float:
        key = entry_key("float", {"model": self.model_sha, "val": self.convert_settings["val"],
                                  "limit": self.req.val_limit, "edgeq": self.version, "code": self.convert_code})
        record = self.cache.load(key)
        if record is None:
            from edgeq.convert import keras_io

            self.progress("float Keras model on the validation set (host)")
            outputs = keras_io.load(self.req.model).predict(self.x, batch_size=64, verbose=0)
            record = {"top1": accuracy.top1(np.asarray(outputs, dtype=np.float32), self.y)}
            self.cache.store(key, self.cache.work_dir(key), record)
        return record["top1"]

    # one mode --------------------------------------------------------------------------------------------
    def mode(self, mode: str, tag: str) -> ModeResult:
        started = time.monotonic()
        conv_key, conv = self.convert(mode)
        tflite_rel = f"cache/{conv_key}/{MODEL_FILE}"
        if "error" in conv:
            return ModeResult(mode, "failed", "convert", reason=conv["error"], hint=conv["hint"])
        key = entry_key(mode, {"convert": conv_key, "measure": self.measure_settings, "edgeq": self.version,
                               "code": self.measure_code})
        cached = _mode_from_record(self.cache.load(key), cached=True)
        if cached is not None:
            return cached
        work = self.cache.work_dir(key)
        try:
            result = self._measure(mode, tag, self.cache.entry_dir(conv_key) / MODEL_FILE, tflite_rel,
                                   conv["size_bytes"], work)
            result = dataclasses.replace(result, elapsed_s=round(time.monotonic() - started, 2))
        except BaseException:
            self.cache.discard(work)
            raise
        # Build and device failures can be the environment's (a missing tool, a busy machine): retried next time.
        if result.ok or result.stage in ("plan", "convert", "check"):
            self.cache.store(key, work, dataclasses.asdict(result))
        else:
            self.cache.discard(work)
        return result

    def _measure(self, mode: str, tag: str, tflite: Path, tflite_rel: str, size: int, work: Path) -> ModeResult:
        from edgeq.convert import evaluate as ev, runtime
        from edgeq.ir import op_macs, parse

        model_bytes = tflite.read_bytes()
        graph = parse(model_bytes)
        base = ModeResult(mode, "ok", "check", tflite=tflite_rel, model_bytes=size, samples=len(self.x))
        self.progress(f"{tag} {mode}: host accuracy and per-layer error (LiteRT reference kernels)")
        host_acc = accuracy.top1(runtime.predict(model_bytes, self.x), self.y)
        n = min(self.req.layer_samples, len(self.x))
        sqnr = {} if self.ref_ops is None else {  # a .tflite model has no float model to compare with
            layer.op_index: layer.sqnr_db
            for layer in ev.layer_sqnr(self.ref_ops, runtime.op_outputs(model_bytes, self.x[:n]))}
        layers = tuple(LayerCost(op.index, op.opcode, _finite(sqnr.get(op.index)), int(op_macs(graph, op)), None)
                       for op in graph.ops)
        base = dataclasses.replace(base, host_accuracy=host_acc, layers=layers, layer_cost_unit="MACs",
                                   layer_cost_source="host")
        target = self.req.target
        if not target.runs_firmware:
            return self._on_host_or_phone(base, tflite, tag)
        issue = device_issue(graph, target)
        if issue is not None:
            return dataclasses.replace(base, status="failed", stage="check", reason=issue.reason, hint=issue.hint)
        from edgeq.sweep import device

        return device.measure(base, graph, tflite, self.x, self.y, target, work, self.req.runs,
                              self.req.warmups, lambda line: self.progress(f"{tag} {mode}: {line}"),
                              self.req.log_dir or self.out / "logs")

    def _on_host_or_phone(self, base: ModeResult, tflite: Path, tag: str) -> ModeResult:
        req = self.req
        base = dataclasses.replace(base, accuracy=base.host_accuracy, accuracy_source="host", stage="bench")
        self.progress(f"{tag} {base.mode}: benchmarking on {req.target.id}")
        try:
            if req.target.kind == "host":
                from edgeq.bench.host_litert import run_on_host

                bench = run_on_host(tflite, threads=req.threads, xnnpack=True, runs=req.runs, warmups=req.warmups)
            else:
                from edgeq.bench.phone import run_on_phone

                serial = None if req.target.id == "adb" else req.target.id
                bench = run_on_phone(tflite, serial=serial, phone_id=req.phone_id,
                                     benchmark_binary=req.benchmark_binary, threads=req.threads,
                                     delegate=req.delegate, runs=req.runs, warmups=req.warmups,
                                     allow_charging=False)
        except EdgeqError as err:
            return dataclasses.replace(base, status="failed", reason=err.message, hint=err.hint)
        # the bench's own labels, so a figure reads the same in `edgeq bench --json` and in results.json
        return dataclasses.replace(base, stage="done", latency_ms=bench.latency_ms,
                                   latency_source=bench.latency_source, timing_source=bench.timing_source,
                                   energy_uj=bench.energy_uj, energy_source=bench.energy_source)


def _finite(value: float | None) -> float | None:
    """SQNR as JSON can carry it: +inf (no error at all) is capped at 200 dB, -inf/NaN become None."""
    if value is None or value != value or value == float("-inf"):
        return None
    return min(value, 200.0)


def _mode_from_record(record: dict | None, cached: bool) -> ModeResult | None:
    """The cached ModeResult, or None (redo the mode) when the record no longer fits the dataclasses."""
    if record is None:
        return None
    try:
        data = dict(record)
        data["layers"] = tuple(LayerCost(**layer) for layer in data.get("layers", ()))
        data["cached"] = cached
        return ModeResult(**data)
    except (TypeError, ValueError):
        return None


def run_sweep(req: SweepRequest, progress: Progress = print, executor=None) -> SweepResult:
    """One model on one target: the grid of one (`edgeq.sweep.grid.run_grid`) with the local executor unless
    told otherwise; results.json is the `SweepResult` itself."""
    from edgeq.sweep.grid import run_grid

    return run_grid((req,), executor, progress).sweeps[0]


def check_request(req: SweepRequest) -> None:
    """The request's inputs exist and make sense (before anything is written)."""
    if not req.model.exists():
        kind = ".tflite model" if is_tflite(req.model) else "Keras model"
        raise EdgeqError(f"{kind} not found: {req.model}", "pass a Keras model (.keras, .h5, SavedModel) or a .tflite")
    if not req.val_data.is_file():
        raise EdgeqError(f"--val-data not found: {req.val_data}", "pass an .npz file with arrays x (inputs) and y (labels)")
    for label, path in (("--train-data", req.train_data),
                        ("--calib", None if req.calib in (None, "synthetic") else Path(req.calib))):
        if path is not None and not path.exists():
            raise EdgeqError(f"{label} not found: {path}", "check the path")
    if req.val_limit is not None and req.val_limit < 1:
        raise EdgeqError(f"--val-samples must be at least 1, got {req.val_limit}", "e.g. --val-samples 200")


def _prepare(sweep: _Sweep) -> float | None:
    """The fp32 reference conversion, the validation data, the float outputs per layer; the float accuracy.
    A .tflite model: only the validation data (shaped by the model's own input)."""
    req = sweep.req
    if sweep.tflite:
        sweep.load_validation(req.model.read_bytes())
        return None
    sweep.progress("fp32 reference conversion")
    ref_bytes = sweep.reference()
    sweep.load_validation(ref_bytes)
    from edgeq.convert import runtime

    sweep.ref_ops = runtime.op_outputs(ref_bytes, sweep.x[: min(req.layer_samples, len(sweep.x))])
    float_acc = sweep.float_accuracy()
    sweep.progress(f"float Keras model: top-1 {float_acc:.2%} on {len(sweep.x)} samples (host)")
    return float_acc


def _one_line(m: ModeResult) -> str:
    if not m.ok:
        return f"{m.mode}: FAILED at {m.stage}: {m.reason.splitlines()[0][:200]}"
    parts = [f"{m.mode}: top-1 {m.accuracy:.2%} ({m.accuracy_source})"]
    if m.exact_match_rate is not None:
        parts.append(f"{m.exact_match_rate:.2%} of outputs equal TFLM"
                     + (f" ({m.output_verdict})" if m.output_verdict else ""))
    if m.flash_bytes is not None:
        parts.append(f"flash {m.flash_bytes:,} B")
    elif m.model_bytes is not None:
        parts.append(f"model {m.model_bytes:,} B")
    if m.latency_ms is not None:
        parts.append(f"{m.latency_ms:.3g} ms ({m.latency_source})")
    if m.cached:
        parts.append("cached")
    return ", ".join(parts)


def clean_partial(out: Path) -> None:
    """Remove temporary entries an interrupted sweep left in the cache (complete entries stay)."""
    cache = out / "cache"
    if cache.is_dir():
        for child in cache.iterdir():
            if child.name.startswith("."):
                shutil.rmtree(child, ignore_errors=True)
