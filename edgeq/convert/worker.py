"""The converter child: `python -m edgeq.convert.worker JOB_DIR` (started by `edgeq.convert.child`).

Contract with the parent:
1. reads `JOB_DIR/request.json` (a `ConvertRequest`);
2. writes progress lines to its stdout (the parent relays them); fd 1 is then pointed at stderr, so C++
   converter chatter cannot mix into the progress stream, and stderr goes to the parent's log file;
3. writes the converter's raw output to `JOB_DIR/partial.tflite` as soon as there is one, before it is
   audited (`edgeq.convert.audit`: a degenerate scale is an error naming the layer) and loaded in LiteRT
   (which aborts on some degenerate models): whatever fails next, the parent can keep it for inspection;
4. on success writes `JOB_DIR/model.tflite` (provenance embedded) and `JOB_DIR/result.json` {"ok": true,
   "provenance": ..., "report": ...}; on an expected failure `result.json` {"ok": false, "message", "hint",
   "keep": true when the partial model and the log are worth keeping}.
A crash (segfault in the converter) leaves no result.json, and the parent reports it with the log tail.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import traceback
from datetime import datetime, timezone
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from edgeq.convert.modes import CALIBRATED_MODES, ConvertRequest  # noqa: E402
from edgeq.errors import EdgeqError  # noqa: E402


def _progress_stream():
    stream = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return stream


def _versions(mode: str) -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    names = ["edgeq", "tensorflow", "keras"]
    names += {"qat": ["tf-keras", "tensorflow-model-optimization"], "int4": ["ai-edge-quantizer"]}.get(mode, [])
    out = {}
    for name in names:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "unknown"
    return out


def _sha256(path: Path) -> str:
    if path.is_dir():
        path = path / "saved_model.pb"
    return hashlib.sha256(path.read_bytes()).hexdigest()


class DegenerateScale(EdgeqError):
    """A converted model with a degenerate quantization scale (see `edgeq.convert.audit`)."""


def _audit(data: bytes, job: Path) -> None:
    from edgeq.convert.audit import degenerate_tensors

    (job / "partial.tflite").write_bytes(data)
    found = degenerate_tensors(data)
    if found:
        more = f" (and {len(found) - 1} more tensor(s) after it)" if len(found) > 1 else ""
        raise DegenerateScale(
            f"degenerate quantization at {found[0].describe()}{more}: the calibration data drove this layer's "
            "values to (almost) exactly zero, so the quantized model cannot represent them",
            "calibrate with representative inputs (not all zeros); an untrained model's activations are ~0, "
            "so train it first")


def convert(req: ConvertRequest, progress, job: Path) -> tuple[bytes, dict, dict | None]:
    """Run one conversion; returns (model bytes with provenance, provenance, mode report)."""
    from edgeq.convert import calibration, int4, keras_io, mixed, provenance, ptq, qat, recurrent, runtime

    progress(f"loading {req.model}")
    model = keras_io.load(req.model)
    shape = keras_io.input_shape(model)
    model_b1 = recurrent.for_conversion(model, shape, req.mode, progress)  # batch 1; LSTM/GRU fused or unrolled
    calib = None
    if req.calib is not None and req.mode in CALIBRATED_MODES:
        calib = calibration.load_calibration(req.calib, shape, req.calib_count, req.input_range, req.seed)
        progress(f"calibration: {calib.source}")
    report = None
    progress(f"converting to {req.mode}")
    if req.mode in ("fp32", "fp16", "dynamic", "int8", "int16x8"):
        data = ptq.convert(model_b1, req.mode, calib.samples if calib else None, req.io)
    elif req.mode == "qat":
        train = calibration.load_labelled(req.train_data, shape, "--train-data")
        data = qat.train_and_convert(model, shape, train.x, train.y, req.epochs, req.batch_size, req.lr, req.io, progress, req.seed)
    elif req.mode == "mixed":
        val = calibration.load_labelled(req.val_data, shape, "--val-data")
        data, mixed_report = mixed.search(model_b1, calib.samples, val.x, val.y, req.max_drop, progress,
                                          allow_float=req.allow_float, io=req.io)
        report = mixed_report.to_dict()
    elif req.mode == "int4":
        data = int4.convert(ptq.convert(model_b1, "fp32"), calib.samples)
    else:  # validate_request rejects unknown modes before a child is started
        raise EdgeqError(f"unknown quantization mode '{req.mode}'")
    _audit(data, job)
    runtime.interpreter(data)  # the result must load in the reference interpreter
    prov = {
        "tool": "edgeq",
        "mode": req.mode,
        "io": req.io,
        "calibration": (
            {"kind": calib.kind, "source": calib.source, "samples": calib.count}
            if calib
            else {"kind": "none", "source": None, "samples": 0}
        ),
        "input_range": list(req.input_range) if req.input_range else None,
        "source_model": Path(req.model).name,
        "source_sha256": _sha256(Path(req.model)),
        "versions": _versions(req.mode),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    if req.mode == "qat":
        prov["qat"] = {"train_data": Path(req.train_data).name, "epochs": req.epochs, "batch_size": req.batch_size, "lr": req.lr}
    if req.mode == "mixed":
        prov["mixed"] = {
            "val_data": Path(req.val_data).name,
            "max_drop": req.max_drop,
            "int16": [k["tensor"] for k in report["int16_layers"]],
            "kept_float": [k["tensor"] for k in report["kept_float"]],
        }
    return provenance.embed(data, prov), prov, report


def main(job_dir: str) -> int:
    job = Path(job_dir)
    stream = _progress_stream()

    def progress(line: str) -> None:
        stream.write(line + "\n")

    req = ConvertRequest.from_json((job / "request.json").read_text())
    try:
        data, prov, report = convert(req, progress, job)
    except DegenerateScale as err:
        result = {"ok": False, "message": err.message, "hint": err.hint, "keep": True}
    except EdgeqError as err:
        result = {"ok": False, "message": err.message, "hint": err.hint}
    except Exception as err:  # a converter/library failure: report it, keep the traceback in the log
        traceback.print_exc()
        first = (str(err).strip().splitlines() or [type(err).__name__])[0]
        result = {
            "ok": False,
            "message": f"conversion to {req.mode} failed: {type(err).__name__}: {first[:400]}",
            "hint": "the model may use an op or layer this mode cannot quantize; try another --mode (the converter log is shown below)",
            "log": True,
            "keep": True,
        }
    else:
        (job / "model.tflite").write_bytes(data)
        result = {"ok": True, "provenance": prov, "report": report}
    (job / "result.json").write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
