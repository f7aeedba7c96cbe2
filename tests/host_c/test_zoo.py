"""The one-operator zoo: generated C (host gcc, ASan + UBSan) equals TFLite Micro on every case.

The zoo (tests/zoo) holds tiny Keras models, one operator variant each, converted to full-int8 and float32
by TensorFlow in a subprocess and cached on disk. int8 outputs must be identical element for element;
float32 outputs may differ only by float rounding (summation order), so they are compared with a tight
relative tolerance. A case whose operator has no kernel fails here, naming the operator.
"""
from __future__ import annotations

import zlib

import numpy as np
import pytest

from edgeq.codegen.ops import activation_dtype
from edgeq.ir import parse
from edgeq.ir.support import supported_ops
from edgeq.reference import run_tflm
from harness import random_inputs
from zoo.build import ZooCase, case_ids, zoo_cases

SAMPLES = 20

# (opcode, dtype) pairs of supported_ops() that no Keras model converts to: the TFLite converter emits no
# uint8 DEQUANTIZE (uint8 outputs leave an int8 model through QUANTIZE).
# No Keras layer converts to SVDF, the converter refuses int16x8 LSTMs, QUANTIZE from int32 / to int32 and
# resource variables only appear in hand-made models: tests/host_c/test_recurrent_models.py checks those.
UNREACHABLE = {("DEQUANTIZE", "uint8"), ("SVDF", "int8"), ("SVDF", "float32"),
               ("UNIDIRECTIONAL_SEQUENCE_LSTM", "int16"), ("QUANTIZE", "int32"), ("VAR_HANDLE", "resource"),
               ("READ_VARIABLE", "resource"), ("ASSIGN_VARIABLE", "resource"), ("CALL_ONCE", "none")}


@pytest.fixture(scope="session")
def zoo(request) -> dict[str, ZooCase]:
    """Every zoo case by id, converted once per cache (EDGEQ_ZOO_CACHE or .pytest_cache/edgeq_zoo)."""
    return zoo_cases(request.config.rootpath)


def test_every_case_converted(zoo):
    failed = {case_id: case.error.strip().splitlines()[-1:] for case_id, case in zoo.items() if case.path is None}
    assert not failed, f"zoo cases that did not convert: {failed}"


def test_zoo_covers_every_supported_operator(zoo):
    seen: set[tuple[str, str]] = set()
    for case in zoo.values():
        graph = parse(case.path)
        opcodes = [op.opcode for op in graph.ops]
        if case.variant != "fp32":
            missing = [op for op in case.expect if op not in opcodes]
            assert not missing, f"{case.id}: converted model lacks {missing} (has {opcodes})"
        seen.update((op.opcode, activation_dtype(graph, op)) for op in graph.ops)
    wanted = {(op, dtype) for op, dtypes in supported_ops().items() for dtype in dtypes}
    assert not (wanted - seen - UNREACHABLE), f"operators no zoo case exercises: {sorted(wanted - seen)}"


@pytest.mark.tools("gcc")
@pytest.mark.parametrize("case_id", case_ids())
def test_zoo_case_matches_tflm(zoo, host_model, case_id):
    case = zoo[case_id]
    assert case.path is not None, f"conversion failed:\n{case.error}"
    compiled = host_model(case.path)
    inputs = random_inputs(compiled.graph, SAMPLES, seed=zlib.crc32(case_id.encode()))
    expected = run_tflm(case.path, inputs).outputs
    actual = compiled.run(inputs)
    assert len(actual) == len(expected)
    for got, want in zip(actual, expected):
        assert got.dtype == want.dtype and got.shape == want.shape
        if want.dtype == np.float32:
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6 * max(1.0, float(np.abs(want).max())))
        else:
            diff = np.abs(got.astype(np.int32) - want.astype(np.int32))
            assert not diff.any(), (f"{int(np.count_nonzero(diff))} of {want.size} output elements differ from "
                                    f"TFLM (max {int(diff.max())} LSB)")
