"""Recurrent Keras layers (LSTM, GRU, SimpleRNN) rebuilt so the TFLite converter emits operators a
microcontroller runs, in every mode — or refused with the layer's name before the converter can crash.

What the converter does with each form (TF 2.21, verified in a subprocess, DESIGN.md):
- Keras 3 `LSTM`/`GRU` as written: a WHILE loop with STRIDED_SLICE/GATHER bodies in fp32; int8 and int16x8
  SIGSEGV the converter (LSTM).
- tf-keras `LSTM`: the converter fuses it into one UNIDIRECTIONAL_SEQUENCE_LSTM (fp32, int8 — int8 input and
  output, int16 cell state), but refuses to quantize that op to 16x8 ("not yet supported").
- `unroll=True` (static sequence length): no WHILE; one FULLY_CONNECTED/ADD/MUL/LOGISTIC/TANH chain per time
  step behind UNPACK, with SPLIT (tf-keras GRU: SPLIT_V; Keras 3: STRIDED_SLICE). Quantizes in every mode.
  A Bidirectional wrapper unrolls both directions (its backward sequence output adds a REVERSE_V2).

So `for_conversion` picks, per mode (`plan_for`):
- int8, fp32, fp16, dynamic, int4: rebuild in tf-keras; LSTM stays fused, GRU/SimpleRNN are unrolled.
- int16x8 and mixed, or a model with a Bidirectional or generic RNN layer: unroll every recurrent layer in
  Keras 3 (the fused LSTM has no 16x8 form, ai-edge-quantizer — which expresses the int8/int16 mix — cannot
  quantize it, and the tf-keras rebuild cannot take Keras 3's wrapped layer configurations).
A recurrent layer edgeq cannot rebuild (ConvLSTM, a nested model, no static length, stateful) is refused by
name before the converter runs in the integer modes; the float modes convert the model as written, keeping
the WHILE loop (a phone runs it; the MCU target refuses it at build time).
Note: TFLite's fused LSTM keeps its hidden and cell state in variable tensors, so consecutive inferences
of the converted model continue one sequence (as in TFLM), unlike a stateless Keras LSTM; the unrolled
forms start every inference from zero state.

Imports TensorFlow: runs inside the converter child.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from edgeq.errors import EdgeqError

RECURRENT = ("LSTM", "GRU", "SimpleRNN", "RNN")  # layers with an `unroll` option
WRAPPERS = ("Bidirectional",)  # wrap a recurrent layer (and optionally a backward one) in their config
# Recurrent layers that become a WHILE loop (and may crash the int8 converter) with no form edgeq can rebuild.
UNSUPPORTED = ("ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D")
FUSED_LSTM_MODES = frozenset({"fp32", "fp16", "dynamic", "int8", "int4"})
FLOAT_MODES = frozenset({"fp32", "fp16", "dynamic"})  # never crash the converter: loops may stay as written


@dataclass(frozen=True)
class Plan:
    """How a model's recurrent layers are rebuilt for one mode."""

    layers: tuple[str, ...]  # names of the recurrent layers (and wrappers) found, model order
    fused_lstm: bool  # True: tf-keras rebuild, LSTM -> UNIDIRECTIONAL_SEQUENCE_LSTM; False: all unrolled

    def describe(self) -> str:
        how = "LSTM fused (UNIDIRECTIONAL_SEQUENCE_LSTM), others unrolled" if self.fused_lstm else "unrolled"
        note = ("; the fused LSTM keeps its state between inferences (consecutive calls continue one sequence, "
                "as in TFLite Micro)") if self.fused_lstm else ""
        return f"recurrent layers {', '.join(self.layers)}: {how}{note}"


def _walk(model, prefix: str = ""):
    """(qualified name, layer, nested) for every layer, descending into nested models."""
    for layer in model.layers:
        yield prefix + layer.name, layer, bool(prefix)
        if hasattr(layer, "layers"):
            yield from _walk(layer, f"{prefix}{layer.name}/")


