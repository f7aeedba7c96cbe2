"""Subprocess worker: build one-layer Keras models from zoo specs and convert them with TensorFlow.

Usage: python convert_worker.py JOBS.json — JOBS is a list of {"spec": {...}, "out_dir": "..."}; for each
job the worker writes `<variant>.tflite` files into out_dir (which the caller created empty). Runs in its
own process because some conversions crash the interpreter (DESIGN.md) and so that the test process never
imports TensorFlow. One process handles every job, paying TensorFlow's import once.

Spec (see cases.py): inputs (shapes without batch), combine (a Keras merge layer applied to all inputs, or
null), layers (["layer", ClassName, kwargs], ["ops", keras.ops function, kwargs] or ["tf", Python expression over
`x` and `tf`, {"consts": [shapes of random constants `c`]}], applied in order),
variants ("int8" full-integer with int8 I/O, "int8_float_io" full-integer kernels with float I/O,
"uint8_io" full-integer kernels with uint8 I/O, "int16x8" int16 activations and I/O with int8 weights,
"int16x8_float_io" the same kernels with float I/O, "fp32"),
per_tensor (disable per-channel weight quantization), seed, data_range (optional factor on the calibration
data, default 1), rewrite (optional [opcode, axis]), keras2 (optional: build the layers with tf_keras, whose
recurrent layers the converter fuses into UNIDIRECTIONAL_SEQUENCE_LSTM; Keras 3's become a WHILE loop),
dynamic_batch (optional: the batch dimension left open, as `from_keras_model` users convert: Reshape and
Flatten then compute their shapes with SHAPE/STRIDED_SLICE/PACK in the graph).

`integer_island` (optional, quantized variants) removes the DEQUANTIZE/QUANTIZE pair around the model's
one float operator, which then runs on the integer tensors (operators TFLM runs in int8 that the converter
keeps in float).

`rewrite` covers operators the converter never emits: it folds SQUEEZE and EXPAND_DIMS into RESHAPE when
shapes are static, but other producers of .tflite files keep them. The worker edits the converted
flatbuffer (LiteRT's schema object API) so that the single RESHAPE becomes that operator with `axis`.
"""
from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402


def build_model(spec: dict) -> keras.Model:
    keras.utils.set_random_seed(spec["seed"])
    if spec.get("keras2"):
        import tf_keras as lib
    else:
        lib = keras
    batch = None if spec.get("dynamic_batch") else 1
    inputs = [lib.Input(tuple(shape), batch_size=batch) for shape in spec["inputs"]]
    x = inputs[0] if len(inputs) == 1 else inputs
    if spec.get("combine"):
        name, kwargs = spec["combine"]
        x = getattr(lib.layers, name)(**kwargs)(x)
    for kind, name, kwargs in spec["layers"]:
        if kind == "layer":
            x = getattr(lib.layers, name)(**kwargs)(x)
        elif kind == "tf":
            x = tf_expression_layer(name, kwargs, spec["seed"])(x)
        else:
            x = getattr(keras.ops, name)(x, **kwargs)
    model = lib.Model(inputs, x)
    # Random weights and biases (Keras initializes biases to zero, which would hide bias handling).
    rng = np.random.default_rng(spec["seed"])
    model.set_weights([rng.normal(0.0, 0.4, w.shape).astype(np.float32) for w in model.get_weights()])
    return model


def tf_expression_layer(expression: str, kwargs: dict, seed: int) -> keras.layers.Layer:
    """A Lambda layer evaluating `expression` (Python over `x`, the layer input or list of inputs, `tf`, and
    `c`, random float32 constants of the shapes in kwargs["consts"]): TensorFlow ops Keras has no layer for
    (tf.math.squared_difference, tf.linalg.matmul with adjoints, tf.argmax, ...) and small compositions."""
    rng = np.random.default_rng(seed + 2)
    consts = [tf.constant(rng.normal(0.0, 0.5, shape).astype(np.float32)) for shape in kwargs.get("consts", [])]
    return keras.layers.Lambda(lambda x: eval(expression, {"tf": tf, "x": x, "c": consts}))  # noqa: S307


def representative(spec: dict):
    rng = np.random.default_rng(spec["seed"] + 1)
    data_range = spec.get("data_range", 1.0)

    def gen():
        for _ in range(32):
            # Inputs get different ranges so multi-input ops see different scales and zero points.
            yield [(data_range * rng.normal(0.3 * k, 1.0 + k, (1, *shape))).astype(np.float32)
                   for k, shape in enumerate(spec["inputs"])]
    return gen


