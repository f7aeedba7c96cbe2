"""The reference runners against each other and against TFLM's own printed arena report.

Oracles: TFLite Micro and LiteRT's BUILTIN_REF kernels are independent implementations; where they must
agree (kws, checked exactly) and where they are
documented to differ (ad01's FULLY_CONNECTED rounding, ±1 LSB amplified to a few LSB), the tests say so.
"""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from edgeq.errors import EdgeqError
from edgeq.reference import LiteRtRefRunner, TflmRunner, parse_allocations, run_litert_ref, run_tflm, tflm_arena


def _random_int8(runner, n, seed):
    info = runner.inputs[0]
    return np.random.default_rng(seed).integers(-128, 128, (n,) + info.shape, dtype=np.int8)


def test_tflm_and_litert_ref_agree_exactly_on_kws(shared_models):
    path = shared_models / "kws_ref_model.tflite"
    tflm = TflmRunner(path)
    x = _random_int8(tflm, 20, seed=1)
    a = tflm.run(x)
    b = run_litert_ref(path, x)
    assert a.reference == "tflm" and b.reference == "litert-ref"
    assert a.outputs[0].shape == (20, 1, 12) and a.outputs[0].dtype == np.int8
    assert a.samples == 20
    np.testing.assert_array_equal(a.outputs[0], b.outputs[0])
    # The outputs vary with the input: a runner returning one constant vector would fail here.
    assert len({row.tobytes() for row in a.outputs[0]}) > 1


def test_tflm_and_litert_ref_differ_slightly_on_ad01(shared_models):
    # LiteRT's reference FULLY_CONNECTED rounds once, TFLM twice: ±1 LSB per layer, a few LSB at the output.
    path = shared_models / "ad01_int8.tflite"
    tflm = TflmRunner(path)
    x = _random_int8(tflm, 5, seed=2)
    a, b = tflm.run(x).outputs[0], run_litert_ref(path, x).outputs[0]
    diff = np.abs(a.astype(np.int32) - b.astype(np.int32))
    per_sample = (diff != 0).reshape(5, -1).sum(axis=1)
    # Uniform random inputs are far from ad01's data, so many outputs differ (measured 54..431 of 640 per
    # sample; DESIGN.md's 114 of 640 is for real data), but only by the amplified rounding difference.
    assert (per_sample > 0).all()
    assert diff.max() <= 4  # measured 3


def test_float_model_agrees_between_references(shared_models):
    path = shared_models / "ad01_fp32.tflite"
    tflm = TflmRunner(path)
    x = np.random.default_rng(3).normal(size=(4,) + tflm.inputs[0].shape).astype(np.float32)
    a, b = tflm.run(x).outputs[0], run_litert_ref(path, x).outputs[0]
    assert a.dtype == np.float32
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


def test_runner_reuse_gives_same_result_as_fresh_interpreters(shared_models):
    path = shared_models / "pretrainedResnet_quant.tflite"
    tflm = TflmRunner(path)
    x = _random_int8(tflm, 3, seed=4)
    batch = tflm.run(x).outputs[0]
    again = tflm.run(x[::-1]).outputs[0][::-1]  # other order: no state may leak between samples
    fresh = np.concatenate([run_tflm(path, x[i:i + 1]).outputs[0] for i in range(3)])
    np.testing.assert_array_equal(batch, again)
    np.testing.assert_array_equal(batch, fresh)


def test_batch_without_leading_one_is_accepted(shared_models):
    path = shared_models / "ad01_int8.tflite"
    runner = LiteRtRefRunner(path)
    x = _random_int8(runner, 2, seed=5)
    np.testing.assert_array_equal(runner.run(x).outputs[0], runner.run(x[:, 0, :]).outputs[0])


def test_result_arrays_are_read_only(shared_models):
    result = run_tflm(shared_models / "ad01_int8.tflite", np.zeros((1, 1, 640), np.int8))
    with pytest.raises(ValueError):
        result.outputs[0][0, 0, 0] = 1


