"""Provenance metadata inside .tflite files: round trip, replacement, and an unchanged model."""
from __future__ import annotations

import numpy as np
import pytest

from edgeq.convert import provenance
from edgeq.errors import EdgeqError


def _run(model_bytes, x):
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    interp = Interpreter(model_content=model_bytes, experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    interp.allocate_tensors()
    inp, out = interp.get_input_details()[0], interp.get_output_details()[0]
    interp.set_tensor(inp["index"], x)
    interp.invoke()
    return interp.get_tensor(out["index"]).copy()


def test_embed_and_read_keeps_model_behaviour(shared_models):
    original = (shared_models / "ad01_int8.tflite").read_bytes()
    assert provenance.read(original) is None
    tagged = provenance.embed(original, {"mode": "int8", "calibration": {"kind": "npy", "samples": 5}})
    assert provenance.read(tagged) == {"mode": "int8", "calibration": {"kind": "npy", "samples": 5}}
    x = np.random.default_rng(0).integers(-128, 128, size=(1, 640), dtype=np.int8)
    assert np.array_equal(_run(original, x), _run(tagged, x))


def test_embed_replaces_previous_provenance(shared_models):
    original = (shared_models / "ad01_int8.tflite").read_bytes()
    twice = provenance.embed(provenance.embed(original, {"mode": "a"}), {"mode": "b"})
    assert provenance.read(twice) == {"mode": "b"}
    from ai_edge_litert import schema_py_generated as schema

    names = [m.name for m in schema.ModelT.InitFromPackedBuf(bytearray(twice), 0).metadata]
    assert names.count(provenance.METADATA_KEY.encode()) == 1


def test_not_a_tflite():
    with pytest.raises(EdgeqError, match="TFL3"):
        provenance.read(b"garbage bytes here")
