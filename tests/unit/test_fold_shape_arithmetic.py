"""edgeq.ir.fold on hand-made graphs: the Keras Flatten pattern folds to the values TFLite computes, anything
outside the folding rules stays an operator (for the runtime to run or refuse)."""
from __future__ import annotations

from types import MappingProxyType

import numpy as np

from edgeq.ir.fold import fold_shape_arithmetic
from edgeq.ir.graph import Graph, Op, Tensor


def _const(index: int, values, dtype="int32") -> Tensor:
    data = np.asarray(values, dtype=dtype)
    return Tensor(index, f"c{index}", data.shape, dtype, None, data)


def _graph(tensors: list[Tensor], ops: list[Op]) -> Graph:
    return Graph(tuple(tensors), tuple(ops), (0,), (tensors[-1].index,))


def _flatten_pattern(shrink_mask: int = 1, ellipsis_mask: int = 0, activation_shape=(1, 3, 4, 5)) -> Graph:
    tensors = [
        Tensor(0, "x", activation_shape, "int8", None),
        Tensor(1, "shape", (4,), "int32", None),
        _const(2, [0]), _const(3, [1]), _const(4, [1]),
        Tensor(5, "batch", (), "int32", None),
        _const(6, -1),
        Tensor(7, "target", (2,), "int32", None),
        Tensor(8, "y", (1, 60), "int8", None),
    ]
    options = {"shrink_axis_mask": shrink_mask, "ellipsis_mask": ellipsis_mask}
    ops = [Op(0, "SHAPE", (0,), (1,)),
           Op(1, "STRIDED_SLICE", (1, 2, 3, 4), (5,), MappingProxyType(options)),
           Op(2, "PACK", (5, 6), (7,), MappingProxyType({"axis": 0, "values_count": 2})),
           Op(3, "RESHAPE", (0, 7), (8,))]
    return _graph(tensors, ops)


def test_the_flatten_pattern_folds_to_tflites_values():
    folded = fold_shape_arithmetic(_flatten_pattern())
    assert folded.tensors[1].data.tolist() == [1, 3, 4, 5]
    assert folded.tensors[5].data.tolist() == 1
    assert folded.tensors[7].data.tolist() == [1, -1]
    assert [folded.has_code(op) for op in folded.ops] == [False, False, False, False]
    assert [op.index for op in folded.ops] == [0, 1, 2, 3]  # the file's operator indices are kept


def test_operators_outside_the_rules_are_left_to_the_runtime():
    # an ellipsis mask: not folded, and neither is what depends on it
    kept = fold_shape_arithmetic(_flatten_pattern(ellipsis_mask=1))
    assert kept.tensors[1].is_constant and not kept.tensors[5].is_constant and not kept.tensors[7].is_constant
    assert kept.has_code(kept.ops[1]) and kept.has_code(kept.ops[2])
    # a slice whose result disagrees with the model's output shape (not shrunk: (1,) instead of ())
    assert not fold_shape_arithmetic(_flatten_pattern(shrink_mask=0)).tensors[5].is_constant
    # SHAPE of a tensor whose shape is not static
    assert not fold_shape_arithmetic(_flatten_pattern(activation_shape=(-1, 3, 4, 5))).tensors[1].is_constant


def test_integer_arithmetic_on_constants_and_float_left_alone():
    tensors = [Tensor(0, "x", (2, 6), "float32", None), Tensor(1, "shape", (2,), "int32", None),
               _const(2, [1]), Tensor(3, "cols", (1,), "int32", None), _const(4, [2]),
               Tensor(5, "half", (1,), "int32", None), _const(6, [0]),
               Tensor(7, "prod", (), "int32", None), _const(8, [0.5], "float32"), Tensor(9, "f", (1,), "float32", None)]
    ops = [Op(0, "SHAPE", (0,), (1,)),
           Op(1, "GATHER", (1, 2), (3,), MappingProxyType({"axis": 0})),
           Op(2, "FLOOR_DIV", (3, 4), (5,)),
           Op(3, "REDUCE_PROD", (1, 6), (7,), MappingProxyType({"keep_dims": False})),
           Op(4, "MUL", (8, 8), (9,), MappingProxyType({"fused_activation_function": "NONE"}))]
    folded = fold_shape_arithmetic(_graph(tensors, ops))
    assert folded.tensors[3].data.tolist() == [6] and folded.tensors[5].data.tolist() == [3]
    assert folded.tensors[7].data.tolist() == 12
    assert not folded.tensors[9].is_constant  # float arithmetic keeps its runtime semantics
