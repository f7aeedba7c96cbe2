"""Load a Keras model (.keras, .h5, SavedModel directory) and fix its batch dimension to 1.

Imports TensorFlow/Keras 3: call only inside the converter child or `edgeq evaluate`. Microcontroller graphs
need a static batch of 1; re-wrapping the model behind `keras.Input(shape, batch_size=1)` makes the converter
emit a clean graph without SHAPE/PACK ops for the dynamic batch.
"""
from __future__ import annotations

from pathlib import Path

from edgeq.errors import EdgeqError

SUPPORTED = ".keras, .h5/.hdf5 or a SavedModel directory"


def load(path: str | Path):
    from edgeq.convert.quiet import quiet_tensorflow

    quiet_tensorflow()
    import keras

    path = Path(path)
    if not path.exists():
        raise EdgeqError(f"model not found: {path}", f"pass a Keras model ({SUPPORTED})")
    try:
        if path.is_dir():
            model = _load_saved_model(path)
        elif path.suffix in (".keras", ".h5", ".hdf5"):
            model = keras.models.load_model(path, compile=False)
        else:
            raise EdgeqError(f"unsupported model file {path.name}", f"pass a Keras model ({SUPPORTED})")
    except EdgeqError:
        raise
    except Exception as err:  # h5py/zipfile/keras raise many types for truncated or garbage files
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise EdgeqError(
            f"cannot load Keras model {path}: {first[:300]}",
            "is the file complete and saved by Keras (model.save)? Re-export it if it was truncated",
        ) from err
    _check_single_io(model, path)
    return model


def _load_saved_model(path: Path):
    import keras
    import tensorflow as tf

    if not (path / "saved_model.pb").exists():
        raise EdgeqError(f"{path} is a directory but not a SavedModel (no saved_model.pb)", f"pass {SUPPORTED}")
    loaded = tf.saved_model.load(str(path))
    signatures = list(loaded.signatures.keys())
    if "serving_default" not in signatures:
        raise EdgeqError(f"SavedModel {path} has no serving_default signature (has {signatures})", "re-export it with a serving signature")
    spec = loaded.signatures["serving_default"].structured_input_signature[1]
    if len(spec) != 1:
        raise EdgeqError(f"SavedModel {path} has {len(spec)} inputs; edgeq converts single-input models", "export a single-input model")
    (name, tensor_spec), = spec.items()
    layer = keras.layers.TFSMLayer(str(path), call_endpoint="serving_default")
    inp = keras.Input(shape=tuple(tensor_spec.shape[1:]), dtype=tensor_spec.dtype.name, name=name)
    out = layer(inp)
    if isinstance(out, dict):
        if len(out) != 1:
            raise EdgeqError(f"SavedModel {path} has {len(out)} outputs; edgeq converts single-output models", "export a single-output model")
        out = next(iter(out.values()))
    return keras.Model(inp, out)


def _check_single_io(model, path: Path) -> None:
    if len(model.inputs) != 1 or len(model.outputs) != 1:
        raise EdgeqError(
            f"{path.name} has {len(model.inputs)} inputs and {len(model.outputs)} outputs; "
            "edgeq converts single-input, single-output models",
            "wrap the model so it takes one input tensor and returns one output tensor",
        )


def input_shape(model) -> tuple[int, ...]:
    """The model's input shape without the batch axis; every dimension must be known."""
    shape = tuple(model.inputs[0].shape[1:])
    if any(d is None for d in shape):
        raise EdgeqError(
            f"the model input has unknown dimensions {shape}",
            "microcontroller graphs are static: build the model with a fully specified input shape",
        )
    return tuple(int(d) for d in shape)


def batch_one(model):
    """The same model (shared weights) behind an input with batch size 1."""
    import keras

    shape = input_shape(model)
    inp = keras.Input(shape=shape, batch_size=1, dtype=model.inputs[0].dtype, name="input")
    return keras.Model(inp, model(inp), name=f"{model.name}_b1")
