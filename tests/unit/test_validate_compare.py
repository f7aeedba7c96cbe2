"""Pure parts of edgeq.validate: sample loading and the comparison report."""
import numpy as np
import pytest

from edgeq.errors import EdgeqError
from edgeq.reference.batch import TensorInfo
from edgeq.validate import compare, load_samples

INT8_IN = (TensorInfo((1, 4), "int8", 0.5, -2),)


def test_compare_counts_every_differing_element():
    ref = [np.array([[1, 2, 3], [4, 5, 6]], dtype=np.int8), np.array([[0.5], [1.5]], dtype=np.float32)]
    dev = [np.array([[1, 2, 3], [4, 7, 6]], dtype=np.int8), np.array([[0.5], [1.25]], dtype=np.float32)]
    r = compare(dev, ref, arena_bytes=96)
    assert (r.samples, r.mismatched_elements, r.arena_bytes, r.reference) == (2, 2, 96, "tflm")
    assert r.exact_match_rate == pytest.approx(6 / 8) and r.max_abs_diff == 2.0
    assert r.top1_agreement == 0.5  # sample 1's argmax moved from index 2 to index 1
    same = compare(ref, ref, 96)
    assert (same.exact_match_rate, same.mismatched_elements, same.max_abs_diff, same.top1_agreement) == (1.0, 0, 0, 1)
    assert set(same.to_dict()) == {"reference", "samples", "exact_match_rate", "max_abs_diff",
                                   "mismatched_elements", "top1_agreement", "arena_bytes",
                                   "litert_ref_mismatched_elements", "max_ulp", "ulp_bound", "verdict"}


def test_random_samples_are_seeded_and_span_the_dtype():
    (a,) = load_samples("random:500", INT8_IN, seed=1)
    (b,) = load_samples("random:500", INT8_IN, seed=1)
    (c,) = load_samples("random:500", INT8_IN, seed=2)
    assert a.shape == (500, 1, 4) and a.dtype == np.int8
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert a.min() == -128 and a.max() == 127


def test_npz_key_x_and_float_quantization(tmp_path):
    np.savez(tmp_path / "d.npz", other=np.zeros((2, 1, 4), np.int8), x=np.full((3, 1, 4), 5, np.int8))
    (x,) = load_samples(str(tmp_path / "d.npz"), INT8_IN)
    assert x.shape == (3, 1, 4) and (x == 5).all()
    np.savez(tmp_path / "f.npz", np.array([[[1.0, -100.0, 100.0, 0.26]]], np.float32))
    (q,) = load_samples(str(tmp_path / "f.npz"), INT8_IN)
    assert q.tolist() == [[[0, -128, 127, -1]]]  # round(v / 0.5) - 2, saturated


def test_bad_data_specs():
    for spec in ("random:0", "nope.npz"):
        with pytest.raises(EdgeqError):
            load_samples(spec, INT8_IN)


def test_npy_file_is_one_input_array(tmp_path):
    """A plain .npy (np.save) is a natural guess for --data: it is the single input's array."""
    np.save(tmp_path / "d.npy", np.full((2, 1, 4), 7, np.int8))
    (x,) = load_samples(str(tmp_path / "d.npy"), INT8_IN)
    assert x.shape == (2, 1, 4) and (x == 7).all()
    two_inputs = INT8_IN * 2
    with pytest.raises(EdgeqError, match="holds one array, the model has 2 inputs"):
        load_samples(str(tmp_path / "d.npy"), two_inputs)


@pytest.mark.parametrize("spec, words", [("random:abc", "random:N needs an integer N"),
                                         ("random:", "random:N needs an integer N"),
                                         (".", "is a directory")])
def test_bad_data_specs_say_what_is_wrong(spec, words):
    with pytest.raises(EdgeqError, match=words):
        load_samples(spec, INT8_IN)


def test_cli_negative_seed_is_a_usage_error(tmp_path, shared_models):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "edgeq.cli.main", "validate", str(shared_models / "ad01_int8.tflite"),
                           "--seed", "-1"], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr, proc.stderr
    assert "--seed" in proc.stderr and "-1" in proc.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_float_outputs_are_judged_in_ulps_with_a_stated_bound():
    """newlib's expf on the M4 against the host libm: float SOFTMAX differs by an ULP, which passes with the
    bound named; a larger float difference or any integer difference does not."""
    from edgeq.validate import FLOAT_ULP_BOUND, ulp_distance

    ref = [np.array([[0.1, 0.2, 0.7]], dtype=np.float32)]
    one_ulp = [np.nextafter(ref[0], np.float32(1)).astype(np.float32)]
    assert ulp_distance(ref[0], one_ulp[0]).tolist() == [[1, 1, 1]]
    near = compare(one_ulp, ref, 64)
    assert near.mismatched_elements == 3 and near.max_ulp == 1 and near.passed
    assert near.verdict == "within-ulp-bound" and f"bound {FLOAT_ULP_BOUND} ULP" in near.describe_verdict()
    far = [ref[0] * np.float32(1.001)]
    assert compare(far, ref, 64).verdict == "differs" and not compare(far, ref, 64).passed
    ints = [np.array([[1, 2]], dtype=np.int8)]
    assert compare([ints[0] + 1], ints, 64).verdict == "differs" and compare([ints[0] + 1], ints, 64).max_ulp is None
    assert compare(ref, ref, 64).describe_verdict() == "bit-exact with tflm"
    assert ulp_distance(np.float32([-0.0]), np.float32([0.0])).tolist() == [0]
    assert ulp_distance(np.float32([-1e-45]), np.float32([1e-45])).tolist() == [2]