def plan_for(model, mode: str) -> Plan | None:
    """The rebuild plan for `model` in `mode`, None when it has no recurrent layer; EdgeqError for a recurrent
    layer edgeq cannot turn into MCU operators (named, with the reason)."""
    found = []
    for name, layer, nested in _walk(model):
        kind = type(layer).__name__
        if kind in UNSUPPORTED:
            raise EdgeqError(
                f"layer '{name}' ({kind}) cannot be converted to operators a microcontroller runs: TFLite turns it "
                "into a WHILE loop, which has no unrolled form (and its int8 conversion may crash the converter)",
                "use LSTM, GRU or SimpleRNN layers (edgeq fuses or unrolls them), e.g. Conv1D/Conv2D + LSTM",
            )
        if kind in WRAPPERS:
            inner = type(layer.forward_layer).__name__
            if inner not in RECURRENT:
                raise EdgeqError(f"layer '{name}' ({kind}) wraps a {inner}, which edgeq cannot unroll",
                                 "wrap an LSTM, GRU or SimpleRNN")
        elif kind not in RECURRENT:
            continue
        if nested:
            raise EdgeqError(
                f"recurrent layer '{name}' sits inside a nested model; edgeq rebuilds recurrent layers only at the "
                "top level",
                "flatten the model (build it from the inner model's layers directly)",
            )
        steps = layer.input.shape[1] if len(layer.input.shape) == 3 else None
        if steps is None:
            raise EdgeqError(
                f"recurrent layer '{name}' ({kind}) has no static sequence length (input {tuple(layer.input.shape)})",
                "give the model input a fixed number of time steps, e.g. keras.Input((T, features))",
            )
        if getattr(layer, "stateful", False):
            raise EdgeqError(
                f"recurrent layer '{name}' ({kind}) uses stateful=True, which edgeq does not rebuild",
                "convert the model with stateful=False: the fused TFLite LSTM keeps its state between inferences "
                "anyway (as TFLite Micro does)",
            )
        found.append(name)
    if not found:
        return None
    layers = [layer for _, layer, _ in _walk(model)]
    # tf-keras fuses plain forward LSTMs; it cannot rebuild Keras 3 wrappers or generic RNN cells.
    plain = not {type(layer).__name__ for layer in layers} & {"RNN", *WRAPPERS} and not any(
        getattr(layer, "go_backwards", False) for layer in layers)
    return Plan(tuple(found), fused_lstm=mode in FUSED_LSTM_MODES and plain)


def _unrolled_clone(model, kinds: tuple[str, ...]):
    """A Keras 3 copy of `model` (same weights) whose layers of the given kinds run with unroll=True."""
    import keras

    def clone(layer):
        config = layer.get_config()
        if type(layer).__name__ in kinds:
            config["unroll"] = True
        if type(layer).__name__ in WRAPPERS:  # serialized inner layers: {"class_name": ..., "config": {...}}
            for key in ("layer", "backward_layer"):
                if isinstance(config.get(key), dict) and config[key].get("class_name") in kinds:
                    config[key]["config"]["unroll"] = True
        return type(layer).from_config(config)

    copy = keras.models.clone_model(model, clone_function=clone)
    for source, target in zip(model.layers, copy.layers):
        target.set_weights(source.get_weights())
    return copy


def for_conversion(model, shape: tuple[int, ...], mode: str, progress: Callable[[str], None]):
    """The batch-1 model the converter should see for `mode`: `keras_io.batch_one(model)` when there is no
    recurrent layer, otherwise the rebuilt model described in the module docstring."""
    from edgeq.convert import keras_io

    try:
        plan = plan_for(model, mode)
    except EdgeqError as err:
        if mode not in FLOAT_MODES:
            raise
        progress(f"{err.message}; converted as written (a WHILE loop: phones run it, the MCU runtime does not)")
        return keras_io.batch_one(model)
    if plan is None:
        return keras_io.batch_one(model)
    progress(plan.describe())
    if plan.fused_lstm:
        from edgeq.convert.qat import to_tf_keras  # the tf-keras rebuild QAT uses (same layers, same weights)

        return to_tf_keras(_unrolled_clone(model, ("GRU", "SimpleRNN")), shape)  # no RNN/wrapper here
    return keras_io.batch_one(_unrolled_clone(model, RECURRENT))
