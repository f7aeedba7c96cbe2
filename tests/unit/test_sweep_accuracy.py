"""Device bytes in and out, scores, and failure summaries of the sweep (pure)."""
from __future__ import annotations

import numpy as np
import pytest

from edgeq.sweep import accuracy
from edgeq.sweep.device import REASON_CHARS, summarise


def test_quantize_matches_the_affine_formula_and_saturates():
    x = np.array([[-1.0, 0.0, 0.5, 1.0, 10.0]], dtype=np.float32)
    q = accuracy.quantize_batch(x, "int8", scale=1 / 128, zero_point=-1)
    assert q.dtype == np.int8
    assert q.tolist() == [[-128, -1, 63, 127, 127]]
    assert accuracy.quantize_batch(x, "float32", 0.0, 0).dtype == np.float32


def test_encode_decode_round_trip_little_endian():
    sample = np.array([1.5, -2.0], dtype=np.float32)
    raw = accuracy.encode(sample)
    assert raw == np.array([1.5, -2.0], dtype="<f4").tobytes()
    assert accuracy.decode(raw, "float32").tolist() == [1.5, -2.0]
    assert accuracy.decode(bytes([0x80, 0x7F]), "int8").tolist() == [-128, 127]
    with pytest.raises(ValueError):
        accuracy.decode(b"\x00\x00\x00", "float32")


def test_top1_with_ids_and_one_hot():
    out = np.array([[0, 5, 1], [9, 1, 1], [0, 0, 3]], dtype=np.int8)
    assert accuracy.top1(out, np.array([1, 0, 0])) == pytest.approx(2 / 3)
    assert accuracy.top1(out, np.eye(3)[[1, 0, 2]]) == 1.0


def test_agreement_counts_elements_and_argmax():
    ref = np.array([[0, 5, 1], [9, 1, 1]], dtype=np.int8)
    dev = np.array([[0, 5, 2], [1, 9, 1]], dtype=np.int8)
    a = accuracy.agreement(dev, ref)
    assert a.mismatched_elements == 3
    assert a.exact_match_rate == pytest.approx(3 / 6)
    assert a.max_abs_diff == 8
    assert a.top1_agreement == 0.5


def test_summarise_keeps_first_line_and_errors():
    log = "compiling failed:\n" + "gcc -Werror -c x.c\n" * 200 + "x.c:18: undefined reference to `expf'\nld: error 1\n"
    text = summarise(log)
    assert text == "compiling failed: | x.c:18: undefined reference to `expf' | ld: error 1"
    assert len(summarise("e " * 2000 + "\nerror " * 500)) <= REASON_CHARS
    assert summarise("") == "failed without a message"
