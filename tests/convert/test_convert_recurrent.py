"""Recurrent and sequence Keras models through every integer mode to operators the MCU runs, bit-exact with
TFLM on host and on the emulated Cortex-M4; mixed precision choosing int16 activations; MACs inside recurrent operators and WHILE bodies.

Three tiny models are trained here (a few seconds): LSTM(8) and GRU(8) over 8 steps of 4 features, and a
Conv1D keyword-spotting-style model; the class is the feature with the raised mean. Conversions run in this
process through the converter child's own function (`worker.convert`), since these rebuilt forms never crash
the converter; the crash case (a layer edgeq cannot rebuild) goes through the public API and its child.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
pytestmark = pytest.mark.slow

STEPS, FEATURES, UNITS, CLASSES = 8, 4, 8, 3
MODES = ("int8", "int16x8", "mixed")
KINDS = ("LSTM", "GRU", "kws")


@dataclass(frozen=True)
class Trained:
    model: Path
    calib: Path
    val: Path


def _data(rng, n: int, shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    y = rng.integers(0, CLASSES, n)
    x = rng.standard_normal((n, *shape)).astype(np.float32)
    x[np.arange(n), :, y] += 1.0
    return x, y


def _build(kind: str):
    import keras

    shape = (16, 6) if kind == "kws" else (STEPS, FEATURES)
    inp = keras.Input(shape)
    if kind == "kws":
        h = keras.layers.Conv1D(8, 3, activation="relu", name="conv_a")(inp)
        h = keras.layers.Conv1D(8, 3, activation="relu", name="conv_b")(h)
        h = keras.layers.GlobalAveragePooling1D()(h)
    else:
        h = getattr(keras.layers, kind)(UNITS, name=kind.lower())(inp)
    return keras.Model(inp, keras.layers.Dense(CLASSES, activation="softmax")(h)), shape


@pytest.fixture(scope="module")
def sequence_models(tmp_path_factory) -> dict[str, Trained]:
    import keras

    directory = tmp_path_factory.mktemp("sequence_models")
    rng = np.random.default_rng(0)
    keras.utils.set_random_seed(0)
    models = {}
    for kind in KINDS:
        model, shape = _build(kind)
        x, y = _data(rng, 400, shape)
        model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy")
        model.fit(x, y, epochs=5, batch_size=32, verbose=0)
        x_val, y_val = _data(rng, 200, shape)
        models[kind] = Trained(directory / f"{kind}.keras", directory / f"{kind}_calib.npy", directory / f"{kind}_val.npz")
        model.save(models[kind].model)
        np.save(models[kind].calib, x[:100])
        np.savez(models[kind].val, x=x_val, y=y_val)
    return models


class Converted:
    """Converts in this process (the worker's `convert`), cached per (model, mode, options)."""

    def __init__(self, models: dict[str, Trained], directory: Path):
        self.models, self.directory, self._cache = models, directory, {}

    def get(self, kind: str, mode: str, model: Path | None = None, **options) -> tuple[Path, dict | None]:
        from edgeq.convert import worker
        from edgeq.convert.modes import ConvertRequest, default_io

        trained = self.models[kind]
        source = model or trained.model
        key = (str(source), mode, tuple(sorted(options.items())))
        if key not in self._cache:
            extra = {"val_data": str(trained.val), "max_drop": 5.0} if mode == "mixed" else {}
            req = ConvertRequest(model=str(source), mode=mode, io=default_io(mode), calib=str(trained.calib),
                                 **{**extra, **options})
            job = self.directory / f"job{len(self._cache)}"
            job.mkdir()
            data, _, report = worker.convert(req, lambda line: None, job)
            out = self.directory / f"{source.stem}_{mode}_{len(self._cache)}.tflite"
            out.write_bytes(data)
            self._cache[key] = (out, report)
        return self._cache[key]


@pytest.fixture(scope="module")
def converted(sequence_models, tmp_path_factory) -> Converted:
    return Converted(sequence_models, tmp_path_factory.mktemp("sequence_tflite"))


def _ops(path: Path) -> list[tuple[str, str]]:
    from edgeq.ir import parse
    from edgeq.ir.support import activation_dtype

    graph = parse(path)
    assert not graph.subgraphs, "no WHILE/IF bodies: recurrent layers are fused or unrolled"
    return [(op.opcode, activation_dtype(graph, op)) for op in graph.ops]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", KINDS)
def test_sequence_models_convert_to_operators_the_mcu_runs(kind, mode, converted):
    from edgeq.ir.support import supported_ops

    path, _ = converted.get(kind, mode)
    ops = _ops(path)
    table = supported_ops()
    missing = sorted({(op, dtype) for op, dtype in ops if dtype not in table.get(op, ())})
    assert not missing, f"operators the MCU runtime does not (yet) run: {missing}"
    opcodes = {op for op, _ in ops}
    assert "WHILE" not in opcodes and "float32" not in {d for op, d in ops if op not in ("QUANTIZE", "DEQUANTIZE")}
    if kind == "LSTM" and mode == "int8":
        assert ("UNIDIRECTIONAL_SEQUENCE_LSTM", "int8") in ops  # fused, not unrolled
    if kind in ("LSTM", "GRU") and mode != "int8":
        assert ("FULLY_CONNECTED", "int16" if mode == "int16x8" else "int8") in ops  # unrolled time steps


@pytest.mark.tools("gcc")
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", KINDS)
def test_sequence_models_bit_exact_with_tflm_on_host(kind, mode, converted):
    from edgeq.validate import validate_build

    path, _ = converted.get(kind, mode)
    report = validate_build(path, "random:4", target="host")
    assert report.samples == 4 and report.mismatched_elements == 0, report


def _with_outlier_channel(trained: Trained, directory: Path) -> Path:
    """The kws model with conv_a's channel 0 scaled by 2000 and conv_b's weights reading it by 1/2000: the same
    float function, but that channel stretches conv_a's per-tensor activation range, so int8 leaves the
    other channels a step or two and only int16 activations (conv_a, and conv_b reading it) keep them."""
    import keras

    model = keras.models.load_model(trained.model)
    a, b = model.get_layer("conv_a"), model.get_layer("conv_b")
    wa, ba = a.get_weights()
    wa[..., 0] *= 2000.0
    ba[0] *= 2000.0
    a.set_weights([wa, ba])
    wb, bb = b.get_weights()
    wb[:, 0, :] /= 2000.0
    b.set_weights([wb, bb])
    path = directory / "kws_outlier.keras"
    model.save(path)
    return path


@pytest.mark.tools("gcc", "qemu-system-arm", "arm-none-eabi-gcc")
def test_mixed_widens_sensitive_layers_to_int16_and_stays_bit_exact(converted, sequence_models, tmp_path):
    from edgeq.convert import runtime
    from edgeq.validate import validate_build

    model = _with_outlier_channel(sequence_models["kws"], tmp_path)
    path, report = converted.get("kws", "mixed", model=model, max_drop=1.0)
    assert report["float_accuracy"] - report["int8_accuracy"] > 10.0, "full int8 must miss --max-drop here"
    assert report["met"] and not report["kept_float"]
    # Exactly the stretched layer and the one reading it: the other layers tried on the way went back to int8.
    widened = [layer["tensor"] for layer in report["int16_layers"]]
    assert len(widened) == 2 and {"conv_a", "conv_b"} == {n for n in ("conv_a", "conv_b") for t in widened if n in t}
    # Measured here, not taken from the report: the drop against the float conversion holds.
    with np.load(sequence_models["kws"].val) as val:
        x, y = val["x"], val["y"]
    float_path, _ = converted.get("kws", "fp32", model=model)
    float_acc = (runtime.predict(float_path.read_bytes(), x).argmax(-1) == y).mean() * 100
    mixed_acc = (runtime.predict(path.read_bytes(), x).argmax(-1) == y).mean() * 100
    assert float_acc - mixed_acc <= 1.0
    ops = _ops(path)
    assert ("CONV_2D", "int16") in ops and ("FULLY_CONNECTED", "int8") in ops
    assert {("QUANTIZE", "int8"), ("QUANTIZE", "int16")} <= set(ops)  # int8 -> int16 and back
    assert validate_build(path, "random:4", target="host").mismatched_elements == 0
    assert validate_build(path, "random:3", target="cortex-m4", emulate=True).mismatched_elements == 0


@pytest.mark.tools("qemu-system-arm", "arm-none-eabi-gcc")
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", KINDS)
def test_sequence_models_bit_exact_on_emulated_cortex_m4(kind, mode, converted):
    from edgeq.validate import validate_build

    path, _ = converted.get(kind, mode)
    report = validate_build(path, "random:3", target="cortex-m4", emulate=True)
    assert report.samples == 3 and report.mismatched_elements == 0, report


@pytest.mark.tools("gcc")
def test_bidirectional_backward_and_generic_rnn_layers_unroll(converted, tmp_path):
    import keras

    from edgeq.validate import validate_build

    inp = keras.Input((STEPS, FEATURES))
    both = keras.layers.Bidirectional(keras.layers.GRU(4), name="both_ways")(inp)
    back = keras.layers.LSTM(4, go_backwards=True)(inp)
    cell = keras.layers.RNN(keras.layers.SimpleRNNCell(4))(inp)
    model = keras.Model(inp, keras.layers.Dense(CLASSES)(keras.layers.Concatenate()([both, back, cell])))
    path = tmp_path / "wrapped.keras"
    model.save(path)
    out, _ = converted.get("LSTM", "int8", model=path)  # the LSTM model's calibration data fits this input
    assert {op for op, _ in _ops(out)} & {"UNPACK", "FULLY_CONNECTED"} == {"UNPACK", "FULLY_CONNECTED"}
    assert validate_build(out, "random:3", target="host").mismatched_elements == 0


def test_layer_with_no_mcu_form_is_refused_by_name_before_the_converter_runs(tmp_path):
    import keras

    from edgeq.convert.api import convert
    from edgeq.errors import EdgeqError

    inp = keras.Input((STEPS, FEATURES, 1))
    out = keras.layers.ConvLSTM1D(2, 3, name="conv_lstm")(inp)
    path = tmp_path / "convlstm.keras"
    keras.Model(inp, keras.layers.Dense(CLASSES)(keras.layers.Flatten()(out))).save(path)
    with pytest.raises(EdgeqError) as err:
        convert(path, tmp_path / "convlstm.tflite", "int8", calib="synthetic", input_range=(-1.0, 1.0))
    assert "'conv_lstm'" in err.value.message and "ConvLSTM1D" in err.value.message
    assert "crashed" not in err.value.message  # refused before the converter ran, not a SIGSEGV report
    assert not (tmp_path / "convlstm.tflite").exists()


def test_macs_count_inside_while_bodies_and_recurrent_operators(converted, tmp_path):
    import flatbuffers
    import keras
    import tensorflow as tf
    from ai_edge_litert import schema_py_generated as schema

    from edgeq.inspection import inspect_model
    from edgeq.ir import parse, total_macs
    from edgeq.ir.macs import unknown_macs

    # Keras 3 LSTM as written: a WHILE loop whose body runs the gate FCs once per step.
    inp = keras.Input((STEPS, FEATURES), batch_size=1)
    model = keras.Model(inp, keras.layers.LSTM(UNITS)(inp))
    loop = tf.lite.TFLiteConverter.from_keras_model(model).convert()
    expected = STEPS * (4 * UNITS * FEATURES + 4 * UNITS * UNITS)
    graph = parse(loop)
    assert [op.opcode for op in graph.ops].count("WHILE") == 1
    assert total_macs(graph) == expected and unknown_macs(graph) == ()
    fused, _ = converted.get("LSTM", "int8")  # the same layer fused, plus Dense(3) on 8 units
    assert total_macs(parse(fused)) == expected + UNITS * CLASSES

    # The loop limit made a runtime value: the trip count is no longer static, so the count is unknown.
    fb = schema.ModelT.InitFromPackedBuf(bytearray(loop), 0)
    while_op = next(o for o in fb.subgraphs[0].operators if o.builtinOptionsType == schema.BuiltinOptions.WhileOptions)
    cond = fb.subgraphs[while_op.builtinOptions.condSubgraphIndex]
    for op in cond.operators:
        cond.tensors[op.inputs[1]].buffer = 0  # LESS(counter, limit): the limit loses its constant data
    builder = flatbuffers.Builder(len(loop) + 1024)
    builder.Finish(fb.Pack(builder), file_identifier=b"TFL3")
    (tmp_path / "loop.tflite").write_bytes(bytes(builder.Output()))
    report = inspect_model(tmp_path / "loop.tflite")
    assert report.macs_unknown_ops and not next(o for o in report.ops if o.opcode == "WHILE").macs_known
    assert report.weight_bytes > UNITS * 4 * (FEATURES + UNITS) * 4  # the body's float gate weights count


@pytest.mark.parametrize("name,macs", [("trained_lstm_int8.tflite", 113_120), ("keyword_scrambled_8bit.tflite", 21_056)])
def test_recurrent_macs_match_the_peer_table(shared_models, name, macs):
    from edgeq.ir import parse, total_macs

    assert total_macs(parse(shared_models / name)) == macs  # shared/benchmarks/peer_tflm_cmsis_nn.md