def convert(model: keras.Model, spec: dict, variant: str) -> bytes:
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if variant in ("int8", "int8_float_io", "uint8_io"):
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = representative(spec)
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        if variant != "int8_float_io":
            io_type = tf.int8 if variant == "int8" else tf.uint8
            converter.inference_input_type = io_type
            converter.inference_output_type = io_type
        if spec.get("per_tensor"):
            converter._experimental_disable_per_channel = True
    elif variant in ("int16x8", "int16x8_float_io"):
        # int16 activations, int8 weights, int64 biases; int16 I/O so outputs compare exactly
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = representative(spec)
        converter.target_spec.supported_ops = [
            tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
        if variant == "int16x8":
            converter.inference_input_type = tf.int16
            converter.inference_output_type = tf.int16
        if spec.get("per_tensor"):
            converter._experimental_disable_per_channel = True
    elif variant != "fp32":
        raise ValueError(f"unknown variant {variant}")
    return converter.convert()


def rewrite_reshape(data: bytes, opcode: str, axis: int) -> bytes:
    """Turn the model's one RESHAPE into SQUEEZE(squeeze_dims=[axis]) or EXPAND_DIMS(axis)."""
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    model = schema.ModelT.InitFromPackedBuf(data, 0)
    sub = model.subgraphs[0]
    code = schema.OperatorCodeT()
    code.builtinCode = code.deprecatedBuiltinCode = getattr(schema.BuiltinOperator, opcode)
    code.version = 1
    model.operatorCodes.append(code)
    reshapes = [op for op in sub.operators
                if model.operatorCodes[op.opcodeIndex].builtinCode == schema.BuiltinOperator.RESHAPE]
    if len(reshapes) != 1:
        raise ValueError(f"expected one RESHAPE to rewrite, found {len(reshapes)}")
    op = reshapes[0]
    op.opcodeIndex = len(model.operatorCodes) - 1
    if opcode == "SQUEEZE":
        op.inputs = list(op.inputs[:1])
        op.builtinOptionsType = schema.BuiltinOptions.SqueezeOptions
        op.builtinOptions = schema.SqueezeOptionsT()
        op.builtinOptions.squeezeDims = [axis]
    elif opcode == "EXPAND_DIMS":
        if len(op.inputs) < 2:
            raise ValueError("RESHAPE has no shape tensor to reuse as the axis")
        axis_tensor = sub.tensors[op.inputs[1]]
        axis_tensor.shape = [1]
        model.buffers[axis_tensor.buffer].data = np.array([axis], "<i4").view(np.uint8)
        op.builtinOptionsType = schema.BuiltinOptions.ExpandDimsOptions
        op.builtinOptions = schema.ExpandDimsOptionsT()
    else:
        raise ValueError(f"cannot rewrite RESHAPE into {opcode}")
    builder = flatbuffers.Builder(len(data) + 1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def integer_island(data: bytes) -> bytes:
    """Make the model's one float operator between DEQUANTIZE and QUANTIZE read and write their integer
    tensors directly (an int8 ELU, which TFLite Micro runs but the converter leaves in float32)."""
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    model = schema.ModelT.InitFromPackedBuf(data, 0)
    sub = model.subgraphs[0]

    def code(op):
        return model.operatorCodes[op.opcodeIndex].builtinCode

    dequantize = next(op for op in sub.operators if code(op) == schema.BuiltinOperator.DEQUANTIZE)
    quantize = next(op for op in sub.operators if code(op) == schema.BuiltinOperator.QUANTIZE)
    island = next(op for op in sub.operators if list(op.inputs[:1]) == list(dequantize.outputs))
    if list(island.outputs) != list(quantize.inputs):
        raise ValueError("the float operator does not feed the QUANTIZE")
    island.inputs = [dequantize.inputs[0]] + list(island.inputs[1:])
    island.outputs = list(quantize.outputs)
    sub.operators = [op for op in sub.operators if op is not dequantize and op is not quantize]
    builder = flatbuffers.Builder(len(data) + 1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def main(jobs_path: str) -> int:
    jobs = json.loads(Path(jobs_path).read_text())
    failures = 0
    for job in jobs:
        spec, out_dir = job["spec"], Path(job["out_dir"])
        try:
            model = build_model(spec)
            for variant in spec["variants"]:
                data = convert(model, spec, variant)
                if spec.get("rewrite"):
                    data = rewrite_reshape(data, *spec["rewrite"])
                if spec.get("integer_island") and variant != "fp32":
                    data = integer_island(data)
                (out_dir / f"{variant}.tflite").write_bytes(data)
        except Exception:  # report and continue: one bad spec must not cost the other conversions
            failures += 1
            (out_dir / "error.txt").write_text(traceback.format_exc())
        keras.backend.clear_session()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
