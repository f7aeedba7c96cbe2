"""The Python API behind `edgeq convert` and `edgeq evaluate` (re-exported as `edgeq.convert`/`edgeq.evaluate`).

`convert` itself never imports TensorFlow: it validates what it can without the model, runs the conversion
in a child process and writes the result atomically. `evaluate` runs the float Keras model in-process.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from edgeq.convert import child
from edgeq.convert.modes import ConvertRequest, default_io, validate_request
from edgeq.convert.output import check_target, write_atomic
from edgeq.errors import EdgeqError


@dataclass(frozen=True)
class ConvertResult:
    output: Path
    mode: str
    size_bytes: int
    provenance: dict
    report: dict | None  # mode-specific details (mixed: kept layers and per-layer errors)


def _quiet(_: str) -> None:
    pass


def convert(
    model: str | Path,
    output: str | Path,
    mode: str = "int8",
    *,
    io: str | None = None,
    calib: str | Path | None = None,
    calib_count: int = 200,
    input_range: tuple[float, float] | None = None,
    train_data: str | Path | None = None,
    epochs: int = 3,
    batch_size: int = 32,
    lr: float = 1e-4,
    val_data: str | Path | None = None,
    max_drop: float = 1.0,
    allow_float: bool = False,
    seed: int = 0,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ConvertResult:
    """Convert a Keras model (.keras, .h5, SavedModel dir) to a `.tflite` in `mode`; see `edgeq convert --help`."""
    out = Path(output)
    check_target(out, force)

    def absolute(p):
        return None if p is None else str(Path(p).resolve())

    req = ConvertRequest(
        model=str(Path(model).resolve()),
        mode=mode,
        io=io if io is not None else default_io(mode),
        calib="synthetic" if str(calib) == "synthetic" else absolute(calib),
        calib_count=calib_count,
        input_range=tuple(float(v) for v in input_range) if input_range is not None else None,
        train_data=absolute(train_data),
        epochs=epochs,
        batch_size=batch_size,
        lr=lr,
        val_data=absolute(val_data),
        max_drop=max_drop,
        allow_float=allow_float,
        seed=seed,
    )
    validate_request(req)
    with tempfile.TemporaryDirectory(prefix="edgeq-convert-") as tmp:
        result = child.run(req, Path(tmp), progress or _quiet)
    write_atomic(out, result.model, force)
    return ConvertResult(out, mode, len(result.model), result.provenance, result.report)


def evaluate(
    keras_model: str | Path,
    tflite_model: str | Path,
    data: str | Path,
    *,
    layer_samples: int = 50,
    limit: int | None = None,
    progress: Callable[[str], None] | None = None,
):
    """Float Keras model vs quantized .tflite on `data` (.npz with x, y); returns an `Evaluation`."""
    import numpy as np

    from edgeq.convert import calibration, evaluate as ev, keras_io, runtime
    from edgeq.convert.modes import ConvertRequest

    progress = progress or _quiet
    tflite_path = Path(tflite_model)
    if not tflite_path.is_file():
        raise EdgeqError(f"quantized model not found: {tflite_path}", "pass the .tflite written by edgeq convert")
    quant_bytes = tflite_path.read_bytes()
    try:
        runtime.interpreter(quant_bytes)
    except Exception as err:
        raise EdgeqError(f"cannot load {tflite_path} in LiteRT: {str(err).splitlines()[0][:300]}", "pass a valid .tflite file") from err
    if layer_samples < 1:
        raise EdgeqError(f"--layer-samples must be >= 1, got {layer_samples}", "e.g. --layer-samples 50")
    model = keras_io.load(keras_model)
    shape = keras_io.input_shape(model)
    labelled = calibration.load_labelled(data, shape, "--data")
    x, y = labelled.x[:limit], labelled.y[:limit]
    quant_input = runtime.interpreter(quant_bytes).get_input_details()[0]
    if tuple(quant_input["shape"][1:]) != shape:
        raise EdgeqError(
            f"{tflite_path.name} takes inputs of shape {tuple(quant_input['shape'][1:])}, the Keras model {shape}",
            "evaluate a .tflite converted from this Keras model",
        )
    progress(f"float model on {len(x)} samples")
    float_out = np.asarray(model.predict(x, batch_size=64, verbose=0), dtype=np.float32)
    progress("quantized model (LiteRT reference kernels)")
    quant_out = runtime.predict(quant_bytes, x)
    task = ev.task_of(y, float_out)
    metric = ev.classification_metrics if task == "classification" else ev.regression_metrics
    progress("float32 TFLite reference for per-layer SQNR")
    with tempfile.TemporaryDirectory(prefix="edgeq-evaluate-") as tmp:
        req = ConvertRequest(model=str(Path(keras_model).resolve()), mode="fp32", io="float")
        float_tflite = child.run(req, Path(tmp), _quiet).model
    n = min(layer_samples, len(x))
    layers = ev.layer_sqnr(runtime.op_outputs(float_tflite, x[:n]), runtime.op_outputs(quant_bytes, x[:n]))
    return ev.Evaluation(
        task=task,
        samples=len(x),
        float_metrics=metric(y, float_out),
        quant_metrics=metric(y, quant_out),
        agreement=ev.agreement(task, float_out, quant_out),
        layers=layers,
        layer_samples=n,
        quant_size_bytes=len(quant_bytes),
        float_tflite_size_bytes=len(float_tflite),
    )
