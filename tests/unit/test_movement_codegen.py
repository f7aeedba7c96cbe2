"""Data-movement emitters at generation time (pure): the index-map simplification reads exactly the elements
the unsimplified map names, strided-slice bounds follow TFLite's clamping (Python's slice semantics without
masks), and runtime shape parameters are refused naming the operator."""
from __future__ import annotations

import itertools
from types import MappingProxyType

import numpy as np
import pytest

from edgeq.codegen.model import generate_model
from edgeq.codegen.ops.movement import Axis, _simplify
from edgeq.ir.fold import strided_indices
from edgeq.codegen.ops.resize import integer_taps, nearest_indices
from edgeq.errors import EdgeqError
from edgeq.ir import Graph, Op, QuantParams, Tensor


def _read_order(base: int, dims) -> list[int]:
    """Input offsets in output order for a simplified map, as the C kernel walks it."""
    per_dim = [table.tolist() if table is not None else [i * stride for i in range(size)]
               for size, stride, table in dims]
    return [base + sum(parts) for parts in itertools.product(*per_dim)]


@pytest.mark.parametrize("seed", range(40))
def test_simplified_map_reads_the_same_elements(seed):
    rng = np.random.default_rng(seed)
    axes: list[Axis] = []
    for _ in range(rng.integers(1, 7)):
        size = int(rng.integers(1, 5))
        if rng.random() < 0.2:
            axes.append(Axis(rng.integers(0, 50, size).astype(np.int64)))
        else:
            axes.append(Axis.strided(int(rng.integers(0, 30)), size, int(rng.choice([-6, -1, 0, 1, 2, 4, 12]))))
    expected = [sum(parts) for parts in itertools.product(*[a.offsets.tolist() for a in axes])]
    base, dims = _simplify(axes)
    assert _read_order(base, dims) == expected
    assert all(size > 1 for size, _, _ in dims)


def test_strided_bounds_equal_python_slices():
    for size, begin, end, stride in itertools.product(range(1, 7), range(-9, 9), range(-9, 9), (-3, -2, -1, 1, 2, 3)):
        got = strided_indices(begin, end, stride, size, False, False, False, False)
        assert list(got) == list(range(size))[begin:end:stride], (size, begin, end, stride)
        masked = strided_indices(begin, end, stride, size, True, True, False, False)
        assert list(masked) == list(range(size))[::stride]
        # TFLite clamps an out-of-range shrink index (TensorFlow rejects it); with a negative stride its loop
        # visits nothing, which the emitter refuses as an output-size mismatch.
        if -size <= begin < size and stride > 0:
            shrunk = strided_indices(begin, end, stride, size, False, False, True, False)
            assert list(shrunk) == [begin % size]


def test_nearest_and_bilinear_coordinates_stay_inside_the_input():
    for in_size, out_size in itertools.product(range(1, 9), range(1, 12)):
        for align, half in ((False, False), (True, False), (False, True)):
            rows = nearest_indices(in_size, out_size, align, half)
            assert rows.min() >= 0 and rows.max() < in_size
            for lower, upper, weight in integer_taps(in_size, out_size, align, half):
                assert 0 <= lower <= upper < in_size and -512 < weight < 1536


def _graph(perm_constant: bool) -> Graph:
    q = QuantParams((0.1,), (0,))
    perm = np.array([0, 2, 1], dtype=np.int32)
    tensors = (Tensor(0, "x", (1, 3, 4), "int8", q),
               Tensor(1, "perm", (3,), "int32", None, perm if perm_constant else None),
               Tensor(2, "y", (1, 4, 3), "int8", q))
    op = Op(0, "TRANSPOSE", (0, 1), (2,), MappingProxyType({}))
    inputs = (0,) if perm_constant else (0, 1)
    return Graph(tensors, (op,), inputs, (2,))


def test_runtime_permutation_is_refused_naming_the_operator():
    generate_model(_graph(perm_constant=True))
    with pytest.raises(EdgeqError, match=r"TRANSPOSE.*permutation must be a constant"):
        generate_model(_graph(perm_constant=False))