@pytest.mark.parametrize("bad, words", [
    (np.zeros((1, 1, 640), np.float32), "dtype"),
    (np.zeros((1, 1, 641), np.int8), "shape"),
    ([np.zeros((1, 640), np.int8)] * 2, "input(s)"),
])
@pytest.mark.parametrize("runner_cls", [TflmRunner, LiteRtRefRunner])
def test_bad_inputs_raise_edgeq_error(shared_models, runner_cls, bad, words):
    runner = runner_cls(shared_models / "ad01_int8.tflite")
    with pytest.raises(EdgeqError) as err:
        runner.run(bad)
    assert words in err.value.message


def test_tflm_rejects_hybrid_model_with_its_reason(shared_models):
    with pytest.raises(EdgeqError) as err:
        TflmRunner(shared_models / "kws_ref_model_float32.tflite")
    assert "Hybrid models are not supported" in err.value.message


@pytest.mark.parametrize("runner_cls", [TflmRunner, LiteRtRefRunner])
def test_not_a_model_is_rejected(tmp_path, runner_cls):
    junk = tmp_path / "junk.tflite"
    junk.write_bytes(b"this is not a flatbuffer at all")
    with pytest.raises(EdgeqError):
        runner_cls(junk)
    with pytest.raises(EdgeqError):
        runner_cls(tmp_path / "missing.tflite")


# Text printed by this tflite-micro build's print_allocations() for kws_ref_model (copied from a run).
_KWS_ALLOCATIONS = """\
[RecordingMicroAllocator] Arena allocation total 24272 bytes
[RecordingMicroAllocator] Arena allocation head 16000 bytes
[RecordingMicroAllocator] Arena allocation tail 8272 bytes
[RecordingMicroAllocator] 'TfLiteEvalTensor data' used 840 bytes with alignment overhead (requested 840 bytes for 35 allocations)
[RecordingMicroAllocator] 'Persistent TfLiteTensor data' used 128 bytes with alignment overhead (requested 128 bytes for 2 tensors)
[RecordingMicroAllocator] 'Persistent buffer data' used 5556 bytes with alignment overhead (requested 5528 bytes for 32 allocations)
"""


def test_parse_allocations_reads_totals_and_sections():
    usage = parse_allocations(_KWS_ALLOCATIONS)
    assert (usage.total_bytes, usage.head_bytes, usage.tail_bytes) == (24272, 16000, 8272)
    assert usage.sections["Persistent buffer data"].used_bytes == 5556
    assert usage.sections["Persistent buffer data"].requested_bytes == 5528
    assert usage.sections["TfLiteEvalTensor data"].count == 35
    with pytest.raises(EdgeqError):
        parse_allocations("nothing useful")


# TFLM's arena on Cortex-M4 + CMSIS-NN (../shared/models/README.md). This host build has 64-bit pointers and
# reference kernels, so its figures are larger: measured kws 24,272, ResNet 55,984, ad01 3,984.
@pytest.mark.parametrize("name, m4_bytes", [
    ("kws_ref_model", 22_820), ("pretrainedResnet_quant", 54_996), ("ad01_int8", 2_580)])
def test_tflm_arena_is_captured_from_stderr(shared_models, name, m4_bytes):
    usage = tflm_arena(shared_models / f"{name}.tflite")
    assert usage.head_bytes + usage.tail_bytes == usage.total_bytes
    assert m4_bytes <= usage.total_bytes <= 2 * m4_bytes
    assert sum(s.used_bytes for s in usage.sections.values()) <= usage.tail_bytes + usage.head_bytes


def test_reference_runners_do_not_import_tensorflow(shared_models):
    code = ("import sys, numpy as np; from edgeq.reference import run_tflm, run_litert_ref; "
            f"p = r'{shared_models / 'ad01_int8.tflite'}'; x = np.zeros((1, 1, 640), np.int8); "
            "run_tflm(p, x); run_litert_ref(p, x); "
            "sys.exit(1 if any(m == 'tensorflow' or m.startswith('tensorflow.') for m in sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
